import { stackIdentity } from '../../../src/engine/stack-identity';
import { buildContext } from '../../../src/engine/context-from-env';
import { createLogger } from '../../../src/support/log';
import { auditPipeline } from '../../../src/cli/audit';
import type { PipelineContext } from '../../../src/components/context';
import { PipelineEngine } from '../../../src/engine/engine';
import { planPipeline } from '../../../src/engine/plan';
import { parseWithModules } from '../../../src/sources/parse';
import { decodeRecord } from '../../../src/sources/records';
import { componentsOf, recordStreamsOf, sourceOfRecord, SOURCES } from '../../../src/sources/registry';
import { decodeRecord as decodeVerifyRecord } from '../../../src/cli/verify/decode';
import { tally } from '../../../src/cli/verify/tally';
import type { SourceModule } from '../../../src/sources/types';
import { ConfigError } from '../../../src/support/errors';
import type { PipelineConfig } from '../../../src/config/pipeline-config';
import { BOUNDARY_ARN, makeHarness, PROVISIONER_ROLE_ARN, READER_BOUNDARY_ARN, STACK_ID } from '../../lifecycle/harness';
import { RESOLVER, resolverModule, resolverRule, type WithResolver } from './resolver-source';

/**
 * One module (test/unit/sources/resolver-source.ts) added to a copy of the registry; nothing else in src/
 * changes, and config parsing, the enabled components and the plan, the audit and record matching all pick it up.
 */
const registry: readonly SourceModule[] = [...SOURCES, resolverModule];
// Only the core and the new source: every other source off, so the events role is on for the new source alone.
const PROPS = { PipelineName: 'demo', EnableCloudTrail: 'false', EnableFlowLogs: 'false', EnableGuardDuty: 'false', EnableResolverEvents: 'true' };

function contextOn(harness: ReturnType<typeof makeHarness>, config: PipelineConfig): PipelineContext {
  const env = { PERMISSIONS_BOUNDARY_ARN: BOUNDARY_ARN, READER_BOUNDARY_ARN, PROVISIONER_ROLE_ARN };
  const opts = {
    env,
    clock: harness.clock,
    waits: { minDelay: 0.001, maxDelay: 0.005, maxWaitTime: 0.5 },
    propagationRetry: { maxAttempts: 5, baseDelayMs: 1, maxDelayMs: 10 },
  };
  const stackId = STACK_ID.replace(':us-east-1:', `:${harness.fake.region}:`);
  return buildContext(opts, harness.fake.clients(), config, stackIdentity({ StackId: stackId }), createLogger({ level: 'error', sink: () => undefined }));
}

describe('adding a source: one module in a copy of the registry', () => {
  it('config parsing reads its parameter (the registry without it refuses the property, naming it)', () => {
    expect((parseWithModules(registry, PROPS) as WithResolver).resolver).toEqual({ enabled: true });
    expect((parseWithModules(registry, { PipelineName: 'demo' }) as WithResolver).resolver).toEqual({ enabled: false });
    expect(() => parseWithModules(registry, { ...PROPS, EnableResolverEvents: 'yes' })).toThrow(
      "EnableResolverEvents 'yes' is not allowed; allowed values: true, false",
    );
    expect(() => parseWithModules(SOURCES, PROPS)).toThrow(ConfigError);
    expect(() => parseWithModules(SOURCES, PROPS)).toThrow('unknown properties EnableResolverEvents');
  });

  it('its component is enabled and planned, and switches the shared events role on by its need alone', () => {
    const harness = makeHarness();
    const engine = new PipelineEngine(componentsOf(registry));
    const on = parseWithModules(registry, PROPS);
    const off = parseWithModules(registry, { ...PROPS, EnableResolverEvents: 'false' });
    expect([...engine.enabledIds(on, contextOn(harness, on))].sort()).toEqual(['events-role', 'resolver-rule', 'siem-user', 'stream']);
    expect([...engine.enabledIds(off, contextOn(harness, off))].sort()).toEqual(['siem-user', 'stream']);
    const plan = planPipeline(engine.ids, {
      type: 'Update',
      oldEnabled: engine.enabledIds(off, contextOn(harness, off)),
      enabled: engine.enabledIds(on, contextOn(harness, on)),
    });
    expect(plan.ensure).toEqual(expect.arrayContaining(['events-role', 'resolver-rule']));
    expect(plan.remove).toEqual([]);
  });

  it('a Create by the engine makes its rule; its events reach the stream and are recognised as its records, which verify counts; audit checks it', async () => {
    // Roles usable at once (no propagation delay), so the published event is delivered right after the Create.
    const harness = makeHarness({ fake: { rolePropagation: {} } });
    const config = parseWithModules(registry, PROPS);
    const ctx = contextOn(harness, config);
    const engine = new PipelineEngine(componentsOf(registry));
    await engine.apply(planPipeline(engine.ids, { type: 'Create', enabled: engine.enabledIds(config, ctx) }), config, ctx);

    expect(harness.fake.events.publish({ source: RESOLVER, 'detail-type': 'DNS Firewall Block', detail: {} })).toBe(1);
    const [record] = harness.fake.kinesis.records(ctx.names.streamName);
    const scope = { config, names: ctx.names, region: ctx.region };
    expect(sourceOfRecord(decodeRecord(record.data), scope, registry)?.id).toBe('resolver');
    // verify counts it under its own row, expected while the source is on; the registry without it counts it as other.
    const counted = (modules: readonly SourceModule[]) => tally([decodeVerifyRecord(record.data)], recordStreamsOf(scope, modules), 0);
    expect(counted(registry).sources.find((s) => s.source === RESOLVER)).toMatchObject({ expected: true, records: 1, events: 1 });
    expect(counted(registry).other).toBe(0);
    expect(counted(SOURCES)).toMatchObject({ other: 1 });
    expect(counted(SOURCES).sources.map((s) => s.source)).not.toContain(RESOLVER);

    const audit = async () => (await auditPipeline(config, ctx, engine)).components.find((c) => c.id === 'resolver-rule');
    expect(await audit()).toMatchObject({ expected: true, state: 'present', result: 'ok' });
    await resolverRule.remove(config, ctx);
    expect(await audit()).toMatchObject({ expected: true, state: 'absent', result: 'missing' });
  });
});
