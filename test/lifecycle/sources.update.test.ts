import { SETTINGS_TAG } from '../../src/sources/flow-logs/settings-record';
import { DEFAULT_FLOW_LOG_FORMAT } from '../fake/ec2';
import { scanLogsForSecrets } from './harness';
import { ALL_ON, ID, inventory, literal, N, VPC_COUNT, without } from './sources-helpers';
import { FLOW_PATTERN, OUR_FILTER, EXCLUDE, world, on, groups, group, allFlowLogs, ourFlowLogs } from './sources-world';

describe('sources: Update', () => {
  const OWN_TRAIL = [
    new RegExp(`^iam/role/${literal(N.trailRole)}$`),
    new RegExp(`^logs/(group|filter)/${literal(N.cloudTrailLogGroup)}`),
    /^s3\/bucket\//,
    /^cloudtrail\/trail\//,
  ];
  const FLOW_LOGS = [new RegExp(`^iam/role/${literal(N.flowLogsRole)}$`), new RegExp(`^logs/(group|filter)/${literal(N.flowLogGroup)}`), /^ec2\/flow-log\//];
  const GUARDDUTY = [/^guardduty\/detector\//, new RegExp(`^events/rule/${literal(N.guardDutyRule)}$`)];
  const EXTRA = [new RegExp(`^events/rule/${literal(N.sourceRulePrefix)}`)];
  const LOGS_ROLE = [new RegExp(`^iam/role/${literal(N.logsRole)}$`)];
  const EVENTS_ROLE = [new RegExp(`^iam/role/${literal(N.eventsRole)}$`)];

  it.each([
    ['CloudTrail', { EnableCloudTrail: 'false' }, OWN_TRAIL, 5],
    ['VPC flow logs', { EnableFlowLogs: 'false' }, FLOW_LOGS, 3 + VPC_COUNT],
    ['GuardDuty, GuardDutyOnDelete=Delete,', { EnableGuardDuty: 'false' }, GUARDDUTY, 2],
    ['GuardDuty, GuardDutyOnDelete=Retain (the detector stays),', { EnableGuardDuty: 'false', GuardDutyOnDelete: 'Retain' }, GUARDDUTY.slice(1), 1],
    ['the extra EventBridge sources', { ExtraEventSources: '' }, EXTRA, 2],
    [
      'CloudTrail + flow logs (the logs role goes too)',
      { EnableCloudTrail: 'false', EnableFlowLogs: 'false' },
      [...OWN_TRAIL, ...FLOW_LOGS, ...LOGS_ROLE],
      9 + VPC_COUNT,
    ],
    ['GuardDuty + extra sources (the events role goes too)', { EnableGuardDuty: 'false', ExtraEventSources: '' }, [...GUARDDUTY, ...EXTRA, ...EVENTS_ROLE], 5],
  ])('turning %s off removes exactly its resources; on again adds them back as they were', async (_source, off, removed, count) => {
    const { fake, simulateEvent } = world();
    await simulateEvent('Create', ALL_ON);
    const before = inventory(fake);
    const kept = without(before, removed);
    expect(Object.keys(before).length - Object.keys(kept).length).toBe(count);

    const offRes = await simulateEvent('Update', on(off), { id: ID, props: ALL_ON });
    expect(offRes).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(inventory(fake)).toEqual(kept);

    const onRes = await simulateEvent('Update', ALL_ON, { id: ID, props: on(off) });
    expect(onRes).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(inventory(fake)).toEqual(before);
  });

  it('replaces the rule of a source dropped from ExtraEventSources by the rule of a source added, leaving the others', async () => {
    const { fake, simulateEvent } = world();
    await simulateEvent('Create', ALL_ON);
    const before = inventory(fake);
    const next = on({ ExtraEventSources: 'aws.health,aws.inspector2' });

    const res = await simulateEvent('Update', next, { id: ID, props: ALL_ON });
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    const after = inventory(fake);
    const securityhub = `events/rule/${N.sourceRule('aws.securityhub')}`;
    const inspector = `events/rule/${N.sourceRule('aws.inspector2')}`;
    expect(without(after, [new RegExp(`^${literal(inspector)}$`)])).toEqual(without(before, [new RegExp(`^${literal(securityhub)}$`)]));
    expect(after[inspector]).toEqual({
      ...(before[securityhub] as object),
      name: N.sourceRule('aws.inspector2'),
      pattern: JSON.stringify({ source: ['aws.inspector2'] }),
    });
  });

  it.each([
    ['traffic type', { FlowLogTrafficType: 'REJECT' }, { trafficType: 'REJECT', interval: 600, format: DEFAULT_FLOW_LOG_FORMAT }, FLOW_PATTERN],
    ['aggregation interval', { FlowLogAggregationInterval: '60' }, { trafficType: 'ALL', interval: 60, format: DEFAULT_FLOW_LOG_FORMAT }, FLOW_PATTERN],
    [
      'log format',
      { FlowLogFormat: '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action} ${log-status}' },
      { trafficType: 'ALL', interval: 600, format: '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action} ${log-status}' },
      '[version, vpc_id, srcaddr, dstaddr, action, log_status="OK"]',
    ],
  ])(
    'a changed flow-log %s re-creates every flow log of ours (they cannot be modified); nothing else is re-created',
    async (_setting, change, settings, pattern) => {
      const { fake, simulateEvent, vpcs } = world();
      await simulateEvent('Create', ALL_ON);
      const before = inventory(fake);
      const oldIds = new Set((await allFlowLogs(fake)).map((f) => f.FlowLogId));
      fake.resetCalls();

      const res = await simulateEvent('Update', on(change), { id: ID, props: ALL_ON });
      expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
      const ec2Writes = fake.writes().filter((c) => c.service === 'ec2');
      expect(ec2Writes.map((c) => [c.command, (c.input.FlowLogIds ?? c.input.ResourceIds) as string[]])).toEqual([
        ['DeleteFlowLogs', expect.arrayContaining([...oldIds])],
        ['CreateFlowLogs', expect.arrayContaining(vpcs)],
      ]);
      expect(fake.writes().filter((c) => c.service !== 'ec2' && c.outcome === 'ok' && /^(Create|Delete)/.test(c.command))).toEqual([]);

      const after = inventory(fake);
      const flowKeys = /^ec2\/flow-log\/|^logs\/filter\//;
      // Only the settings recorded on the flow-log group change besides the flow logs and the filter.
      const settingsOf = (inv: Record<string, unknown>) => (inv[`logs/group/${N.flowLogGroup}`] as { tags: Record<string, string> }).tags[SETTINGS_TAG];
      expect(settingsOf(after)).toMatch(new RegExp(`^${settings.trafficType}/${settings.interval}/`));
      expect(settingsOf(after)).not.toBe(settingsOf(before));
      const withoutSettings = (inv: Record<string, unknown>) => {
        const copy = structuredClone(without(inv, [flowKeys]));
        delete (copy[`logs/group/${N.flowLogGroup}`] as { tags: Record<string, string> }).tags[SETTINGS_TAG];
        return copy;
      };
      expect(withoutSettings(after)).toEqual(withoutSettings(before));
      expect(group(fake, N.flowLogGroup)?.filters).toEqual([{ ...OUR_FILTER, pattern }]);
      const now = await ourFlowLogs(fake);
      expect([...now.keys()].sort()).toEqual([...vpcs].sort());
      for (const [fl] of now.values()) {
        expect(oldIds.has(fl.FlowLogId)).toBe(false);
        expect(fl).toMatchObject({
          TrafficType: settings.trafficType,
          MaxAggregationInterval: settings.interval,
          LogFormat: settings.format,
          DeliverLogsStatus: 'SUCCESS',
        });
      }
    },
  );

  it('converges log retention and bucket expiration in place', async () => {
    const { fake, simulateEvent } = world();
    await simulateEvent('Create', ALL_ON);
    const before = inventory(fake);
    fake.resetCalls();

    const res = await simulateEvent('Update', on({ LogRetentionDays: '7', TrailBucketExpirationDays: '30' }), { id: ID, props: ALL_ON });
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.writes().filter((c) => c.outcome === 'ok' && /^(Create|Delete)/.test(c.command))).toEqual([]);
    expect(
      fake
        .writes()
        .filter((c) => c.command === 'PutRetentionPolicy')
        .map((c) => c.input),
    ).toEqual(
      expect.arrayContaining([
        { logGroupName: N.cloudTrailLogGroup, retentionInDays: 7 },
        { logGroupName: N.flowLogGroup, retentionInDays: 7 },
      ]),
    );

    const changed = [new RegExp(`^logs/group/`), /^s3\/bucket\//];
    expect(without(inventory(fake), changed)).toEqual(without(before, changed));
    expect(groups(fake).map((g) => [g.name, g.retentionInDays])).toEqual([
      [N.cloudTrailLogGroup, 7],
      [N.flowLogGroup, 7],
    ]);
    expect(fake.snapshot().s3).toEqual([
      expect.objectContaining({ name: N.trailBucket, lifecycle: { Rules: [expect.objectContaining({ Expiration: { Days: 30 } })] } }),
    ]);
  });

  it('enrolls a VPC that appeared since the last run (and skips a new excluded one), touching no other flow log', async () => {
    const { fake, simulateEvent } = world();
    await simulateEvent('Create', ALL_ON);
    const [fresh] = fake.ec2.seedVpcs(1);
    const [excluded] = fake.ec2.seedVpcs(1, EXCLUDE);
    fake.resetCalls();

    const res = await simulateEvent('Update', on({ LogRetentionDays: '3' }), { id: ID, props: ALL_ON });
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(
      fake
        .writes()
        .filter((c) => c.service === 'ec2')
        .map((c) => [c.command, c.input.ResourceIds]),
    ).toEqual([['CreateFlowLogs', [fresh]]]);
    // 12 flow logs of ours in pages of 5: the sweep read all three pages before planning.
    expect(fake.calls.filter((c) => c.command === 'DescribeFlowLogs').map((c) => 'NextToken' in c.input)).toEqual([false, true, true]);
    const byVpc = await ourFlowLogs(fake);
    expect(byVpc.get(fresh)).toEqual([expect.objectContaining({ DeliverLogsStatus: 'SUCCESS', DeliverLogsPermissionArn: N.roleArn(N.flowLogsRole) })]);
    expect(byVpc.has(excluded)).toBe(false);
    expect(byVpc.size).toBe(VPC_COUNT + 1);
  });
});

scanLogsForSecrets([]);
