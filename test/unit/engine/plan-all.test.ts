import { defaultComponents } from '../../../src/sources/registry';
import { PipelineEngine } from '../../../src/engine/engine';
import { planAll } from '../../../src/engine/plan-all';
import { makeHarness, readOnlyContext } from '../../lifecycle/harness';
import { ALL_ON } from '../../lifecycle/sources-helpers';

const engine = new PipelineEngine(defaultComponents());

describe('planAll: what ensure would change, with no write call', () => {
  it('plans something for every enabled component of an empty account (the stream: a create)', async () => {
    const h = makeHarness();
    // Flow logs have something to create only where there are VPCs (with none, their plan is rightly empty).
    h.fake.ec2.seedVpcs(2);
    const { config, ctx } = readOnlyContext(h, ALL_ON);
    h.fake.resetCalls();

    const plans = await planAll(engine, config, ctx);

    expect(h.fake.writes()).toEqual([]);
    // Every enabled component has something to create; the disabled ones plan nothing (their creates are dropped).
    const enabled = engine.enabledIds(config, ctx);
    expect(plans.filter((p) => enabled.has(p.id) && p.changes.length === 0)).toEqual([]);
    expect(plans.filter((p) => !enabled.has(p.id) && p.changes.length > 0)).toEqual([]);
    expect(plans.find((p) => p.id === 'stream')?.changes).toEqual([
      expect.objectContaining({ kind: 'create', resource: `Kinesis stream ${ctx.names.streamName}` }),
    ]);
  });

  it('plans nothing for a pipeline just created from the same config', async () => {
    const h = makeHarness();
    h.fake.ec2.seedVpcs(2);
    expect((await h.simulateEvent('Create', ALL_ON)).Status).toBe('SUCCESS');
    const { config, ctx } = readOnlyContext(h, ALL_ON);
    h.fake.resetCalls();

    const plans = await planAll(engine, config, ctx);

    expect(h.fake.writes()).toEqual([]);
    expect(plans.filter((p) => p.changes.some((c) => c.kind !== 'none'))).toEqual([]);
  });

  it('plans the stream update (from -> to) and the removal of a source the new config drops', async () => {
    const h = makeHarness();
    h.fake.ec2.seedVpcs(2);
    expect((await h.simulateEvent('Create', ALL_ON)).Status).toBe('SUCCESS');
    const { config, ctx } = readOnlyContext(h, { ...ALL_ON, RetentionHours: '48', EnableFlowLogs: 'false' });
    h.fake.resetCalls();

    const plans = await planAll(engine, config, ctx);

    expect(h.fake.writes()).toEqual([]);
    expect(plans.find((p) => p.id === 'stream')?.changes).toEqual([
      expect.objectContaining({ kind: 'update', fields: [{ field: 'retentionHours', from: 24, to: 48 }] }),
    ]);
    // What the dropped source left in the account reads as its components' own deletes: the flow logs of both VPCs, its group.
    expect(plans.find((p) => p.id === 'flow-logs')?.changes).toEqual([
      expect.objectContaining({ kind: 'delete', targets: [expect.stringMatching(/^vpc-/), expect.stringMatching(/^vpc-/)] }),
    ]);
    expect(plans.find((p) => p.id === 'flow-log-group')?.changes).toEqual([expect.objectContaining({ kind: 'delete' })]);
    // Every component is planned, enabled or not, in the engine's order.
    expect(plans.map((p) => p.id)).toEqual(engine.components.map((c) => c.id));
  });

  it.each(defaultComponents().map((c) => [c.id, c] as const))('%s: plan on a drifted account makes no write call', async (_id, component) => {
    const h = makeHarness();
    expect((await h.simulateEvent('Create', ALL_ON)).Status).toBe('SUCCESS');
    const { config, ctx } = readOnlyContext(h, { ...ALL_ON, RetentionHours: '48', LogRetentionDays: '3', ExtraEventSources: 'aws.health' });
    h.fake.resetCalls();

    await component.plan(config, ctx);

    expect(h.fake.writes()).toEqual([]);
  });
});
