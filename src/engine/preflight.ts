import type { Trail } from '@aws-sdk/client-cloudtrail';
import { DescribeLimitsCommand } from '@aws-sdk/client-kinesis';
import type { PipelineConfig } from '../config/pipeline-config';
import { PipelineStepError } from '../support/errors';
import { describeStreamSummary } from '../sources/core/stream/kinesis-stream';
import { describeGroup } from '../components/logs/log-group';
import { subscriptionQuotaReached } from '../components/logs/subscription';
import { MAX_RECORDED_GROUP, reusedGroupMissing, subscriptionSlot } from '../components/logs/reused-group';
import { cloudTrailInThisRegion, createsTrail } from '../sources/needs';
import { trailQuotaReached, TRAILS_PER_REGION } from '../sources/cloudtrail/trail';
import type { PipelineContext } from '../components/context';
import { settleAll } from '../support/settle';
import { takeTrails } from './trail-home';

/** A referenced resource or a quota makes the request impossible; nothing was changed. The message names the parameter. */
export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

/**
 * CloudWatch Logs: two subscription filters per log group, a quota that cannot be raised. CloudWatch Logs
 * offers no read call for it, so it is named here; PutSubscriptionFilter's LimitExceededException is still
 * handled should it differ.
 */
export const FILTERS_PER_GROUP = 2;

/**
 * Read-only checks run by Create and Update before their first write: every resource the config
 * references exists and can be used, and every readable quota leaves room. Throws PreflightError naming
 * the parameter; an Update that would fail half-way (after removing what it replaces) fails here instead.
 */
export async function validateBeforeWrite(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  try {
    await checkReferences(config, ctx);
  } catch (err) {
    // A read that failed (a missing permission, say) is named as the check it belongs to.
    throw err instanceof PreflightError ? err : new PipelineStepError('references', 'validate', err);
  }
}

/** The checks are independent reads: they run side by side, so the request's first write is not delayed by their sum. */
async function checkReferences(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  await settleAll([checkShardQuota(config, ctx), checkTrailReferences(config, ctx)]);
}

async function checkTrailReferences(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  if (!cloudTrailInThisRegion(config, ctx.region)) return;
  const trails = await takeTrails(ctx);
  const reused = config.cloudTrail.existingLogGroup;
  if (reused !== undefined) await checkReusedGroup(reused, trails, ctx);
  if (createsTrail(config, ctx.region)) checkTrailQuota(trails, ctx);
}

async function checkReusedGroup(group: string, trails: readonly Trail[], ctx: PipelineContext): Promise<void> {
  const where = `in account ${ctx.account}, region ${ctx.region}`;
  if (group.length > MAX_RECORDED_GROUP) {
    throw new PreflightError(
      `ExistingTrailLogGroup ${group} is longer than ${MAX_RECORDED_GROUP} characters, which the pipeline cannot record on its stream; give a trail log group with a shorter name`,
    );
  }
  if (!(await describeGroup(group, ctx))) throw new PreflightError(reusedGroupMissing(group, ctx));
  const arn = ctx.names.logGroupArn(group);
  const trail = trails.find((t) => t.CloudWatchLogsLogGroupArn?.replace(/:\*$/, '') === arn);
  if (!trail) {
    throw new PreflightError(
      `ExistingTrailLogGroup ${group} is not the CloudWatch Logs group of any trail ${where} (DescribeTrails): give the group a trail delivers to, or leave it empty to create a trail`,
    );
  }
  const slot = await subscriptionSlot(group, ctx);
  if (!slot.ours && !slot.predecessor && slot.count >= FILTERS_PER_GROUP) {
    throw new PreflightError(subscriptionQuotaReached(`ExistingTrailLogGroup ${group}`));
  }
}

function checkTrailQuota(trails: readonly Trail[], ctx: PipelineContext): void {
  if (trails.some((t) => t.Name === ctx.names.trailName && t.HomeRegion === ctx.region)) return;
  if (trails.length >= TRAILS_PER_REGION) {
    throw new PreflightError(trailQuotaReached(ctx.region));
  }
}

/**
 * A provisioned stream needs room under the account's shard quota (DescribeLimits) for the shards it adds:
 * all of them for a new stream, the difference for a resized one. Checked here because an Update removes
 * what it turned off before it converges the stream.
 */
async function checkShardQuota(config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  if (config.stream.mode !== 'PROVISIONED') return;
  const [limits, current] = await Promise.all([ctx.clients.kinesis.send(new DescribeLimitsCommand({})), describeStreamSummary(ctx)]);
  const additional = config.stream.shardCount - (current?.OpenShardCount ?? 0);
  const open = limits.OpenShardCount ?? 0;
  const limit = limits.ShardLimit ?? Number.POSITIVE_INFINITY;
  if (additional > 0 && open + additional > limit) {
    throw new PreflightError(
      `ShardCount ${config.stream.shardCount} needs ${additional} more shard(s), but the account already has ${open} of its ${limit}-shard Kinesis quota open in ${ctx.region}: lower ShardCount, use StreamMode ON_DEMAND, or request a higher shard quota (Service Quotas)`,
    );
  }
}
