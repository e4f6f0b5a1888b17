import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError, NOT_FOUND } from '../../support/errors';
import { defineComponent, notInLambda, type Change, type Component, type ComponentId, type ComponentOutputs, type ReadPurpose } from '../component';
import type { PipelineContext } from '../context';
import { deleteIgnoringNotFound, logResource, orUndefinedWhenNotFound, ownedAfterAlreadyExists, ownedOrLeftAlone, ownershipConflict } from '../ownership';
import { diffLogGroup, type GroupAction, type GroupFound, type GroupWanted } from './log-group-plan';
import { recordedReusedGroup, recordReusedGroup, reusedGroupMissing, subscriptionSlot, unsubscribeReusedGroups } from './reused-group';
import { deleteSubscription, describeSubscription, desiredSubscription, putSubscription } from './subscription';

/** A subscription filter's pattern ('' forwards every event), with a warning for the log when it cannot filter as asked. */
export interface FilterPattern {
  pattern: string;
  warning?: string;
}

/** What makes one subscribed log group of the pipeline. */
export interface LogGroupSpec {
  id: ComponentId;
  dependsOn: readonly ComponentId[];
  enabled(config: PipelineConfig, ctx: PipelineContext): boolean;
  /** The group we create (our deterministic name). */
  groupName(ctx: PipelineContext): string;
  /** A group someone else owns that we only subscribe instead of creating ours; undefined to create ours. */
  existingGroup?(config: PipelineConfig): string | undefined;
  filterPattern(config: PipelineConfig): FilterPattern;
  /** See Component.sharedAcrossRename: a reused group's filter slot passes from the old pipeline name to the new. */
  sharedAcrossRename?: boolean;
}

/**
 * A CloudWatch Logs group subscribed to the stream. Our own group is created with our tags and the
 * retention of the config; an existing group (a reused trail's) only gets our filter, nothing else of it
 * is changed, and remove takes only our filter off it.
 */
export function logGroupComponent(spec: LogGroupSpec): Component {
  return defineComponent(
    {
      id: spec.id,
      dependsOn: spec.dependsOn,
      ...(spec.sharedAcrossRename ? { sharedAcrossRename: true } : {}),
      enabled: (config, ctx) => spec.enabled(config, ctx),
      // Another group to subscribe (reused trail <-> our own): our filter must come off the old one first.
      ...(spec.existingGroup ? { replacedWhen: (before, after) => spec.existingGroup!(before) !== spec.existingGroup!(after) } : {}),
      remove: (config, ctx) => removeLogGroup(spec, config, ctx),
    },
    {
      read: (config, ctx, purpose) => readLogGroup(spec, config, ctx, purpose),
      desired: (config, ctx) => desiredLogGroup(spec, config, ctx),
      diff: diffLogGroup,
      apply: (changes, config, ctx, found) => applyLogGroup(spec, changes, config, ctx, found),
      details: process.env.SIEM_LAMBDA_BUNDLE ? undefined : ({ group }) => ({ logGroup: group }),
    },
  );
}

function desiredLogGroup(spec: LogGroupSpec, config: PipelineConfig, ctx: PipelineContext): GroupWanted {
  const ownGroup = spec.groupName(ctx);
  const existing = spec.existingGroup?.(config);
  return {
    group: existing ?? ownGroup,
    ownGroup,
    reused: existing !== undefined,
    stackId: ctx.stackId,
    wanted: spec.enabled(config, ctx),
    retentionInDays: config.logRetentionDays,
    subscription: desiredSubscription(ctx, spec.filterPattern(config).pattern),
  };
}

/**
 * Our own group: nothing for ensure (it creates, sets retention and subscribes anyway); the group, its tags
 * and our filter for inspect. A reused group: its filters (ours, a rename predecessor's) and our own group's
 * tags (left from before the switch) for both, and for inspect the group our stream records.
 */
async function readLogGroup(spec: LogGroupSpec, config: PipelineConfig, ctx: PipelineContext, purpose: ReadPurpose): Promise<GroupFound> {
  const own = spec.groupName(ctx);
  const group = spec.existingGroup?.(config);
  if (group === undefined) {
    if (purpose === 'ensure') return { group: own, read: false };
    // The Lambda bundles only ensure (SIEM_LAMBDA_BUNDLE, see notInLambda): the rest is left out of them.
    return (process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : readOwnGroup)(own, ctx);
  }
  const tags = group === own ? undefined : await groupTags(own, ctx);
  const slot = await orUndefinedWhenNotFound(() => subscriptionSlot(group, ctx), NOT_FOUND);
  // Named before anything is written; inspect reports the group absent.
  if (!slot && purpose === 'ensure') throw new Error(reusedGroupMissing(group, ctx));
  const recorded = process.env.SIEM_LAMBDA_BUNDLE || purpose === 'ensure' ? undefined : ((await recordedReusedGroup(ctx)) ?? null);
  return { group, read: true, tags, filter: slot?.ours, predecessor: slot?.predecessor, recorded };
}

/** Our group, its tags and (when ours) its retention and our filter. Read-only. */
async function readOwnGroup(group: string, ctx: PipelineContext): Promise<GroupFound> {
  const found = await describeGroup(group, ctx);
  const tags = found && (await groupTags(group, ctx));
  if (!tags || ownershipConflict('', tags, ctx)) return { group, read: true, ...(tags ? { tags } : {}) };
  return { group, read: true, tags, retentionInDays: found.retentionInDays, filter: await describeSubscription(ctx, group) };
}

/** Performs the changes; a reused group that went away since read is named by its parameter. */
async function applyLogGroup(
  spec: LogGroupSpec,
  changes: Change<GroupAction>[],
  config: PipelineConfig,
  ctx: PipelineContext,
  found: GroupFound,
): Promise<ComponentOutputs> {
  const { pattern, warning } = spec.filterPattern(config);
  if (warning) ctx.log.warn(warning, { component: spec.id });
  const actions = new Set(changes.map((c) => c.action));
  const { group } = found;
  try {
    if (actions.has('remove-own')) await removeOwnGroup(spec.groupName(ctx), ctx);
    // A rename: the old pipeline name's filter gives its slot to ours (a group holds two filters at most).
    if (actions.has('subscribe') && found.predecessor) await deleteSubscription(ctx, group, found.predecessor);
    if (actions.has('record')) await recordReusedGroup(group, ctx);
    if (actions.has('create')) await createOwnGroup(group, ctx);
    if (actions.has('create') || actions.has('retention'))
      await ctx.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: group, retentionInDays: config.logRetentionDays }));
    if (actions.has('create') || actions.has('subscribe')) await putSubscription(ctx, group, pattern);
  } catch (err) {
    // The reused group went away since read.
    throw isAwsError(err, NOT_FOUND) && group !== spec.groupName(ctx) ? new Error(reusedGroupMissing(group, ctx), { cause: err }) : err;
  }
  return {};
}

/** Creates our group with our tags; one that exists already must carry this stack's tag. */
async function createOwnGroup(logGroupName: string, ctx: PipelineContext): Promise<void> {
  const what = `log group ${logGroupName}`;
  try {
    await ctx.clients.logs.send(new CreateLogGroupCommand({ logGroupName, tags: ctx.tags }));
    logResource(ctx, 'created', what);
  } catch (err) {
    if (!isAwsError(err, 'ResourceAlreadyExistsException')) throw err;
    await ownedAfterAlreadyExists(what, () => groupTags(logGroupName, ctx), ctx, err);
  }
}

async function removeLogGroup(spec: LogGroupSpec, config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const existing = spec.existingGroup?.(config);
  // Also the group our stream records: the config may no longer name it (properties that do not parse).
  if (spec.existingGroup) await unsubscribeReusedGroups(existing, ctx);
  if (existing !== undefined && existing === spec.groupName(ctx)) return;
  const logGroupName = spec.groupName(ctx);
  if (ownedOrLeftAlone(`log group ${logGroupName}`, await groupTags(logGroupName, ctx), ctx)) await removeOwnGroup(logGroupName, ctx);
}

/** Filter, then group, of our own group (its tags said ours). */
async function removeOwnGroup(logGroupName: string, ctx: PipelineContext): Promise<void> {
  await deleteSubscription(ctx, logGroupName);
  await deleteIgnoringNotFound(ctx, `log group ${logGroupName}`, () => ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName })), [NOT_FOUND]);
}

/** The group's tags, or undefined when it does not exist. */
async function groupTags(logGroupName: string, ctx: PipelineContext): Promise<Record<string, string> | undefined> {
  const list = () => ctx.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: ctx.names.logGroupArn(logGroupName) }));
  const out = await orUndefinedWhenNotFound(list, NOT_FOUND);
  return out && (out.tags ?? {});
}

/** The group by exact name (DescribeLogGroups matches a prefix), or undefined. */
export async function describeGroup(logGroupName: string, ctx: PipelineContext): Promise<LogGroup | undefined> {
  let nextToken: string | undefined;
  do {
    const out = await ctx.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: logGroupName, ...(nextToken ? { nextToken } : {}) }));
    const found = out.logGroups?.find((g) => g.logGroupName === logGroupName);
    if (found) return found;
    nextToken = out.nextToken;
  } while (nextToken);
  return undefined;
}
