import type { PipelineConfig } from '../../config/pipeline-config';

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
