import type { PipelineConfig } from '../../../src/config/pipeline-config';
import type { Component } from '../../../src/components/component';
import { streamRuleComponent, type StreamRuleSpec } from '../../../src/components/events/event-rule';
import type { PipelineContext } from '../../../src/components/context';
import type { ModuleDocs, ModuleParameters, ParameterSpec, SourceModule } from '../../../src/sources/types';

/**
 * A source that exists only in the tests: Route 53 Resolver events through their own EventBridge rule, one
 * module object to add to a copy of the registry (nothing in src/ knows it).
 */
export const RESOLVER = 'aws.route53resolver';

export const EnableResolverEvents: ParameterSpec = { name: 'EnableResolverEvents', rule: { kind: 'bool' }, default: 'false', targets: ['pipeline'] };

/** Its console text and README row (kept apart from the spec, as every module's are). */
export const resolverDocs: ModuleDocs = {
  EnableResolverEvents: {
    description: 'Route 53 Resolver events (DNS Firewall, query logging changes) to the stream.',
    label: 'Send Route 53 Resolver events',
    group: 'Route 53 Resolver',
    config: 'resolver.enabled',
    doc: { default: '`false`', allowed: '`true`, `false`', meaning: 'Route 53 Resolver events into the stream.' },
  },
};

export type WithResolver = PipelineConfig & { resolver: { enabled: boolean } };
const resolverOn = (config: PipelineConfig) => (config as WithResolver).resolver.enabled;

// Inside the pipeline's rule prefix (siem-<name>-), which the events role's trust allows; not a -src- rule of ExtraEventSources.
const rule = (ctx: PipelineContext): StreamRuleSpec => ({
  name: `${ctx.names.streamName}-resolver`,
  pattern: { source: [RESOLVER] },
  description: 'Route 53 Resolver events',
});

/** Its one component: an EventBridge rule on the component contract, as GuardDuty's findings rule is. */
export const resolverRule: Component = streamRuleComponent(
  { id: 'resolver-rule', dependsOn: ['stream', 'events-role'], enabled: (config) => resolverOn(config) },
  rule,
);

/** The module's pure part: its parameter, parse and needs. */
export const resolverParameters: ModuleParameters = {
  id: 'resolver',
  parameters: [EnableResolverEvents],
  parse: (read) => ({ resolver: { enabled: read.bool(EnableResolverEvents) } }),
  needs: (config) => (resolverOn(config) ? ['events-role'] : []),
};

export const resolverModule: SourceModule = {
  ...resolverParameters,
  components: [resolverRule],
  auditChecks: [resolverRule.id],
  streams: ({ config }) => [{ name: RESOLVER, expected: resolverOn(config), matches: (record) => record.kind === 'event' && record.source === RESOLVER }],
};
