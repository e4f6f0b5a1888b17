import { DescribeSubscriptionFiltersCommand, type SubscriptionFilter } from '@aws-sdk/client-cloudwatch-logs';
import { AddTagsToStreamCommand, RemoveTagsFromStreamCommand } from '@aws-sdk/client-kinesis';
import { ownedByThisStack } from '../ownership';
import { isAwsError, NOT_FOUND } from '../../support/errors';
import { allPages, type Paging } from '../../aws/pages';
import type { PipelineContext } from '../context';
import { deleteSubscription } from './subscription';
import { streamTags } from '../stream-tags';
import { kinesisTagText, streamOwnershipTags } from '../stream-tags';

/**
 * A reused trail log group (ExistingTrailLogGroup) belongs to someone else, so nothing of ours can be
 * tagged on it. Which group carries our filter is recorded on our own stream instead, so a Delete whose
 * stored properties no longer parse still finds it, and a rename's new pipeline recognises the filter of
 * the old one (same stack) and takes its place rather than needing a third filter slot.
 */
export const TAG_REUSED_GROUP = kinesisTagText('siem-pipeline:reused-trail-log-group');

/**
 * Kinesis tag values hold only letters, digits, white space and `_ . / = + - @` (stream-tags.ts). Log group
 * names hold `[.\-_/#A-Za-z0-9]`: of those only `#` is refused, and `=` never occurs in a group name, so
 * `#` is written as `=` and the mapping is one to one.
 */
export const encodeGroup = (group: string): string => group.replace(/#/g, '=');
export const decodeGroup = (value: string): string => value.replace(/=/g, '#');

/** Kinesis tag values hold at most 255 characters (the developer guide; the API reference says 256: the stricter holds). */
export const MAX_RECORDED_GROUP = 255;

/** Why a reused group cannot be subscribed: it does not exist (preflight, and ensure when it went away since). */
export function reusedGroupMissing(group: string, ctx: Pick<PipelineContext, 'account' | 'region'>): string {
  return `ExistingTrailLogGroup ${group} does not exist in account ${ctx.account}, region ${ctx.region}: give the log group of an existing trail in this region, or leave it empty to create a trail`;
}

/** Records on our stream that `group` carries our filter. */
export async function recordReusedGroup(group: string, ctx: PipelineContext): Promise<void> {
  await ctx.clients.kinesis.send(new AddTagsToStreamCommand({ StreamName: ctx.names.streamName, Tags: { [TAG_REUSED_GROUP]: encodeGroup(group) } }));
}

/** The reused group recorded on our stream, or undefined (no record, or no stream). */
export async function recordedReusedGroup(ctx: PipelineContext): Promise<string | undefined> {
  const value = (await streamTags(ctx))?.[TAG_REUSED_GROUP];
  return value === undefined ? undefined : decodeGroup(value);
}

/** Takes our filter off every group config or record names, then drops the record. */
export async function unsubscribeReusedGroups(configured: string | undefined, ctx: PipelineContext): Promise<void> {
  const recorded = await recordedReusedGroup(ctx);
  for (const group of new Set([configured, recorded])) if (group !== undefined) await deleteSubscription(ctx, group);
  if (recorded === undefined) return;
  try {
    await ctx.clients.kinesis.send(new RemoveTagsFromStreamCommand({ StreamName: ctx.names.streamName, TagKeys: [TAG_REUSED_GROUP] }));
  } catch (err) {
    if (!isAwsError(err, NOT_FOUND)) throw err;
  }
}

/** What a reused group's filters leave us: our filter already there, or the filter of this stack's previous pipeline name. */
export interface SubscriptionSlot {
  /** Our filter on the group, as CloudWatch Logs holds it; undefined when there is none. */
  ours?: SubscriptionFilter;
  /** Filter of another pipeline name of this stack whose stream records this group (a rename's predecessor). */
  predecessor?: string;
  /** Filters on the group now. */
  count: number;
}

/** Reads the group's filters (read-only). Throws ResourceNotFoundException when the group is missing. */
export async function subscriptionSlot(group: string, ctx: PipelineContext): Promise<SubscriptionSlot> {
  const describe = (paging: Paging) => ctx.clients.logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: group, ...paging }));
  const filters = await allPages('nextToken', describe, (out) => out.subscriptionFilters);
  const ours = filters.find((f) => f.filterName === ctx.names.subscriptionFilter);
  let predecessor: string | undefined;
  for (const f of filters) if (!ours && !predecessor && (await isPredecessorFilter(f, group, ctx))) predecessor = f.filterName;
  return { ...(ours ? { ours } : {}), count: filters.length, ...(predecessor ? { predecessor } : {}) };
}

/** A filter `siem-<n>-to-kinesis` into stream `siem-<n>` of this account and region, the stream tagged by this stack for this group. */
async function isPredecessorFilter(f: SubscriptionFilter, group: string, ctx: PipelineContext): Promise<boolean> {
  const prefix = `arn:${ctx.partition}:kinesis:${ctx.region}:${ctx.account}:stream/`;
  if (!f.destinationArn?.startsWith(prefix)) return false;
  const stream = f.destinationArn.slice(prefix.length);
  if (!stream.startsWith('siem-') || f.filterName !== `${stream}-to-kinesis` || stream === ctx.names.streamName) return false;
  const tags = await streamTags(ctx, stream);
  return tags !== undefined && ownedByThisStack(streamOwnershipTags(tags, ctx.stackId), ctx) && tags[TAG_REUSED_GROUP] === encodeGroup(group);
}
