import { GetBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { SETTINGS_TAG } from '../../src/sources/flow-logs/settings-record';
import { parsePolicyText } from '../../src/components/policies';
import { DEFAULT_FLOW_LOG_FORMAT } from '../fake/ec2';
import { ACCOUNT, BOUNDARY_ARN, REGION, scanLogsForSecrets, STACK_ID, type Harness } from './harness';
import { ALL_ON, dataRecords, FLOW_NODATA, FLOW_OK, FLOW_SKIPDATA, ID, N, streamRecords, TRAIL_ARN, VPC_COUNT } from './sources-helpers';
import {
  OWNER_TAGS,
  FLOW_PATTERN,
  OUR_FILTER,
  world,
  groups,
  ourFlowLogs,
  GUARDDUTY_FINDING,
  SECURITYHUB_EVENT,
  HEALTH_EVENT,
  TRAIL_EVENT,
} from './sources-world';

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
    const policy = parsePolicyText(bucket.policy) as {
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
    expect(trust.Statement[0].Condition !== undefined).toBe(conditioned);
  });

  it('carries a record of every source into the stream: CloudWatch Logs as gzip DATA_MESSAGE, EventBridge as raw event JSON', () => {
    const { fake, vpcs } = h;
    // The events role is first used by the first event: let IAM propagate it, as it has minutes after a Create.
    h.clock.advance(60_000);
    const from = fake.kinesis.records(N.streamName).length;
    expect(fake.cloudtrail.recordEvent(TRAIL_EVENT)).toBe(1);
    expect(fake.ec2.recordFlows(vpcs[0], [FLOW_NODATA, FLOW_OK])).toBe(1);
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
    expect(fake.ec2.recordFlows(vpcs[1], [FLOW_NODATA, FLOW_SKIPDATA])).toBe(1);

    const delivered = dataRecords(fake, from);
    expect(delivered).toHaveLength(VPC_COUNT);
    for (const r of delivered) expect(r).toMatchObject({ kind: 'cwl', body: { logGroup: N.flowLogGroup, logEvents: [{ message: FLOW_OK }] } });
  });
});

scanLogsForSecrets([]);
