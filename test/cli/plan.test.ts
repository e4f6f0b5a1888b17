import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import { ORG_GROUP, seededAccount } from '../lifecycle/adopted-helpers';
import { makeHarness, STACK_ID } from '../lifecycle/harness';
import { deployPipeline, EXTERNAL_ID, PARAM_FLAGS, type Deployed } from '../unit/cli/helpers';
import { GAPS, onAccount, putStack, runOn } from './stack';
import { fromChanges } from '../../src/cli/component-plan';
import { PipelineEngine } from '../../src/engine/engine';
import { planAll } from '../../src/engine/plan-all';
import type { Change, Component } from '../../src/components/component';
import { parseConfig } from '../../src/sources/parse';

describe('plan', () => {
  it('for a new stack (--stack-id with --param): every component is created, the VPCs that get flow logs and the costs are listed, nothing is written', async () => {
    const h = makeHarness();
    const vpcs = h.fake.ec2.seedVpcs(2);
    const d = onAccount(h);
    h.fake.resetCalls();

    const { code, out } = await runOn(d, ['plan', '--stack-id', STACK_ID, ...PARAM_FLAGS]);

    expect(h.fake.calls.length).toBeGreaterThan(0);
    expect(h.fake.writes()).toEqual([]);
    expect(code).toBe(1);
    expect(out).toMatch(/^Plan \(Create\) for pipeline demo in account 123456789012, region us-east-1$/m);
    for (const id of ['stream', 'siem-role', 'trail', 'flow-log-group', 'guardduty-detector', 'guardduty-rule'])
      expect(out).toMatch(new RegExp(`^${id} +create`, 'm'));
    // event-sources' inspect reports missing rules as drift of the component: none there is a create of each.
    expect(out).toMatch(/^event-sources +create +siem-demo-src-securityhub$/m);
    expect(out).not.toMatch(/^siem-user /m);
    expect(out).toContain(`VPCs that would get a flow log: ${vpcs.join(', ')}`);
    expect(out).toContain('  - new PROVISIONED stream: 1 shard(s), about $11/month');
    expect(out).toContain('  - a multi-region trail: the first copy of management events is free');
    expect(out).not.toContain(EXTERNAL_ID);
  });

  it('for a new stack in an account with a GuardDuty detector: the detector is adopted, not created', async () => {
    const h = makeHarness();
    await h.fake.clients().guardduty.send(new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES' }));
    const d = onAccount(h);
    h.fake.resetCalls();
    const { out } = await runOn(d, ['plan', '--stack-id', STACK_ID, ...PARAM_FLAGS]);
    expect(out).toMatch(/^guardduty-detector +adopt$/m);
    expect(h.fake.writes()).toEqual([]);
  });

  it('for a new stack reusing a trail log group: the group is adopted and only subscribed', async () => {
    const h = await seededAccount();
    const d = onAccount(h);
    h.fake.resetCalls();
    const { out } = await runOn(d, ['plan', '--stack-id', STACK_ID, ...PARAM_FLAGS, '--param', `ExistingTrailLogGroup=${ORG_GROUP}`]);
    expect(out).toMatch(new RegExp(`^trail-log-group +adopt +subscribe ${ORG_GROUP}$`, 'm'));
    expect(out).not.toMatch(/^trail +create/m);
    expect(h.fake.writes()).toEqual([]);
  });

  describe('for an Update (--stack)', () => {
    let d: Deployed;
    beforeEach(async () => {
      d = await deployPipeline();
      putStack(d.fake);
    });

    it('shows each change with its fields and writes nothing; a clean stack has no changes (exit 0)', async () => {
      d.fake.resetCalls();
      const clean = await runOn(d, ['plan', '--stack', 'siem']);
      expect(clean.out).toContain('No changes: every component is as the properties ask.');
      expect(clean.code).toBe(0);

      for (const g of GAPS) await g.plant(d.fake);
      d.fake.resetCalls();
      const { code, out } = await runOn(d, ['plan', '--stack', 'siem', '--json']);
      expect(d.fake.writes()).toEqual([]);
      expect(code).toBe(1);
      const report = JSON.parse(out) as {
        request: string;
        changes: { component: string; action: string; fields: string[]; vpcs?: string[] }[];
        vpcs: string[];
      };
      expect(report.request).toBe('Update');
      expect(report.changes.filter((c) => c.action !== 'none')).toEqual([
        { component: 'trail', action: 'change', fields: ['not logging'] },
        { component: 'flow-log-group', action: 'change', fields: ['subscription filter: missing -> siem-demo-to-kinesis'] },
        { component: 'flow-logs', action: 'change', fields: [], vpcs: [expect.stringMatching(/^vpc-/)] },
        { component: 'guardduty-detector', action: 'change', fields: ['Status: DISABLED -> ENABLED'] },
        {
          component: 'guardduty-rule',
          action: 'change',
          fields: [
            'stream target: missing -> arn:aws:kinesis:us-east-1:123456789012:stream/siem-demo as arn:aws:iam::123456789012:role/siem-pipeline/siem-demo-us-east-1-events-to-kinesis by $.id',
          ],
        },
      ]);
      expect(report.vpcs).toEqual(report.changes.find((c) => c.component === 'flow-logs')!.vpcs);
    });

    it('a --param that changes the stream shows its shards and the new cost', async () => {
      const { out } = await runOn(d, ['plan', '--stack', 'siem', '--param', 'ShardCount=2']);
      expect(out).toMatch(/^stream +change +shardCount: 1 -> 2$/m);
      expect(out).toContain('  - stream capacity changes (shardCount: 1 -> 2): PROVISIONED stream: 2 shard(s), about $22/month');
    });
  });
});

describe("a component's planned change (planAll, then fromChanges)", () => {
  const config = parseConfig({ PipelineName: 'demo' });
  const planOf = async (c: Component, request: 'Create' | 'Update' = 'Update') =>
    fromChanges(c.id, (await planAll(new PipelineEngine([c]), config, {} as never))[0].changes, request);
  const component = (over: Partial<Component>): Component =>
    ({ id: 'x', dependsOn: [], enabled: () => true, ensure: jest.fn(), remove: jest.fn(), inspect: jest.fn(), ...over }) as Component;

  it("uses the component's own plan when it has one (the read -> desired -> diff contract), and does not inspect", async () => {
    const c = component({
      plan: async () => [
        { kind: 'update', resource: 'Kinesis stream siem-demo', description: 'retention changes', fields: [{ field: 'retentionHours', from: 24, to: 48 }] },
        { kind: 'none', resource: 'Kinesis stream siem-demo', description: 'encryption as wanted' },
      ],
    });
    await expect(planOf(c)).resolves.toEqual({ component: 'x', action: 'change', fields: ['retentionHours: 24 -> 48'] });
    expect(c.inspect).not.toHaveBeenCalled();
  });

  it.each<[string, boolean, Change[], { action: string; fields: string[] }]>([
    ['not enabled, absent: the create is dropped', false, [{ kind: 'create', resource: 'r', description: 'create' }], { action: 'none', fields: [] }],
    ['enabled, absent: create', true, [{ kind: 'create', resource: 'r', description: 'create' }], { action: 'create', fields: ['create'] }],
    ['enabled, nothing to change (flow logs with no VPC to cover): none', true, [], { action: 'none', fields: [] }],
    [
      'not enabled, ours: remove',
      false,
      [{ kind: 'delete', resource: 'r', description: 'not wanted by the config' }],
      { action: 'remove', fields: ['not wanted by the config'] },
    ],
    [
      'an update with no fields: shown by its description',
      true,
      [{ kind: 'update', resource: 'r', description: 'not logging', fields: [] }],
      { action: 'change', fields: ['not logging'] },
    ],
  ])("from the component's own plan: %s", async (_what, enabled, changes, expected) => {
    const c = component({ enabled: () => enabled, plan: async () => changes });
    await expect(planOf(c)).resolves.toEqual({ component: 'x', ...expected });
  });

  it.each<[string, Change[], 'Create' | 'Update', { action: string; fields: string[] }]>([
    ['an adopt that writes nothing, for a Create: adopt', [{ kind: 'adopt', resource: 'r', description: 'adopt' }], 'Create', { action: 'adopt', fields: [] }],
    [
      'an adopt that writes nothing, for an Update (adopted at the Create): none',
      [{ kind: 'adopt', resource: 'r', description: 'adopt' }],
      'Update',
      { action: 'none', fields: [] },
    ],
    [
      'an adopt with its setting, for an Update: the setting is a change',
      [
        { kind: 'adopt', resource: 'r', description: 'adopt' },
        {
          kind: 'update',
          resource: 'r',
          description: 'd',
          fields: [{ field: 'FindingPublishingFrequency', from: 'SIX_HOURS', to: 'ONE_HOUR' }],
          action: 'frequency',
        },
      ],
      'Update',
      { action: 'change', fields: ['FindingPublishingFrequency: SIX_HOURS -> ONE_HOUR'] },
    ],
    [
      'an adopt that writes (a reused group recorded) with our filter to create: adopt, shown by what it creates',
      [
        { kind: 'adopt', resource: 'r', description: 'reused', action: 'record' },
        { kind: 'create', resource: 'r', description: 'subscribe org/trail', action: 'subscribe' },
      ],
      'Update',
      { action: 'adopt', fields: ['subscribe org/trail'] },
    ],
  ])("from the component's own plan: %s", async (_what, changes, request, expected) => {
    const c = component({ plan: async () => changes });
    await expect(planOf(c, request)).resolves.toEqual({ component: 'x', ...expected });
  });
});
