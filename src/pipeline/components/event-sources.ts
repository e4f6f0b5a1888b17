import type { PipelineConfig } from '../../config/pipeline-config';
import { notInLambda, type Component, type ComponentOutputs, type ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { settleAll } from '../settle';
import { ensureStreamRule, inspectStreamRule, listRuleNames, ownedRuleNames, removeStreamRule, type StreamRuleSpec } from './event-rule';

/**
 * One EventBridge rule per extra source (aws.securityhub, aws.health, ...) to the stream. Every run
 * converges the whole set: rules of sources no longer listed are removed, listed ones are ensured.
 */
export const eventSourcesComponent: Component = {
  id: 'event-sources',
  dependsOn: ['stream', 'events-role'],
  enabled: (config) => config.eventSources.length > 0,
  ensure: ensureEventSources,
  remove: removeEventSources,
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

async function ensureEventSources(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const wanted = config.eventSources.map((source) => sourceRule(source, ctx));
  const wantedNames = new Set(wanted.map((r) => r.name));
  // removeStreamRule checks each one's tags: another pipeline's rule under our prefix is left in place.
  const stale = (await listRuleNames(ctx.names.sourceRulePrefix, ctx)).filter((name) => !wantedNames.has(name));
  for (const name of stale) {
    ctx.log.info('source no longer listed: removing its rule', { rule: name });
    await removeStreamRule(name, ctx);
  }
  // Independent rules: ensured side by side (they sit on the Create's critical path, right after the stream).
  await settleAll(wanted.map((rule) => ensureStreamRule(rule, ctx)));
  return {};
}

async function removeEventSources(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  // By prefix, not by the config: a Delete must also find rules of sources an older config listed
  // (removeStreamRule leaves a rule that is not ours, by its tags, in place).
  for (const name of await listRuleNames(ctx.names.sourceRulePrefix, ctx)) await removeStreamRule(name, ctx);
}

async function inspectEventSources(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const wanted = config.eventSources.map((source) => sourceRule(source, ctx));
  const wantedNames = new Set(wanted.map((r) => r.name));
  // Another pipeline's rules can share the prefix: only rules tagged as ours count.
  const existing = await ownedRuleNames(ctx.names.sourceRulePrefix, ctx);
  const differences: string[] = existing.filter((name) => !wantedNames.has(name)).map((name) => `rule ${name} is not wanted`);
  const rules: Record<string, ComponentStatus['state']> = {};
  for (const rule of wanted) {
    const status = await inspectStreamRule(rule, ctx);
    rules[rule.name] = status.state;
    if (status.state !== 'present') differences.push(`rule ${rule.name} is ${status.state}`);
  }
  if (existing.length === 0 && wanted.length === 0) return { state: 'absent' };
  return differences.length > 0 ? { state: 'drifted', details: { rules, differences } } : { state: 'present', details: { rules } };
}
