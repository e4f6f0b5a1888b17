import type { PipelineConfig } from '../../config/pipeline-config';
import type { PipelineContext } from '../context';

/**
 * Which log sources the config turns on in this region, as pure predicates over config and region, so that
 * every component (roles, groups, bucket, trail) switches on and off together.
 */

/**
 * CloudTrail feeds the stream from this region: the trail (ours or an existing one) and its log group live
 * in the home region only; stacks of the other regions skip CloudTrail.
 */
export function cloudTrailInThisRegion(config: PipelineConfig, region: string): boolean {
  return config.cloudTrail.enabled && (config.cloudTrail.homeRegion ?? region) === region;
}

/** We create the trail, its bucket, log group and role (rather than subscribe an existing trail's log group). */
export function createsTrail(config: PipelineConfig, region: string): boolean {
  return cloudTrailInThisRegion(config, region) && config.cloudTrail.existingLogGroup === undefined;
}

/** Some CloudWatch Logs group of this region is subscribed to the stream (CloudTrail or flow logs). */
export function logsToStreamEnabled(config: PipelineConfig, region: string): boolean {
  return cloudTrailInThisRegion(config, region) || config.flowLogs.enabled;
}

/**
 * The log groups the pipeline may subscribe to the stream: its own trail and flow-log groups (whether switched on
 * or not, so toggling a source leaves the logs role alone) and the existing trail's group it reuses, if any.
 */
export function subscribableLogGroups(config: PipelineConfig, ctx: Pick<PipelineContext, 'names'>): string[] {
  return [ctx.names.cloudTrailLogGroup, ctx.names.flowLogGroup, ...(config.cloudTrail.existingLogGroup ? [config.cloudTrail.existingLogGroup] : [])];
}

/** Some EventBridge rule of this region targets the stream (GuardDuty or an extra source). */
export function eventsToStreamEnabled(config: PipelineConfig): boolean {
  return config.guardDuty.enabled || config.eventSources.length > 0;
}

/** The ARN of the pipeline's trail (a multi-region trail is known by its home region's ARN). */
export function trailArn(ctx: Pick<PipelineContext, 'partition' | 'region' | 'account' | 'names'>): string {
  return `arn:${ctx.partition}:cloudtrail:${ctx.region}:${ctx.account}:trail/${ctx.names.trailName}`;
}
