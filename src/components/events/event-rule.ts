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
import { allPages, type Paging } from '../../aws/pages';
import { isAwsError, NOT_FOUND, OwnershipConflictError } from '../../support/errors';
import { defineComponent, notInLambda, statusOf, updateOf, type Change, type Component, type ComponentStatus, type ReadPurpose } from '../component';
import type { PipelineContext } from '../context';
import { alreadyGone, logResource, orUndefinedWhenNotFound, ownedOrLeftAlone, ownershipConflict, tagList, tagMap } from '../ownership';
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

/** What read found: the rule's tags (undefined: no rule) and, unless for ensure, the rule and its targets. */
export interface RuleFound {
  tags?: Record<string, string>;
  rule?: { pattern: string | undefined; state: string | undefined; arn: string | undefined; targets: Target[] };
}

/** What one change puts: the rule, its stream target, or both. */
export type RuleAction = 'rule' | 'target' | 'all';

/** The rule the spec asks for, owned by this stack's pipeline, with our stream target. */
export interface RuleWanted {
  spec: StreamRuleSpec;
  stackId: string;
  pipeline?: string;
  target: Target;
}

/** The rule's tags and, unless for ensure (which puts rule and target anyway), the rule and its targets. */
export async function readStreamRule(name: string, ctx: PipelineContext, purpose: ReadPurpose): Promise<RuleFound> {
  const tags = await ruleTags(name, ctx);
  // The Lambda bundles only ensure (SIEM_LAMBDA_BUNDLE, see notInLambda): the rest is left out of them.
  if (process.env.SIEM_LAMBDA_BUNDLE || !tags || purpose === 'ensure' || ownershipConflict('', tags, ctx, rulePipeline(ctx))) return tags ? { tags } : {};
  const found = await orUndefinedWhenNotFound(
    async () => ({ rule: await ctx.clients.events.send(new DescribeRuleCommand({ Name: name })), targets: await listTargets(name, ctx) }),
    NOT_FOUND,
  );
  // Gone between the calls: as absent as if the tags had said so.
  if (!found) return {};
  const { rule, targets } = found;
  return { tags, rule: { pattern: rule.EventPattern, state: rule.State, arn: rule.Arn, targets } };
}

/** The rule as the spec wants it: this stack's and this pipeline's, with the stream target. */
export function desiredStreamRule(spec: StreamRuleSpec, ctx: PipelineContext): RuleWanted {
  const pipeline = rulePipeline(ctx);
  return { spec, stackId: ctx.stackId, ...(pipeline !== undefined ? { pipeline } : {}), target: streamTarget(ctx) };
}

/** Pure: create when absent, conflict when not ours; put the rule and the target when unread or changed. */
export function diffStreamRule({ tags, rule }: RuleFound, want: RuleWanted): Change<RuleAction>[] {
  const resource = `EventBridge rule ${want.spec.name}`;
  if (!tags) return [{ kind: 'create', resource, description: 'create, with the stream target', action: 'all' }];
  const conflict = ownershipConflict(resource, tags, want, want.pipeline);
  if (conflict) return [{ kind: 'conflict', resource, description: conflict }];
  if (!rule) return [updateOf(resource, 'rule', undefined, want.spec, 'put the rule and its stream target', 'all')];
  // Ensure never reads the rule (it puts rule and target anyway): the settings' diff is left out of the Lambda bundles.
  const settings = process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : diffRuleSettings;
  return settings(resource, rule, want);
}

/** Pure: one update per setting of the rule as read (pattern, state, stream target) that is not as wanted. */
function diffRuleSettings(resource: string, rule: NonNullable<RuleFound['rule']>, want: RuleWanted): Change<RuleAction>[] {
  const changes: Change<RuleAction>[] = [];
  if (!samePattern(rule.pattern, want.spec.pattern))
    changes.push(updateOf(resource, 'pattern', rule.pattern, want.spec.pattern, 'event pattern changed', 'rule'));
  if (rule.state !== 'ENABLED') changes.push(updateOf(resource, 'state', rule.state, 'ENABLED', `state is ${rule.state ?? 'unknown'}`, 'rule'));
  const target = rule.targets.find((t) => t.Id === STREAM_TARGET_ID);
  const w = want.target;
  // The target reads as its stream, role and partition key (the rest of it is ours alone).
  const text = (t: Target) => `${t.Arn} as ${t.RoleArn ?? '(no role)'} by ${t.KinesisParameters?.PartitionKeyPath ?? '(no key)'}`;
  if (!target) changes.push(updateOf(resource, 'stream target', 'missing', text(w), 'stream target missing', 'target'));
  else if (text(target) !== text(w)) changes.push(updateOf(resource, 'stream target', text(target), text(w), 'stream target changed', 'target'));
  return changes;
}

/**
 * Creates or converges the rule and its stream target (read, diff, apply); returns the rule ARN.
 * A rule with this name that another stack (or a person) made is refused, never overwritten.
 */
export async function ensureStreamRule(spec: StreamRuleSpec, ctx: PipelineContext): Promise<string> {
  const found = await readStreamRule(spec.name, ctx, 'ensure');
  return applyStreamRule(spec, diffStreamRule(found, desiredStreamRule(spec, ctx)), found, ctx);
}

/** Puts what the changes name (refusing a conflict); returns the rule ARN. */
export async function applyStreamRule(spec: StreamRuleSpec, changes: Change<RuleAction>[], found: RuleFound, ctx: PipelineContext): Promise<string> {
  const { events } = ctx.clients;
  const what = `EventBridge rule ${spec.name}`;
  const conflict = changes.find((c) => c.kind === 'conflict');
  if (conflict) throw new OwnershipConflictError(conflict.description);
  let arn = found.rule?.arn;
  if (changes.some((c) => c.action === 'rule' || c.action === 'all')) {
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
    arn = out.RuleArn;
    ctx.log.info(found.tags ? 'updated' : 'created', { resource: what });
  }
  if (changes.some((c) => c.action === 'target' || c.action === 'all')) {
    // PutTargets reports per-target failures in its result instead of throwing.
    const put = await events.send(new PutTargetsCommand({ Rule: spec.name, Targets: [streamTarget(ctx)] }));
    const failed = put.FailedEntries ?? [];
    if ((put.FailedEntryCount ?? 0) > 0 || failed.length > 0) {
      const detail = failed.map((f) => `${f.TargetId ?? '?'}: ${f.ErrorCode ?? 'unknown'} ${f.ErrorMessage ?? ''}`.trim()).join('; ');
      throw new Error(`PutTargets on ${what} failed: ${detail || `${put.FailedEntryCount} failed entries`}`);
    }
  }
  return arn ?? ruleArn(spec.name, ctx);
}

/** A component of one stream rule (the GuardDuty findings rule) on the contract. */
export function streamRuleComponent(
  rest: Omit<Component, 'ensure' | 'inspect' | 'plan' | 'remove'>,
  spec: (ctx: PipelineContext) => StreamRuleSpec,
): Component {
  return defineComponent(
    { ...rest, remove: (_config, ctx) => removeStreamRule(spec(ctx).name, ctx) },
    {
      read: (_config, ctx, purpose) => readStreamRule(spec(ctx).name, ctx, purpose),
      desired: (_config, ctx) => desiredStreamRule(spec(ctx), ctx),
      diff: diffStreamRule,
      apply: async (changes, _config, ctx, found) => {
        await applyStreamRule(spec(ctx), changes, found, ctx);
        return {};
      },
      details: process.env.SIEM_LAMBDA_BUNDLE ? undefined : ({ rule }, ctx) => ({ rule: spec(ctx).name, ruleArn: rule?.arn }),
    },
  );
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
    logResource(ctx, 'deleted', what);
  } catch (err) {
    if (!isAwsError(err, NOT_FOUND)) throw err;
    alreadyGone(ctx, what);
  }
}

/** Read-only: whether the rule exists as ours, with the wanted pattern, state and stream target. */
export async function inspectStreamRule(spec: StreamRuleSpec, ctx: PipelineContext): Promise<ComponentStatus> {
  const found = await readStreamRule(spec.name, ctx, 'inspect');
  return statusOf(diffStreamRule(found, desiredStreamRule(spec, ctx)), found.rule && { rule: spec.name, ruleArn: found.rule.arn });
}

/** Names of the rules on the default bus that start with `prefix`, every page. */
export async function listRuleNames(prefix: string, ctx: PipelineContext): Promise<string[]> {
  const send = (paging: Paging) => ctx.clients.events.send(new ListRulesCommand({ NamePrefix: prefix, ...paging }));
  return allPages('NextToken', send, (page) => page.Rules?.flatMap((rule) => (rule.Name ? [rule.Name] : [])));
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
  return allPages(
    'NextToken',
    (paging) => ctx.clients.events.send(new ListTargetsByRuleCommand({ Rule: name, ...paging })),
    (page) => page.Targets,
  );
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
