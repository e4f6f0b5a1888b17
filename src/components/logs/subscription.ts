import {
  DeleteSubscriptionFilterCommand,
  DescribeSubscriptionFiltersCommand,
  PutSubscriptionFilterCommand,
  type SubscriptionFilter,
} from '@aws-sdk/client-cloudwatch-logs';
import { withRetries } from '../../aws/retry';
import { isAwsError, NOT_FOUND } from '../../support/errors';
import { updateOf, type Change } from '../component';
import type { PipelineContext } from '../context';
import { deleteIgnoringNotFound, orUndefinedWhenNotFound } from '../ownership';

/**
 * The pipeline's subscription filter on a log group: one filter, named `names.subscriptionFilter`, sending
 * the group's events to the stream through the logs role. Our deterministic name is what marks it ours.
 */

/** The filter as we want it on a group. */
export interface DesiredSubscription {
  filterName: string;
  destinationArn: string;
  roleArn: string;
  filterPattern: string;
}

export function desiredSubscription(ctx: PipelineContext, filterPattern: string): DesiredSubscription {
  return {
    filterName: ctx.names.subscriptionFilter,
    destinationArn: ctx.names.streamArn,
    roleArn: ctx.names.roleArn(ctx.names.logsRole),
    filterPattern,
  };
}

/** The test delivery CloudWatch Logs makes on PutSubscriptionFilter failed: stream not ACTIVE or role not yet propagated. */
export function isTestDeliveryFailure(err: unknown): boolean {
  return isAwsError(err, 'InvalidParameterException') && /Could not deliver test message/i.test((err as Error).message ?? '');
}

/**
 * Creates or replaces our filter (PutSubscriptionFilter with the same name overwrites it in place).
 * The test record it sends fails until the stream is ACTIVE and the logs role has propagated: that error
 * alone is retried, on ctx.clock. A full group (the filters-per-group quota) is named in a clear error.
 */
export async function putSubscription(ctx: PipelineContext, logGroupName: string, filterPattern: string): Promise<void> {
  const desired = desiredSubscription(ctx, filterPattern);
  const put = () =>
    ctx.clients.logs.send(
      new PutSubscriptionFilterCommand({
        logGroupName,
        ...desired,
        // Spread over all shards: CloudTrail writes one log stream per region, flow logs one per interface.
        distribution: 'Random',
      }),
    );
  try {
    await withRetries(put, isTestDeliveryFailure, {
      ...ctx.propagationRetry,
      clock: ctx.clock,
      onRetry: (_err, attempt, delayMs) => ctx.log.info('subscription filter test delivery failed; retrying', { logGroup: logGroupName, attempt, delayMs }),
    });
  } catch (err) {
    if (isAwsError(err, 'LimitExceededException')) {
      throw new Error(subscriptionQuotaReached(`log group ${logGroupName}`), { cause: err });
    }
    throw err;
  }
  ctx.log.info('subscription filter in place', { logGroup: logGroupName, filter: desired.filterName });
}

/** Why our filter cannot go on a log group (`group` names it): the group has all the filters CloudWatch Logs allows (preflight, and PutSubscriptionFilter's refusal). */
export function subscriptionQuotaReached(group: string): string {
  return `${group} already has as many subscription filters as CloudWatch Logs allows per group (a quota that cannot be raised): remove a filter of another consumer from it, or (for ExistingTrailLogGroup) leave ExistingTrailLogGroup empty so the pipeline creates its own trail and group, then retry`;
}

/** Deletes our filter (or the named one) from the group; a missing filter or group is done. */
export async function deleteSubscription(ctx: PipelineContext, logGroupName: string, filterName = ctx.names.subscriptionFilter): Promise<void> {
  await deleteIgnoringNotFound(
    ctx,
    `subscription filter ${filterName} of log group ${logGroupName}`,
    () => ctx.clients.logs.send(new DeleteSubscriptionFilterCommand({ logGroupName, filterName })),
    [NOT_FOUND],
  );
}

/** Our filter on the group as CloudWatch Logs holds it, or undefined (no such filter or group). Read-only. */
export async function describeSubscription(ctx: PipelineContext, logGroupName: string): Promise<SubscriptionFilter | undefined> {
  const filterName = ctx.names.subscriptionFilter;
  const describe = () => ctx.clients.logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName, filterNamePrefix: filterName }));
  return (await orUndefinedWhenNotFound(describe, NOT_FOUND))?.subscriptionFilters?.find((f) => f.filterName === filterName);
}

/** The settings of our filter that the diff compares, and how inspect words a difference. */
const COMPARED = [
  ['destinationArn', 'destination'],
  ['roleArn', 'role'],
  ['filterPattern', 'pattern'],
] as const;

/** Pure: one update (action `subscribe`) per setting of our filter that is not as wanted; one when the filter is missing. */
export function diffSubscription(resource: string, actual: SubscriptionFilter | undefined, want: DesiredSubscription): Change<'subscribe'>[] {
  if (!actual) return [updateOf(resource, 'subscription filter', 'missing', want.filterName, 'subscription filter missing', 'subscribe')];
  return COMPARED.filter(([field]) => (actual[field] ?? '') !== want[field]).map(([field, word]) =>
    updateOf(resource, field, actual[field], want[field], `subscription filter ${word} changed`, 'subscribe' as const),
  );
}
