import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  ListRulesCommand,
  ListTagsForResourceCommand,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
  type Target,
} from '@aws-sdk/client-eventbridge';
import { TAG_NAME } from '../../config/names';
import { isAwsError } from '../../errors';
import type { ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, orUndefinedWhenNotFound, ownedOrLeftAlone, ownershipConflict, tagList, tagMap } from '../ownership';
import { canonicalJson } from '../policies';

/** The one target id we put on our rules. */
export const STREAM_TARGET_ID = 'kinesis-stream';

/** Events carry a unique `id`: as the partition key it spreads records evenly over the shards. */
export const PARTITION_KEY_PATH = '$.id';

/** One EventBridge rule on the default bus that routes matching events to the stream. */
export interface StreamRuleSpec {
  name: string;
  /** EventBridge event pattern; sent as JSON. */
  pattern: Record<string, unknown>;
  description: string;
}

const NOT_FOUND = 'ResourceNotFoundException';

/**
 * Ours means this stack's tag and this pipeline's name tag: rule names of two pipelines can share a
 * prefix (`siem-a-src-...` and pipeline `a-src-x`), and the name tag keeps them apart.
 */
const rulePipeline = (ctx: PipelineContext): string | undefined => ctx.tags[TAG_NAME];

/** ARN of a rule on the default event bus (the form ListTagsForResource takes). */
export function ruleArn(name: string, ctx: Pick<PipelineContext, 'partition' | 'region' | 'account'>): string {
  return `arn:${ctx.partition}:events:${ctx.region}:${ctx.account}:rule/${name}`;
}

/** The target every rule of ours carries: the stream, delivered with the events role. */
export function streamTarget(ctx: PipelineContext): Target {
  return {
    Id: STREAM_TARGET_ID,
    Arn: ctx.names.streamArn,
    RoleArn: ctx.names.roleArn(ctx.names.eventsRole),
    KinesisParameters: { PartitionKeyPath: PARTITION_KEY_PATH },
  };
}

/**
 * Creates or converges the rule and its stream target; returns the rule ARN.
 * A rule with this name that another stack (or a person) made is refused, never overwritten.
 */
export async function ensureStreamRule(spec: StreamRuleSpec, ctx: PipelineContext): Promise<string> {
  const { events } = ctx.clients;
  const what = `EventBridge rule ${spec.name}`;
  const tags = await ruleTags(spec.name, ctx);
  if (tags) assertOwned(what, tags, ctx, rulePipeline(ctx));

  // PutRule is an upsert: it replaces pattern, state and description of an existing rule in place.
  const out = await events.send(
    new PutRuleCommand({
      Name: spec.name,
      EventPattern: JSON.stringify(spec.pattern),
      State: 'ENABLED',
      Description: spec.description,
      Tags: tagList(ctx.tags),
    }),
  );
  ctx.log.info(tags ? 'updated' : 'created', { resource: what });

  // PutTargets reports per-target failures in its result instead of throwing.
  const put = await events.send(new PutTargetsCommand({ Rule: spec.name, Targets: [streamTarget(ctx)] }));
  const failed = put.FailedEntries ?? [];
  if ((put.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
    const detail = failed.map((f) => `${f.TargetId ?? '?'}: ${f.ErrorCode ?? 'unknown'} ${f.ErrorMessage ?? ''}`.trim()).join('; ');
    throw new Error(`PutTargets on ${what} failed: ${detail || `${put.FailedEntryCount} failed entries`}`);
  }
  return out.RuleArn ?? ruleArn(spec.name, ctx);
}

/**
 * Removes the rule's targets, then the rule, if it is ours; "not found" at any step means done.
 * A rule with this name that is not ours is left in place.
 */
export async function removeStreamRule(name: string, ctx: PipelineContext): Promise<void> {
  const { events } = ctx.clients;
  const what = `EventBridge rule ${name}`;
  const tags = await ruleTags(name, ctx);
  if (!ownedOrLeftAlone(what, tags, ctx, rulePipeline(ctx))) return;
  try {
    // DeleteRule refuses a rule that still has targets: take off every target of our rule first.
    const ids = (await listTargets(name, ctx)).map((t) => t.Id).filter((id): id is string => id !== undefined);
    if (ids.length > 0) {
      const out = await events.send(new RemoveTargetsCommand({ Rule: name, Ids: ids }));
      const failed = out.FailedEntries ?? [];
      if ((out.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
        const detail = failed.map((f) => `${f.TargetId ?? '?'}: ${f.ErrorCode ?? 'unknown'}`).join('; ');
        throw new Error(`RemoveTargets on ${what} failed: ${detail || `${out.FailedEntryCount} failed entries`}`);
      }
    }
    await events.send(new DeleteRuleCommand({ Name: name }));
    ctx.log.info('deleted', { resource: what });
  } catch (err) {
    if (!isAwsError(err, NOT_FOUND)) throw err;
    ctx.log.info('already gone', { resource: what });
  }
}

/** Read-only: whether the rule exists as ours, with the wanted pattern, state and stream target. */
export async function inspectStreamRule(spec: StreamRuleSpec, ctx: PipelineContext): Promise<ComponentStatus> {
  const what = `EventBridge rule ${spec.name}`;
  const tags = await ruleTags(spec.name, ctx);
  if (!tags) return { state: 'absent' };
  const conflict = ownershipConflict(what, tags, ctx, rulePipeline(ctx));
  if (conflict) return { state: 'absent', details: { conflict } };
  const found = await orUndefinedWhenNotFound(
    async () => ({ rule: await ctx.clients.events.send(new DescribeRuleCommand({ Name: spec.name })), targets: await listTargets(spec.name, ctx) }),
    NOT_FOUND,
  );
  if (!found) return { state: 'absent' };
  const { rule, targets } = found;
  const differences: string[] = [];
  if (!samePattern(rule.EventPattern, spec.pattern)) differences.push('event pattern changed');
  if (rule.State !== 'ENABLED') differences.push(`state is ${rule.State ?? 'unknown'}`);
  const target = targets.find((t) => t.Id === STREAM_TARGET_ID);
  const wanted = streamTarget(ctx);
  if (!target) differences.push('stream target missing');
  else if (
    target.Arn !== wanted.Arn ||
    target.RoleArn !== wanted.RoleArn ||
    target.KinesisParameters?.PartitionKeyPath !== wanted.KinesisParameters?.PartitionKeyPath
  ) {
    differences.push('stream target changed');
  }
  const details = { rule: spec.name, ruleArn: rule.Arn };
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

/** Names of the rules on the default bus that start with `prefix`, every page. */
export async function listRuleNames(prefix: string, ctx: PipelineContext): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ctx.clients.events.send(new ListRulesCommand({ NamePrefix: prefix, ...(NextToken ? { NextToken } : {}) }));
    for (const rule of page.Rules ?? []) if (rule.Name) names.push(rule.Name);
    NextToken = page.NextToken;
  } while (NextToken);
  return names;
}

/**
 * Names starting with `prefix` of the rules this pipeline of this stack owns (by tags): a prefix also
 * matches rules of other pipelines (`siem-ab-src-` matches pipeline `ab-src-x`'s `siem-ab-src-x-guardduty`).
 */
export async function ownedRuleNames(prefix: string, ctx: PipelineContext): Promise<string[]> {
  const owned: string[] = [];
  for (const name of await listRuleNames(prefix, ctx)) {
    const tags = await ruleTags(name, ctx);
    if (tags && ownershipConflict(`EventBridge rule ${name}`, tags, ctx, rulePipeline(ctx)) === undefined) owned.push(name);
  }
  return owned;
}

/** The rule's tags, or undefined when the rule does not exist. */
async function ruleTags(name: string, ctx: PipelineContext): Promise<Record<string, string> | undefined> {
  const out = await orUndefinedWhenNotFound(() => ctx.clients.events.send(new ListTagsForResourceCommand({ ResourceARN: ruleArn(name, ctx) })), NOT_FOUND);
  return out && tagMap(out.Tags);
}

async function listTargets(name: string, ctx: PipelineContext): Promise<Target[]> {
  const targets: Target[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ctx.clients.events.send(new ListTargetsByRuleCommand({ Rule: name, ...(NextToken ? { NextToken } : {}) }));
    targets.push(...(page.Targets ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return targets;
}

/** EventBridge may hand the pattern back re-serialised: compare parsed values, key order ignored. */
function samePattern(actual: string | undefined, wanted: Record<string, unknown>): boolean {
  if (!actual) return false;
  try {
    return canonicalJson(JSON.parse(actual)) === canonicalJson(wanted);
  } catch {
    return false;
  }
}
