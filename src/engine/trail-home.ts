import { DescribeTrailsCommand, type Trail } from '@aws-sdk/client-cloudtrail';
import type { PipelineConfig } from '../config/pipeline-config';
import { PipelineStepError } from '../support/errors';
import type { PipelineContext } from '../components/context';

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
  let trails: Trail[];
  try {
    trails = await trailsVisibleHere(ctx, { handOn: true });
  } catch (err) {
    // One of the read-only checks before the first write (it shares its read with them: trailsVisibleHere).
    throw new PipelineStepError('references', 'validate', err);
  }
  const ours = trails.find(
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

/** The trail list the trail-home lookup read, handed on to the checks before the first write (once). */
const handedOn = new WeakMap<PipelineContext, Promise<Trail[]>>();

/**
 * Every trail that applies to this region, multi-region trails of other home regions included (shadow
 * trails). The trail-home lookup reads it and hands it on (`handOn`); the checks before the first write of
 * the same request take that read instead of making their own (`takeTrails`), so a Create or Update reads
 * the list once, and nothing read earlier is reused beyond that one hand-over.
 */
function trailsVisibleHere(ctx: PipelineContext, opts: { handOn?: boolean } = {}): Promise<Trail[]> {
  const trails = ctx.clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })).then((out) => out.trailList ?? []);
  if (opts.handOn) {
    // The taker sees the rejection itself; this copy only keeps an unobserved rejection from being reported.
    trails.catch(() => undefined);
    handedOn.set(ctx, trails);
  }
  return trails;
}

/** The trail list the trail-home lookup of this request read, or a fresh read. */
export function takeTrails(ctx: PipelineContext): Promise<Trail[]> {
  const trails = handedOn.get(ctx);
  handedOn.delete(ctx);
  return trails ?? trailsVisibleHere(ctx);
}
