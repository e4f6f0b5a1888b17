import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import type { PipelineConfig } from '../config/pipeline-config';
import { PipelineStepError } from '../errors';
import type { PipelineContext } from './context';

/**
 * One multi-region trail per account, by construction: an empty TrailHomeRegion means "this region" only
 * while no stack of the same pipeline elsewhere in the account manages our trail. DescribeTrails (with
 * shadow trails) shows a multi-region trail of another home region in every region; found by its
 * deterministic name, its home region becomes ours, so this stack skips CloudTrail instead of making a
 * second trail (a second copy of management events costs $2 per 100,000). An explicit TrailHomeRegion
 * (StackSets pass one) or a reused log group is never second-guessed.
 */
export async function trailHomeElsewhere(config: PipelineConfig, ctx: PipelineContext): Promise<string | undefined> {
  const { cloudTrail } = config;
  if (!cloudTrail.enabled || cloudTrail.homeRegion !== undefined || cloudTrail.existingLogGroup !== undefined) return undefined;
  let out;
  try {
    out = await ctx.clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  } catch (err) {
    // The lookup is the trail step's first read: a failure names that step.
    throw new PipelineStepError('trail', 'ensure', err);
  }
  const ours = (out.trailList ?? []).find(
    (t) =>
      t.Name === ctx.names.trailName &&
      t.IsMultiRegionTrail === true &&
      t.IsOrganizationTrail !== true &&
      t.TrailARN?.includes(`:${ctx.account}:trail/`) === true &&
      t.HomeRegion !== undefined &&
      t.HomeRegion !== ctx.region,
  );
  if (ours) ctx.log.info('our multi-region trail is managed from another region: CloudTrail is skipped here', { trailHomeRegion: ours.HomeRegion });
  return ours?.HomeRegion;
}

/** The config with an empty TrailHomeRegion set to `home` (when one was found). */
export function withTrailHome(config: PipelineConfig, home: string | undefined): PipelineConfig {
  if (home === undefined || config.cloudTrail.homeRegion !== undefined) return config;
  return { ...config, cloudTrail: { ...config.cloudTrail, homeRegion: home } };
}
