import type { PipelineConfig } from '../config/pipeline-config';
import { sharedComponentNeeded } from './enabling';
import { PARAMETER_MODULES } from './parameters';
import type { PipelineContext } from '../components/context';

/**
 * Which log sources the config turns on in this region, as pure predicates over config and region. The
 * delivery roles switch on when a module of the registry needs them (src/sources/enabling.ts), so every
 * component (roles, groups, bucket, trail) switches on and off together.
 */

export { cloudTrailInThisRegion, createsTrail } from './cloudtrail/scope';

/** Some CloudWatch Logs group of this region is subscribed to the stream: a module needs the logs role. */
export function logsToStreamEnabled(config: PipelineConfig, region: string): boolean {
  return sharedComponentNeeded(PARAMETER_MODULES, 'logs-role', config, region);
}

/**
 * The log groups the pipeline may subscribe to the stream, as the modules name them: their own groups (whether
 * switched on or not, so toggling a source leaves the logs role alone), then the groups they reuse (an existing
 * trail's).
 */
export function subscribableLogGroups(config: PipelineConfig, ctx: Pick<PipelineContext, 'names'>): string[] {
  const groups = PARAMETER_MODULES.map((m) => m.logGroups?.(config, ctx.names) ?? { own: [], reused: [] });
  return [...groups.flatMap((g) => g.own), ...groups.flatMap((g) => g.reused)];
}

/**
 * Some EventBridge rule of this region targets the stream: a module needs the events role. EventBridge rules
 * are regional but no module's need of them depends on the region, so none is asked for.
 */
export function eventsToStreamEnabled(config: PipelineConfig, region = ''): boolean {
  return sharedComponentNeeded(PARAMETER_MODULES, 'events-role', config, region);
}

/** The ARN of the pipeline's trail (a multi-region trail is known by its home region's ARN). */
export function trailArn(ctx: Pick<PipelineContext, 'partition' | 'region' | 'account' | 'names'>): string {
  return `arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.account}:trail/${ctx.names.trailName}`;
}
