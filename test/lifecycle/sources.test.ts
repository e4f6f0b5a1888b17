import { CreateLogGroupCommand, PutRetentionPolicyCommand, PutSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFlowLogsCommand, DescribeFlowLogsCommand, type FlowLog } from '@aws-sdk/client-ec2';
import { CreateDetectorCommand } from '@aws-sdk/client-guardduty';
import { CreateBucketCommand, GetBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SETTINGS_TAG } from '../../src/components/flow-logs/settings-record';
import { parsePolicyText } from '../../src/components/policies';
import type { FakeAccount } from '../fake/account';
import { DEFAULT_FLOW_LOG_FORMAT } from '../fake/ec2';
import { activeStream, serviceRole } from '../fake/fixtures';
import { ACCOUNT, BOUNDARY_ARN, makeHarness, REGION, scanLogsForSecrets, STACK_ID, type Harness } from './harness';
import {
  ALL_ON,
  dataRecords,
  FLOW_NODATA,
  FLOW_OK,
  FLOW_SKIPDATA,
  ID,
  inventory,
  literal,
  N,
  streamRecords,
  TRAIL_ARN,
  VPC_COUNT,
  without,
} from './sources-helpers';

const OWNER_TAGS = { 'siem-pipeline:name': 'demo', 'siem-pipeline:stack': STACK_ID };
const FLOW_PATTERN = '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status="OK"]';
const OUR_FILTER = { name: N.subscriptionFilter, destinationArn: N.streamArn, roleArn: N.roleArn(N.logsRole) };
const EXCLUDE = { 'siem-pipeline:exclude': 'true' };
const REJECTED = 'siem-pipeline/rejected/Pipeline';

/**
 * A harness whose account holds VPC_COUNT VPCs before the Create. A new role is refused on its first use, as
 * before (IAM propagation), or until a minute has passed: a test that lets the clock run sees it usable.
 */
function world(): Harness & { vpcs: string[] } {
  const h = makeHarness({ fake: { rolePropagation: { describes: 1, ms: 60_000 } } });
  return { ...h, vpcs: h.fake.ec2.seedVpcs(VPC_COUNT) };
}

function on(overrides: Record<string, string> = {}): Record<string, string> {
  return { ...ALL_ON, ...overrides };
}

interface GroupView {
  name: string;
  retentionInDays?: number;
  tags: Record<string, string>;
  filters: { name: string; pattern: string; destinationArn: string; roleArn?: string }[];
}
function groups(fake: FakeAccount): GroupView[] {
  return fake.snapshot().logs as GroupView[];
}
function group(fake: FakeAccount, name: string): GroupView | undefined {
  return groups(fake).find((g) => g.name === name);
}

/** Every flow log of the account, as DescribeFlowLogs pages them (reads only). */
async function allFlowLogs(fake: FakeAccount): Promise<FlowLog[]> {
  const { ec2 } = fake.clients();
  const found: FlowLog[] = [];
  let NextToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeFlowLogsCommand({ ...(NextToken ? { NextToken } : {}) }));
    found.push(...(page.FlowLogs ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return found;
}

/** Our flow logs by VPC: those in our log group. */
async function ourFlowLogs(fake: FakeAccount): Promise<Map<string, FlowLog[]>> {
  const byVpc = new Map<string, FlowLog[]>();
  for (const fl of (await allFlowLogs(fake)).filter((f) => f.LogGroupName === N.flowLogGroup)) {
    byVpc.set(fl.ResourceId!, [...(byVpc.get(fl.ResourceId!) ?? []), fl]);
  }
  return byVpc;
}

/** A call whose first attempt is refused while a role made by the test propagates in the fake (as in AWS). */
async function onceRoleHasPropagated<T>(call: () => Promise<T>): Promise<T> {
  await expect(call()).rejects.toThrow(/Could not deliver test message|Unable to assume given IAM role/);
  return call();
}

const GUARDDUTY_FINDING = {
  source: 'aws.guardduty',
  'detail-type': 'GuardDuty Finding',
  detail: { schemaVersion: '2.0', id: 'f0c1a2b3', type: 'Recon:EC2/PortProbeUnprotectedPort', severity: 2 },
};
const SECURITYHUB_EVENT = { source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported', detail: { findings: [{ Id: 'sh-1' }] } };
const HEALTH_EVENT = { source: 'aws.health', 'detail-type': 'AWS Health Event', detail: { eventTypeCode: 'AWS_EC2_OPERATIONAL_ISSUE' } };
const TRAIL_EVENT = { eventVersion: '1.09', eventSource: 'signin.amazonaws.com', eventName: 'ConsoleLogin', awsRegion: REGION };

describe('sources: Create with every source on', () => {
  let h: Harness & { vpcs: string[] };
  let created: Awaited<ReturnType<Harness['simulateEvent']>>;

  beforeAll(async () => {
    h = world();
    created = await h.simulateEvent('Create', ALL_ON);
  });

  it('succeeds with the deterministic id and creates every source, each once', () => {
    expect(created).toMatchObject({
      Status: 'SUCCESS',
      PhysicalResourceId: ID,
      Data: { StreamArn: N.streamArn, GuardDutyDetectorId: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    const owned = h.fake.resourcesOwnedBy('demo');
    expect(owned.filter((r) => r.type !== 'flow-log')).toEqual([
      { service: 'kinesis', type: 'stream', id: N.streamName },
      { service: 'iam', type: 'user', id: N.siemUser },
      { service: 'iam', type: 'role', id: N.logsRole },
      { service: 'iam', type: 'role', id: N.eventsRole },
      { service: 'iam', type: 'role', id: N.flowLogsRole },
      { service: 'iam', type: 'role', id: N.trailRole },
      { service: 'secrets', type: 'secret', id: N.siemSecret },
      { service: 'logs', type: 'log-group', id: N.cloudTrailLogGroup },
      { service: 'logs', type: 'subscription-filter', id: `${N.cloudTrailLogGroup}|${N.subscriptionFilter}` },
      { service: 'logs', type: 'log-group', id: N.flowLogGroup },
      { service: 'logs', type: 'subscription-filter', id: `${N.flowLogGroup}|${N.subscriptionFilter}` },
      { service: 's3', type: 'bucket', id: N.trailBucket },
      { service: 'cloudtrail', type: 'trail', id: N.trailName },
      { service: 'guardduty', type: 'detector', id: created.Data!.GuardDutyDetectorId },
      { service: 'events', type: 'rule', id: N.guardDutyRule },
      { service: 'events', type: 'rule', id: N.sourceRule('aws.securityhub') },
      { service: 'events', type: 'rule', id: N.sourceRule('aws.health') },
    ]);
    expect(owned.filter((r) => r.type === 'flow-log')).toHaveLength(VPC_COUNT);
  });

  it('subscribes both log groups to the stream with the logs role; the flow-log filter keeps only log-status OK', () => {
    expect(groups(h.fake)).toEqual([
      { name: N.cloudTrailLogGroup, retentionInDays: 1, tags: OWNER_TAGS, filters: [{ ...OUR_FILTER, pattern: '' }] },
      // The flow-logs step records its settings on the group: the enroller's one source of truth.
      {
        name: N.flowLogGroup,
        retentionInDays: 1,
        tags: { ...OWNER_TAGS, [SETTINGS_TAG]: expect.stringMatching(/^ALL\/600\/[0-9a-f]{12}$/) },
        filters: [{ ...OUR_FILTER, pattern: FLOW_PATTERN }],
      },
    ]);
  });

  it('gives every VPC (listed over several pages) exactly one flow log of ours, delivering to our group with the flow-logs role', async () => {
    const byVpc = await ourFlowLogs(h.fake);
    expect([...byVpc.keys()].sort()).toEqual([...h.vpcs].sort());
    for (const logs of byVpc.values()) {
      expect(logs).toEqual([
        expect.objectContaining({
          LogGroupName: N.flowLogGroup,
          DeliverLogsPermissionArn: N.roleArn(N.flowLogsRole),
          DeliverLogsStatus: 'SUCCESS',
          TrafficType: 'ALL',
          MaxAggregationInterval: 600,
          LogFormat: DEFAULT_FLOW_LOG_FORMAT,
          Tags: expect.arrayContaining([
            { Key: 'siem-pipeline:name', Value: 'demo' },
            { Key: 'siem-pipeline:stack', Value: STACK_ID },
          ]),
        }),
      ]);
    }
    // 12 VPCs in pages of 5: the sweep followed NextToken twice.
    expect(h.fake.calls.filter((c) => c.command === 'DescribeVpcs').map((c) => 'NextToken' in c.input)).toEqual([false, true, true]);
  });

  it('makes a multi-region trail with log file validation, logging to our bucket and group with the trail role', () => {
    expect(h.fake.snapshot().cloudtrail).toEqual([
      {
        name: N.trailName,
        arn: TRAIL_ARN,
        homeRegion: REGION,
        bucket: N.trailBucket,
        multiRegion: true,
        validation: true,
        logging: true,
        logGroupArn: `${N.logGroupArn(N.cloudTrailLogGroup)}:*`,
        roleArn: N.roleArn(N.trailRole),
        tags: OWNER_TAGS,
      },
    ]);
  });

  it('makes a private, encrypted, TLS-only staging bucket that only our trail writes to, expiring after 7 days', async () => {
    const [bucket] = h.fake.snapshot().s3 as { name: string; tags: Record<string, string>; policy: string; lifecycle: unknown; publicAccessBlock: unknown }[];
    expect(bucket).toMatchObject({
      name: N.trailBucket,
      tags: OWNER_TAGS,
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      lifecycle: { Rules: [expect.objectContaining({ Status: 'Enabled', Expiration: { Days: 7 } })] },
    });
    const policy = parsePolicyText(bucket!.policy) as {
      Statement: { Effect: string; Principal: unknown; Action: string[]; Condition: Record<string, Record<string, string>> }[];
    };
    const [deny, ...allows] = policy.Statement;
    expect(deny).toMatchObject({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(allows).toHaveLength(2);
    for (const allow of allows) {
      expect(allow).toMatchObject({
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
      });
    }
    const encryption = await h.fake.clients().s3.send(new GetBucketEncryptionCommand({ Bucket: N.trailBucket }));
    expect(encryption.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault).toEqual({ SSEAlgorithm: 'AES256' });
  });

  it('routes GuardDuty findings and each extra source to the stream with the events role, from a detector it created', () => {
    const target = [{ id: 'kinesis-stream', arn: N.streamArn, roleArn: N.roleArn(N.eventsRole) }];
    expect(h.fake.snapshot().events).toEqual([
      {
        name: N.guardDutyRule,
        pattern: JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] }),
        state: 'ENABLED',
        tags: OWNER_TAGS,
        targets: target,
      },
      { name: N.sourceRule('aws.securityhub'), pattern: JSON.stringify({ source: ['aws.securityhub'] }), state: 'ENABLED', tags: OWNER_TAGS, targets: target },
      { name: N.sourceRule('aws.health'), pattern: JSON.stringify({ source: ['aws.health'] }), state: 'ENABLED', tags: OWNER_TAGS, targets: target },
    ]);
    expect(h.fake.snapshot().guardduty).toEqual([{ id: created.Data!.GuardDutyDetectorId, enabled: true, frequency: 'FIFTEEN_MINUTES', tags: OWNER_TAGS }]);
  });

  it.each([
    [N.logsRole, 'logs.amazonaws.com', true],
    [N.eventsRole, 'events.amazonaws.com', true],
    [N.flowLogsRole, 'vpc-flow-logs.amazonaws.com', true],
    // CloudTrail sends no aws:SourceArn / aws:SourceAccount for this role: a condition would refuse it.
    [N.trailRole, 'cloudtrail.amazonaws.com', false],
  ])('makes delivery role %s trusting %s only, under the boundary (conditioned: %s)', (name, service, conditioned) => {
    const role = (h.fake.snapshot().iam as { roles: { name: string; path: string; boundary?: string; tags: unknown; trust: string }[] }).roles.find(
      (r) => r.name === name,
    );
    expect(role).toMatchObject({ path: '/siem-pipeline/', boundary: BOUNDARY_ARN, tags: OWNER_TAGS });
    const trust = JSON.parse(role!.trust) as { Statement: { Principal: unknown; Condition?: unknown }[] };
    expect(trust.Statement.map((s) => s.Principal)).toEqual([{ Service: service }]);
    expect(trust.Statement[0]!.Condition !== undefined).toBe(conditioned);
  });

  it('carries a record of every source into the stream: CloudWatch Logs as gzip DATA_MESSAGE, EventBridge as raw event JSON', () => {
    const { fake, vpcs } = h;
    // The events role is first used by the first event: let IAM propagate it, as it has minutes after a Create.
    h.clock.advance(60_000);
    const from = fake.kinesis.records(N.streamName).length;
    expect(fake.cloudtrail.recordEvent(TRAIL_EVENT)).toBe(1);
    expect(fake.ec2.recordFlows(vpcs[0]!, [FLOW_NODATA, FLOW_OK])).toBe(1);
    expect(fake.events.publish(GUARDDUTY_FINDING)).toBe(1);
    expect(fake.events.publish(SECURITYHUB_EVENT)).toBe(1);
    expect(fake.events.publish(HEALTH_EVENT)).toBe(1);
    expect(fake.events.publish({ source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', detail: {} })).toBe(0);

    const cwl = (logGroup: string, logStream: unknown, message: string) => ({
      kind: 'cwl',
      body: {
        messageType: 'DATA_MESSAGE',
        owner: ACCOUNT,
        logGroup,
        logStream,
        subscriptionFilters: [N.subscriptionFilter],
        logEvents: [{ id: expect.any(String), timestamp: expect.any(Number), message }],
      },
    });
    const event = (e: Record<string, unknown>) => ({
      kind: 'event',
      body: { ...e, version: '0', id: expect.any(String), account: ACCOUNT, region: REGION, time: expect.any(String), resources: [] },
    });
    expect(streamRecords(fake, from)).toEqual([
      cwl(N.cloudTrailLogGroup, `${ACCOUNT}_CloudTrail_${REGION}`, JSON.stringify(TRAIL_EVENT)),
      cwl(N.flowLogGroup, expect.stringMatching(/^eni-/), FLOW_OK),
      event(GUARDDUTY_FINDING),
      event(SECURITYHUB_EVENT),
      event(HEALTH_EVENT),
    ]);
  });

  it('delivers flow records of every VPC, and drops NODATA and SKIPDATA records', () => {
    const { fake, vpcs } = h;
    const from = fake.kinesis.records(N.streamName).length;
    for (const vpc of vpcs) expect(fake.ec2.recordFlows(vpc, [FLOW_OK])).toBe(1);
    expect(fake.ec2.recordFlows(vpcs[1]!, [FLOW_NODATA, FLOW_SKIPDATA])).toBe(1);

    const delivered = dataRecords(fake, from);
    expect(delivered).toHaveLength(VPC_COUNT);
    for (const r of delivered) expect(r).toMatchObject({ kind: 'cwl', body: { logGroup: N.flowLogGroup, logEvents: [{ message: FLOW_OK }] } });
  });
});

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
        expect(oldIds.has(fl!.FlowLogId)).toBe(false);
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
    expect(byVpc.get(fresh!)).toEqual([expect.objectContaining({ DeliverLogsStatus: 'SUCCESS', DeliverLogsPermissionArn: N.roleArn(N.flowLogsRole) })]);
    expect(byVpc.has(excluded!)).toBe(false);
    expect(byVpc.size).toBe(VPC_COUNT + 1);
  });
});

describe('sources: reusing an existing trail', () => {
  const ORG_GROUP = 'org/cloudtrail';
  const REUSE = on({ ExistingTrailLogGroup: ORG_GROUP });

  /** An organization trail delivering to its own group, which already has one (third-party) subscription. */
  async function orgTrail(fake: FakeAccount): Promise<GroupView> {
    const { logs } = fake.clients();
    await logs.send(new CreateLogGroupCommand({ logGroupName: ORG_GROUP, tags: { team: 'security' } }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: ORG_GROUP, retentionInDays: 90 }));
    const archive = await activeStream(fake, 'org-archive');
    const role = await serviceRole(fake, 'org-archive-writer', 'logs.amazonaws.com', ['kinesis:PutRecord'], archive);
    await onceRoleHasPropagated(() =>
      logs.send(
        new PutSubscriptionFilterCommand({ logGroupName: ORG_GROUP, filterName: 'org-archive', filterPattern: '', destinationArn: archive, roleArn: role }),
      ),
    );
    fake.cloudtrail.seedTrail({ name: 'org-trail', multiRegion: true, logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${ORG_GROUP}:*` });
    return group(fake, ORG_GROUP)!;
  }

  it('creates no trail, bucket or trail role, and subscribes the given group, whose trail events then reach the stream', async () => {
    const { fake, simulateEvent } = world();
    const org = await orgTrail(fake);
    const trails = fake.snapshot().cloudtrail;

    const res = await simulateEvent('Create', REUSE);
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.snapshot().cloudtrail).toEqual(trails);
    expect(fake.snapshot().s3).toEqual([]);
    expect(fake.resourcesOwnedBy('demo').map((r) => r.id)).not.toEqual(expect.arrayContaining([N.trailRole]));
    expect(group(fake, N.cloudTrailLogGroup)).toBeUndefined();
    expect(group(fake, ORG_GROUP)).toEqual({ ...org, filters: [...org.filters, { ...OUR_FILTER, pattern: '' }] });

    const from = fake.kinesis.records(N.streamName).length;
    expect(fake.cloudtrail.recordEvent(TRAIL_EVENT)).toBe(1);
    expect(dataRecords(fake, from)).toEqual([
      {
        kind: 'cwl',
        body: expect.objectContaining({
          messageType: 'DATA_MESSAGE',
          logGroup: ORG_GROUP,
          logEvents: [expect.objectContaining({ message: JSON.stringify(TRAIL_EVENT) })],
        }),
      },
    ]);
  });

  it('switching reuse -> own trail -> reuse -> Delete never leaves a filter of ours on the group it left, and never changes that group', async () => {
    const { fake, simulateEvent } = world();
    const org = await orgTrail(fake);
    const withOurs = { ...org, filters: [...org.filters, { ...OUR_FILTER, pattern: '' }] };

    expect((await simulateEvent('Create', REUSE)).Status).toBe('SUCCESS');
    expect(group(fake, ORG_GROUP)).toEqual(withOurs);

    const own = await simulateEvent('Update', ALL_ON, { id: ID, props: REUSE });
    expect(own).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(org);
    expect(group(fake, N.cloudTrailLogGroup)?.filters).toEqual([{ ...OUR_FILTER, pattern: '' }]);
    expect(fake.snapshot().cloudtrail).toEqual(expect.arrayContaining([expect.objectContaining({ name: N.trailName, logging: true })]));

    const back = await simulateEvent('Update', REUSE, { id: ID, props: ALL_ON });
    expect(back).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(withOurs);
    expect(group(fake, N.cloudTrailLogGroup)).toBeUndefined();
    expect((fake.snapshot().cloudtrail as { name: string }[]).map((t) => t.name)).toEqual(['org-trail']);
    expect(fake.snapshot().s3).toEqual([]);
    expect(fake.resourcesOwnedBy('demo').map((r) => r.id)).not.toContain(N.trailRole);

    const del = await simulateEvent('Delete', REUSE, { id: ID });
    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(org);
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });

  it.each([
    ['turning CloudTrail off and clearing ExistingTrailLogGroup together', on({ EnableCloudTrail: 'false' })],
    ['turning CloudTrail off, keeping ExistingTrailLogGroup', on({ EnableCloudTrail: 'false', ExistingTrailLogGroup: ORG_GROUP })],
    ['pointing ExistingTrailLogGroup at another trail group', on({ ExistingTrailLogGroup: 'org/other-trail' })],
  ])('%s takes our filter off the reused group and leaves the group as it was', async (_change, next) => {
    const { fake, simulateEvent } = world();
    const org = await orgTrail(fake);
    await fake.clients().logs.send(new CreateLogGroupCommand({ logGroupName: 'org/other-trail' }));
    fake.cloudtrail.seedTrail({ name: 'org-other-trail', logGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:org/other-trail:*` });
    expect((await simulateEvent('Create', REUSE)).Status).toBe('SUCCESS');

    const res = await simulateEvent('Update', next, { id: ID, props: REUSE });
    expect(res).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(group(fake, ORG_GROUP)).toEqual(org);
    const other = next.ExistingTrailLogGroup === 'org/other-trail' && next.EnableCloudTrail !== 'false';
    expect(group(fake, 'org/other-trail')?.filters).toEqual(other ? [{ ...OUR_FILTER, pattern: '' }] : []);
  });

  it('fails naming ExistingTrailLogGroup, before any write, when the region already has 5 trails; its Delete leaves nothing of ours and the trails as they were', async () => {
    const { fake, simulateEvent } = world();
    for (const n of [1, 2, 3, 4, 5]) fake.cloudtrail.seedTrail({ name: `team-${n}` });
    const trails = fake.snapshot().cloudtrail;
    fake.resetCalls();

    const res = await simulateEvent('Create', ALL_ON);
    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: REJECTED });
    expect(res.Reason).toMatch(/^PreflightError: us-east-1 already has the most trails CloudTrail allows \(5 per region\): set ExistingTrailLogGroup/);
    expect(fake.writes()).toEqual([]);
    const del = await simulateEvent('Delete', ALL_ON, { id: REJECTED });
    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: REJECTED });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(fake.snapshot().cloudtrail).toEqual(trails);
  });

  it('fails naming ExistingTrailLogGroup, before any write, when that group does not exist, and its Delete succeeds', async () => {
    const { fake, simulateEvent } = world();
    const res = await simulateEvent('Create', on({ ExistingTrailLogGroup: 'no/such/group' }));

    expect(res).toMatchObject({ Status: 'FAILED', PhysicalResourceId: REJECTED });
    expect(res.Reason).toMatch(/^PreflightError: ExistingTrailLogGroup no\/such\/group does not exist in account 123456789012, region us-east-1/);
    expect(fake.writes()).toEqual([]);
    expect((await simulateEvent('Delete', on({ ExistingTrailLogGroup: 'no/such/group' }), { id: REJECTED })).Status).toBe('SUCCESS');
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
  });
});

describe('sources: Delete', () => {
  it('removes everything of ours, twice in a row, and leaves what existed before exactly as it was', async () => {
    const { fake, simulateEvent, vpcs } = world();
    const [excluded] = fake.ec2.seedVpcs(1, EXCLUDE);
    const clients = fake.clients();
    // Someone else's detector (adopted, never deleted), trail, bucket with a log file, and flow logs on our VPCs.
    const detector = await clients.guardduty.send(new CreateDetectorCommand({ Enable: true, FindingPublishingFrequency: 'ONE_HOUR' }));
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'corp-audit-logs' }));
    await clients.s3.send(new PutObjectCommand({ Bucket: 'corp-audit-logs', Key: 'AWSLogs/2026/01/01/log.json.gz', Body: 'x' }));
    fake.cloudtrail.seedTrail({ name: 'corp-audit', bucket: 'corp-audit-logs' });
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: 'corp/flow-logs' }));
    const corpRole = await serviceRole(fake, 'corp-flow-logs', 'vpc-flow-logs.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], '*');
    await onceRoleHasPropagated(() =>
      clients.ec2.send(
        new CreateFlowLogsCommand({
          ResourceIds: [...vpcs.slice(0, 3), excluded!],
          ResourceType: 'VPC',
          TrafficType: 'ALL',
          LogGroupName: 'corp/flow-logs',
          DeliverLogsPermissionArn: corpRole,
        }),
      ),
    );
    const before = fake.snapshot();

    const props = on({ GuardDutyFindingFrequency: 'ONE_HOUR' });
    const created = await simulateEvent('Create', props);
    expect(created).toMatchObject({ Status: 'SUCCESS', Data: { GuardDutyDetectorId: detector.DetectorId } });
    expect(fake.calls.filter((c) => c.command === 'CreateDetector')).toHaveLength(1); // the test's own
    const flowLogs = await allFlowLogs(fake);
    expect(flowLogs.filter((f) => f.ResourceId === excluded).map((f) => f.LogGroupName)).toEqual(['corp/flow-logs']);
    expect(flowLogs.filter((f) => f.LogGroupName === N.flowLogGroup)).toHaveLength(VPC_COUNT);

    const first = await simulateEvent('Delete', props, { id: ID });
    const second = await simulateEvent('Delete', props, { id: ID });
    expect(first).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(second).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual([]);
    expect(fake.resourcesOwnedBy(STACK_ID)).toEqual([]);
    expect(fake.snapshot()).toEqual(before);
  });

  it.each([
    ['Delete', []],
    ['Retain', [{ service: 'guardduty', type: 'detector', id: expect.any(String) }]],
  ])('GuardDutyOnDelete=%s: a detector this stack created is deleted only when asked', async (onDelete, left) => {
    const { fake, simulateEvent } = world();
    const props = on({ GuardDutyOnDelete: onDelete });
    expect((await simulateEvent('Create', props)).Status).toBe('SUCCESS');
    const del = await simulateEvent('Delete', props, { id: ID });

    expect(del).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: ID });
    expect(fake.resourcesOwnedBy('demo')).toEqual(left);
    expect(fake.writes().filter((c) => c.command === 'DeleteDetector')).toHaveLength(left.length === 0 ? 1 : 0);
  });
});

describe('sources: invalid settings', () => {
  it.each([
    [
      'ExtraEventSources',
      { ExtraEventSources: 'aws.health,securityhub' },
      /ExtraEventSources has invalid item\(s\) 'securityhub'; allowed values: comma-separated EventBridge sources such as aws\.securityhub/,
    ],
    ['FlowLogAggregationInterval', { FlowLogAggregationInterval: '30' }, /FlowLogAggregationInterval '30' is not allowed; allowed values: 60, 600/],
    ['FlowLogTrafficType', { FlowLogTrafficType: 'DENY' }, /FlowLogTrafficType 'DENY' is not allowed; allowed values: ALL, ACCEPT, REJECT/],
    [
      'FlowLogFormat',
      { FlowLogFormat: '${version} srcaddr' },
      /FlowLogFormat '\$\{version\} srcaddr' is not allowed; allowed values: space-separated \$\{field\} names/,
    ],
    ['LogRetentionDays', { LogRetentionDays: '2' }, /LogRetentionDays '2' is not allowed; allowed values: 1, 3, 5, 7, 14/],
    [
      'TrailBucketExpirationDays',
      { TrailBucketExpirationDays: '0' },
      /TrailBucketExpirationDays '0' is not allowed; allowed values: a whole number from 1 to 3650/,
    ],
    [
      'ExistingTrailLogGroup',
      { ExistingTrailLogGroup: 'org trail' },
      /ExistingTrailLogGroup 'org trail' is not allowed; allowed values: a CloudWatch Logs group name/,
    ],
    [
      'GuardDutyFindingFrequency',
      { GuardDutyFindingFrequency: 'DAILY' },
      /GuardDutyFindingFrequency 'DAILY' is not allowed; allowed values: FIFTEEN_MINUTES, ONE_HOUR, SIX_HOURS/,
    ],
    ['GuardDutyOnDelete', { GuardDutyOnDelete: 'Destroy' }, /GuardDutyOnDelete 'Destroy' is not allowed; allowed values: Retain, Delete/],
    ['EnableFlowLogs', { EnableFlowLogs: 'yes' }, /EnableFlowLogs 'yes' is not allowed; allowed values: true, false/],
  ])('a Create with a bad %s fails naming it and its allowed values, before any AWS call', async (_prop, bad, reason) => {
    const { fake, simulateEvent } = world();
    const res = await simulateEvent('Create', on(bad));

    expect(res).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(reason) });
    expect(fake.calls).toEqual([]);
  });

  it('an Update with a bad setting fails before any AWS write and keeps the PhysicalResourceId', async () => {
    const { fake, simulateEvent } = world();
    await simulateEvent('Create', ALL_ON);
    const before = inventory(fake);
    fake.resetCalls();

    const res = await simulateEvent('Update', on({ ExtraEventSources: 'securityhub' }), { id: ID, props: ALL_ON });
    expect(res).toMatchObject({
      Status: 'FAILED',
      PhysicalResourceId: ID,
      Reason: expect.stringMatching(/ExtraEventSources has invalid item\(s\) 'securityhub'/),
    });
    expect(fake.writes()).toEqual([]);
    expect(inventory(fake)).toEqual(before);
  });
});

scanLogsForSecrets([]);
