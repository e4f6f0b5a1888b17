import type { PipelineConfig } from '../../config/pipeline-config';
import { defineComponent, notInLambda, type Change, type Component, type ComponentStatus, type ReadPurpose } from '../../components/component';
import type { PipelineContext } from '../../components/context';
import { settleAll } from '../../support/settle';
import {
  desiredStreamRule,
  diffStreamRule,
  ensureStreamRule,
  listRuleNames,
  ownedRuleNames,
  readStreamRule,
  removeStreamRule,
  type RuleFound,
  type RuleWanted,
  type StreamRuleSpec,
} from '../../components/events/event-rule';

/**
 * What read found: the rule names under our prefix (for ensure every one, whose owner remove checks; else
 * only ours) and, unless for ensure, each listed source's rule. Ensure converges each listed rule on its own
 * (read, diff, apply through ensureStreamRule), after the stale ones are gone, as before the contract.
 */
export interface SourceRulesFound {
  names: string[];
  rules?: Record<string, RuleFound>;
}

/** Each change names its rule; `delete` removes a rule whose source is no longer listed. */
export interface SourceRuleAction {
  rule: string;
  delete?: true;
}

/**
 * One EventBridge rule per extra source (aws.securityhub, aws.health, ...) to the stream. Every run
 * converges the whole set: rules of sources no longer listed are removed, listed ones are ensured.
 */
const contractComponent = defineComponent(
  { id: 'event-sources', dependsOn: ['stream', 'events-role'], enabled: (config) => config.eventSources.length > 0, remove: removeEventSources },
  { read: readSourceRules, desired: desiredSourceRules, diff: diffSourceRules, apply: applySourceRules },
);

/** The set of source rules: inspect reports each rule's state (absent only when none is ours or wanted). */
export const eventSourcesComponent: Component = {
  ...contractComponent,
  inspect: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : inspectEventSources,
};

/** The rule for one source: everything that source publishes on the default bus. */
export function sourceRule(source: string, ctx: PipelineContext): StreamRuleSpec {
  return {
    name: ctx.names.sourceRule(source),
    pattern: { source: [source] },
    description: `${source} events to Kinesis stream ${ctx.names.streamName} (siem-pipeline)`,
  };
}

function desiredSourceRules(config: PipelineConfig, ctx: PipelineContext): RuleWanted[] {
  return config.eventSources.map((source) => desiredStreamRule(sourceRule(source, ctx), ctx));
}

async function readSourceRules(config: PipelineConfig, ctx: PipelineContext, purpose: ReadPurpose): Promise<SourceRulesFound> {
  // The Lambda bundles only ensure (SIEM_LAMBDA_BUNDLE, see notInLambda): the rest is left out of them.
  if (process.env.SIEM_LAMBDA_BUNDLE || purpose === 'ensure') return { names: await listRuleNames(ctx.names.sourceRulePrefix, ctx) };
  // Another pipeline's rules can share the prefix: only rules tagged as ours count.
  const names = await ownedRuleNames(ctx.names.sourceRulePrefix, ctx);
  const rules: Record<string, RuleFound> = {};
  for (const source of config.eventSources) {
    const name = ctx.names.sourceRule(source);
    rules[name] = await readStreamRule(name, ctx, purpose);
  }
  return { names, rules };
}

/**
 * Pure: a rule under the prefix whose source is not listed is deleted; each listed rule is diffed on its own
 * (unread, for ensure: converged on apply). A create names just the rule.
 */
export function diffSourceRules({ names, rules }: SourceRulesFound, wanted: RuleWanted[]): Change<SourceRuleAction>[] {
  const wantedNames = new Set(wanted.map((w) => w.spec.name));
  const changes: Change<SourceRuleAction>[] = names
    .filter((name) => !wantedNames.has(name))
    .map((rule) => ({ kind: 'delete', resource: `EventBridge rule ${rule}`, description: `rule ${rule} is not wanted`, action: { rule, delete: true } }));
  for (const want of wanted) {
    const rule = want.spec.name;
    if (!rules) {
      changes.push({ kind: 'update', resource: `EventBridge rule ${rule}`, description: `ensure rule ${rule}`, fields: [], action: { rule } });
      continue;
    }
    // Only inspect and plan read the listed rules: their diff is left out of the Lambda bundles.
    const diff = process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : diffReadRule;
    changes.push(...diff(rules[rule] ?? {}, want));
  }
  return changes;
}

/** Inspect's per-rule diff: a create is named by its rule alone, other changes lead with it. */
function diffReadRule(found: RuleFound, want: RuleWanted): Change<SourceRuleAction>[] {
  const rule = want.spec.name;
  return diffStreamRule(found, want).map((c) => ({ ...c, description: c.kind === 'create' ? rule : `${rule}: ${c.description}`, action: { rule } }));
}

async function applySourceRules(changes: Change<SourceRuleAction>[], config: PipelineConfig, ctx: PipelineContext): Promise<Record<string, string>> {
  // removeStreamRule checks each one's tags: another pipeline's rule under our prefix is left in place.
  for (const { action } of changes) {
    if (!action?.delete) continue;
    ctx.log.info('source no longer listed: removing its rule', { rule: action.rule });
    await removeStreamRule(action.rule, ctx);
  }
  const touched = new Set(changes.filter((c) => !c.action?.delete && c.kind !== 'none').map((c) => c.action?.rule));
  // Independent rules: ensured side by side (they sit on the Create's critical path, right after the stream).
  const specs = config.eventSources.map((source) => sourceRule(source, ctx)).filter((spec) => touched.has(spec.name));
  await settleAll(specs.map((spec) => ensureStreamRule(spec, ctx)));
  return {};
}

async function removeEventSources(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  // By prefix, not by the config: a Delete must also find rules of sources an older config listed
  // (removeStreamRule leaves a rule that is not ours, by its tags, in place).
  for (const name of await listRuleNames(ctx.names.sourceRulePrefix, ctx)) await removeStreamRule(name, ctx);
}

/** Read + diff, summed up per rule: a listed rule is absent (to create, or not ours), drifted or present. */
async function inspectEventSources(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const found = await readSourceRules(config, ctx, 'inspect');
  const wanted = desiredSourceRules(config, ctx);
  const changes = diffSourceRules(found, wanted);
  const differences = changes.filter((c) => c.action?.delete).map((c) => c.description);
  const rules: Record<string, ComponentStatus['state']> = {};
  for (const { spec } of wanted) {
    const own = changes.filter((c) => c.action?.rule === spec.name && !c.action.delete && c.kind !== 'none');
    rules[spec.name] = own.some((c) => c.kind === 'create' || c.kind === 'conflict') ? 'absent' : own.length > 0 ? 'drifted' : 'present';
    if (rules[spec.name] !== 'present') differences.push(`rule ${spec.name} is ${rules[spec.name]}`);
  }
  if (found.names.length === 0 && wanted.length === 0) return { state: 'absent' };
  return differences.length > 0 ? { state: 'drifted', details: { rules, differences } } : { state: 'present', details: { rules } };
}
