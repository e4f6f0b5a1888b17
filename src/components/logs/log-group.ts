import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  type LogGroup,
} from '@aws-sdk/client-cloudwatch-logs';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError } from '../../support/errors';
import { notInLambda, type Component, type ComponentId, type ComponentOutputs, type ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, deleteIgnoringNotFound, orUndefinedWhenNotFound, ownedAfterAlreadyExists, ownedOrLeftAlone } from '../ownership';
import { flowLogFilterPattern, type FlowLogPattern } from '../flow-logs/flow-log-pattern';
import { cloudTrailInThisRegion } from '../source-needs';
import { recordReusedGroup, subscriptionSlot, unsubscribeReusedGroups } from '../cloudtrail/reused-trail-group';
import { deleteSubscription, describeSubscription, desiredSubscription, putSubscription, subscriptionDifferences } from './subscription';

/** What makes one subscribed log group of the pipeline. */
export interface LogGroupSpec {
  id: ComponentId;
  dependsOn: readonly ComponentId[];
  enabled(config: PipelineConfig, ctx: PipelineContext): boolean;
  /** The group we create (our deterministic name). */
  groupName(ctx: PipelineContext): string;
  /** A group someone else owns that we only subscribe instead of creating ours; undefined to create ours. */
  existingGroup?(config: PipelineConfig): string | undefined;
  /** The parameter that names the existing group, for error messages. */
  existingGroupParameter?: string;
  filterPattern(config: PipelineConfig): FlowLogPattern;
  /** See Component.sharedAcrossRename: a reused group's filter slot passes from the old pipeline name to the new. */
  sharedAcrossRename?: boolean;
}

/**
 * A CloudWatch Logs group subscribed to the stream. Our own group is created with our tags and the
 * retention of the config; an existing group (a reused trail's) only gets our filter, nothing else of it
 * is changed, and remove takes only our filter off it.
 */
export function logGroupComponent(spec: LogGroupSpec): Component {
  return {
    id: spec.id,
    dependsOn: spec.dependsOn,
    ...(spec.sharedAcrossRename ? { sharedAcrossRename: true } : {}),
    enabled: (config, ctx) => spec.enabled(config, ctx),
    // Another group to subscribe (reused trail <-> our own): our filter must come off the old one first.
    ...(spec.existingGroup ? { replacedWhen: (before, after) => spec.existingGroup!(before) !== spec.existingGroup!(after) } : {}),
    ensure: (config, ctx) => ensureLogGroup(spec, config, ctx),
    remove: (config, ctx) => removeLogGroup(spec, config, ctx),
    inspect: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : (config, ctx) => inspectLogGroup(spec, config, ctx),
  };
}

/** The CloudTrail log group: ours for the trail we create, or the group of an existing trail (ExistingTrailLogGroup). */
export const trailLogGroupComponent = logGroupComponent({
  id: 'trail-log-group',
  dependsOn: ['stream', 'logs-role'],
  enabled: (config, ctx) => cloudTrailInThisRegion(config, ctx.region),
  groupName: (ctx) => ctx.names.cloudTrailLogGroup,
  existingGroup: (config) => config.cloudTrail.existingLogGroup,
  existingGroupParameter: 'ExistingTrailLogGroup',
  filterPattern: () => ({ pattern: '' }),
  sharedAcrossRename: true,
});

/** The VPC Flow Logs group; its filter drops NODATA/SKIPDATA records unless FlowLogDropNoData is off. */
export const flowLogGroupComponent = logGroupComponent({
  id: 'flow-log-group',
  dependsOn: ['stream', 'logs-role'],
  enabled: (config) => config.flowLogs.enabled,
  groupName: (ctx) => ctx.names.flowLogGroup,
  filterPattern: (config) => flowLogFilterPattern(config.flowLogs.logFormat, config.flowLogs.dropNoData),
});

async function ensureLogGroup(spec: LogGroupSpec, config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const { pattern, warning } = spec.filterPattern(config);
  if (warning) ctx.log.warn(warning, { component: spec.id });
  const existing = spec.existingGroup?.(config);
  if (existing !== undefined) {
    // Switched from our own group to an existing one: ours (and its trail, removed before) is no longer wanted.
    if (existing !== spec.groupName(ctx)) await removeOwnGroup(spec, ctx);
    try {
      const slot = await subscriptionSlot(existing, ctx);
      if (slot.predecessor) {
        // A rename: the old pipeline name's filter gives its slot to ours (a group holds two filters at most).
        await deleteSubscription(ctx, existing, slot.predecessor);
        ctx.log.info('took the place of the previous pipeline name of this stack on the reused group', { logGroup: existing, filter: slot.predecessor });
      }
      await recordReusedGroup(existing, ctx);
      await putSubscription(ctx, existing, pattern);
    } catch (err) {
      if (!isAwsError(err, 'ResourceNotFoundException')) throw err;
      throw new Error(
        `${spec.existingGroupParameter ?? 'the existing log group'} ${existing} does not exist in ${ctx.region}: give the log group of an existing trail in this region, or leave it empty to create a trail`,
        { cause: err },
      );
    }
    return {};
  }
  const logGroupName = spec.groupName(ctx);
  await createOwnGroup(logGroupName, ctx);
  await ctx.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName, retentionInDays: config.logRetentionDays }));
  await putSubscription(ctx, logGroupName, pattern);
  return {};
}

/** Creates our group with our tags; one that exists already must carry this stack's tag. */
async function createOwnGroup(logGroupName: string, ctx: PipelineContext): Promise<void> {
  const what = `log group ${logGroupName}`;
  try {
    await ctx.clients.logs.send(new CreateLogGroupCommand({ logGroupName, tags: ctx.tags }));
    ctx.log.info('created', { resource: what });
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
  await removeOwnGroup(spec, ctx);
}

/** Filter, then group, of our own group only; a group without this stack's tag is left alone. */
async function removeOwnGroup(spec: LogGroupSpec, ctx: PipelineContext): Promise<void> {
  const logGroupName = spec.groupName(ctx);
  const what = `log group ${logGroupName}`;
  const tags = await groupTags(logGroupName, ctx);
  if (!ownedOrLeftAlone(what, tags, ctx)) return;
  await deleteSubscription(ctx, logGroupName);
  await deleteIgnoringNotFound(ctx, what, () => ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName })), ['ResourceNotFoundException']);
}

async function inspectLogGroup(spec: LogGroupSpec, config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const desired = desiredSubscription(ctx, spec.filterPattern(config).pattern);
  const existing = spec.existingGroup?.(config);
  if (existing !== undefined) {
    const filter = await describeSubscription(ctx, existing);
    if (!filter) return { state: 'absent', details: { logGroup: existing } };
    const differences = subscriptionDifferences(filter, desired);
    if (!spec.enabled(config, ctx)) differences.unshift('not wanted by the config');
    return differences.length > 0 ? { state: 'drifted', details: { logGroup: existing, differences } } : { state: 'present', details: { logGroup: existing } };
  }
  const logGroupName = spec.groupName(ctx);
  const group = await describeGroup(logGroupName, ctx);
  if (!group) return { state: 'absent' };
  const tags = await groupTags(logGroupName, ctx);
  if (tags === undefined) return { state: 'absent' };
  try {
    assertOwned(`log group ${logGroupName}`, tags, ctx);
  } catch (err) {
    return { state: 'absent', details: { conflict: (err as Error).message } };
  }
  const differences: string[] = [];
  if (!spec.enabled(config, ctx)) differences.push('not wanted by the config');
  if (group.retentionInDays !== config.logRetentionDays)
    differences.push(`retention ${group.retentionInDays ?? 'never expires'} days, want ${config.logRetentionDays}`);
  differences.push(...subscriptionDifferences(await describeSubscription(ctx, logGroupName), desired));
  const details = { logGroup: logGroupName };
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

/** The group's tags, or undefined when it does not exist. */
async function groupTags(logGroupName: string, ctx: PipelineContext): Promise<Record<string, string> | undefined> {
  const list = () => ctx.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: ctx.names.logGroupArn(logGroupName) }));
  const out = await orUndefinedWhenNotFound(list, 'ResourceNotFoundException');
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
