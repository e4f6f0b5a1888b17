import type { PipelineConfig } from '../config/pipeline-config';
import { PARAMETER_MODULES } from './parameters';
import type { PipelineContext } from '../components/context';
import type { ModuleParameters } from './types';

/**
 * What the sources' modules need, as pure functions of config and region: the log groups the logs role
 * trusts, CloudTrail's scope and the trail's ARN. The delivery roles switch on when a module needs them
 * (src/sources/enabling.ts).
 */

export { cloudTrailInThisRegion, createsTrail } from './cloudtrail/scope';

/**
 * The log groups the pipeline may subscribe to the stream, as the modules name them: their own groups (whether
 * switched on or not, so toggling a source leaves the logs role alone), then the groups they reuse (an existing
 * trail's).
 */
export function subscribableLogGroups(
  config: PipelineConfig,
  ctx: Pick<PipelineContext, 'names'>,
  modules: readonly ModuleParameters[] = PARAMETER_MODULES,
): string[] {
  const groups = modules.map((m) => m.logGroups?.(config, ctx.names) ?? { own: [], reused: [] });
  return [...groups.flatMap((g) => g.own), ...groups.flatMap((g) => g.reused)];
}

/** The ARN of the pipeline's trail (a multi-region trail is known by its home region's ARN). */
export function trailArn(ctx: Pick<PipelineContext, 'partition' | 'region' | 'account' | 'names'>): string {
  return `arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.account}:trail/${ctx.names.trailName}`;
}
