import {
  CreateFlowLogsCommand,
  DeleteFlowLogsCommand,
  DescribeFlowLogsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type CreateFlowLogsResult,
  type DescribeFlowLogsRequest,
  type DescribeVpcsRequest,
  type FlowLog,
  type UnsuccessfulItem,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { CloudWatchLogsClient, TagResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { DEFAULT_FLOW_LOG_FORMAT } from '../../../../src/components/flow-logs/flow-log-plan';
import { flowLogsComponent } from '../../../../src/components/flow-logs/flow-logs';
import { EXCLUDE_TAG } from '../../../../src/components/flow-logs/vpc-enrollment';
import { sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, instantClock, OTHER_STACK_ID, TEST_ACCOUNT, TEST_STACK_ID, testConfig, type InstantClock } from '../../helpers/context';

const ec2 = mockClient(EC2Client);
const logs = mockClient(CloudWatchLogsClient);

const GROUP = '/siem-pipeline/test/vpc-flow-logs';
const ROLE_ARN = `arn:aws:iam::${TEST_ACCOUNT}:role/siem-pipeline/siem-test-eu-west-1-flowlogs-to-cwl`;
const OUR_TAGS = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
const GROUP_FILTER = [{ Name: 'log-group-name', Values: [GROUP] }];

const vpcIds = (n: number, from = 0) => Array.from({ length: n }, (_, i) => `vpc-${(from + i).toString(16).padStart(8, '0')}`);
const vpc = (VpcId: string, over: Partial<Vpc> = {}): Vpc => ({ VpcId, OwnerId: TEST_ACCOUNT, State: 'available', ...over });

/** A flow log as DescribeFlowLogs reports one of ours made with the default settings. */
function flowLog(FlowLogId: string, ResourceId: string, over: Partial<FlowLog> = {}): FlowLog {
  return {
    FlowLogId,
    ResourceId,
    FlowLogStatus: 'ACTIVE',
    DeliverLogsStatus: 'SUCCESS',
    TrafficType: 'ALL',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: GROUP,
    DeliverLogsPermissionArn: ROLE_ARN,
    MaxAggregationInterval: 600,
    LogFormat: DEFAULT_FLOW_LOG_FORMAT,
    Tags: OUR_TAGS,
    ...over,
  };
}

/** Serves `items` in pages of `size` with numeric NextTokens, as EC2 pages with MaxResults. */
function paged<T>(items: readonly T[], size: number, token: string | undefined): { page: T[]; NextToken?: string } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { page: items.slice(start, end), ...(end < items.length ? { NextToken: String(end) } : {}) };
}

function serveVpcs(vpcs: readonly Vpc[], pageSize = 1000) {
  ec2.on(DescribeVpcsCommand).callsFake((input: DescribeVpcsRequest) => {
    const { page, NextToken } = paged(vpcs, pageSize, input.NextToken);
    return { Vpcs: page, ...(NextToken ? { NextToken } : {}) };
  });
}

function serveFlowLogs(flowLogs: readonly FlowLog[], pageSize = 1000) {
  ec2.on(DescribeFlowLogsCommand).callsFake((input: DescribeFlowLogsRequest) => {
    const { page, NextToken } = paged(flowLogs, pageSize, input.NextToken);
    return { FlowLogs: page, ...(NextToken ? { NextToken } : {}) };
  });
}

/** The exact CreateFlowLogs request for the test pipeline with default settings. */
function createRequest(ResourceIds: string[], over: Record<string, unknown> = {}) {
  return {
    ResourceIds,
    ResourceType: 'VPC',
    TrafficType: 'ALL',
    LogDestinationType: 'cloud-watch-logs',
    LogGroupName: GROUP,
    DeliverLogsPermissionArn: ROLE_ARN,
    MaxAggregationInterval: 600,
    TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: OUR_TAGS }],
    ClientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
    ...over,
  };
}

const unsuccessful = (ResourceId: string, Code: string, Message = `${Code} for ${ResourceId}`): UnsuccessfulItem => ({ ResourceId, Error: { Code, Message } });
const created = (ids: readonly string[], failed: UnsuccessfulItem[] = []): CreateFlowLogsResult => ({
  FlowLogIds: ids.filter((id) => !failed.some((f) => f.ResourceId === id)).map((id) => `fl-${id.slice(4)}`),
  Unsuccessful: failed,
});
const roleNotReady = (id: string) => unsuccessful(id, 'InvalidParameter', `Unable to assume given IAM role: '${ROLE_ARN}'`);

function context(clock: InstantClock = instantClock()) {
  return { ...createTestContext({ clock }), clock };
}

beforeEach(() => {
  ec2.on(CreateFlowLogsCommand).callsFake((input: { ResourceIds: string[] }) => created(input.ResourceIds));
  ec2.on(DeleteFlowLogsCommand).resolves({ Unsuccessful: [] });
  logs.on(TagResourceCommand).resolves({});
});
afterEach(() => {
  ec2.reset();
  logs.reset();
});
afterAll(() => {
  ec2.restore();
  logs.restore();
});

describe('flow-logs component', () => {
  it.each([
    ['on by default', {}, true],
    ['off with EnableFlowLogs=false', { EnableFlowLogs: 'false' }, false],
  ])('is %s', (_name, props, enabled) => {
    expect(flowLogsComponent.enabled(testConfig(props), createTestContext().ctx)).toBe(enabled);
  });

  it('waits for the delivery role and the log group', () => {
    expect(flowLogsComponent.id).toBe('flow-logs');
    expect([...flowLogsComponent.dependsOn].sort()).toEqual(['flow-log-group', 'flowlogs-role']);
  });
});

describe('flow-logs ensure', () => {
  it('creates one flow log per VPC lacking ours, with the exact request', async () => {
    serveVpcs([vpc('vpc-1'), vpc('vpc-2'), vpc('vpc-3')]);
    serveFlowLogs([flowLog('fl-2', 'vpc-2')]);
    const { ctx } = context();

    await expect(flowLogsComponent.ensure(testConfig(), ctx)).resolves.toEqual({});

    expect(sentRequests(ec2)).toEqual([
      ['DescribeVpcsCommand', { MaxResults: 1000 }],
      ['DescribeFlowLogsCommand', { Filter: GROUP_FILTER, MaxResults: 1000 }],
      ['CreateFlowLogsCommand', createRequest(['vpc-1', 'vpc-3'])],
    ]);
  });

  it.each([
    ['traffic type and interval', { FlowLogTrafficType: 'REJECT', FlowLogAggregationInterval: '60' }, { TrafficType: 'REJECT', MaxAggregationInterval: 60 }],
    ['a custom log format', { FlowLogFormat: '${srcaddr} ${dstaddr} ${action}' }, { LogFormat: '${srcaddr} ${dstaddr} ${action}' }],
  ])('passes %s from the config, and LogFormat only when one is set', async (_name, props, expected) => {
    serveVpcs([vpc('vpc-1')]);
    serveFlowLogs([]);
    await flowLogsComponent.ensure(testConfig(props), context().ctx);
    expect(ec2).toHaveReceivedCommandWith(CreateFlowLogsCommand, createRequest(['vpc-1'], expected));
  });

  it('sends no LogFormat for the AWS default format', async () => {
    serveVpcs([vpc('vpc-1')]);
    serveFlowLogs([]);
    await flowLogsComponent.ensure(testConfig(), context().ctx);
    expect(ec2.commandCalls(CreateFlowLogsCommand)[0]!.args[0].input).not.toHaveProperty('LogFormat');
  });

  it('changes nothing when every VPC has its flow log', async () => {
    serveVpcs([vpc('vpc-1'), vpc('vpc-2')]);
    serveFlowLogs([flowLog('fl-1', 'vpc-1'), flowLog('fl-2', 'vpc-2')]);
    await flowLogsComponent.ensure(testConfig(), context().ctx);
    expect(sentCommands(ec2)).toEqual(['DescribeVpcsCommand', 'DescribeFlowLogsCommand']);
  });

  it('reads every page of DescribeVpcs and DescribeFlowLogs', async () => {
    const ids = vpcIds(20);
    serveVpcs(
      ids.map((id) => vpc(id)),
      7,
    );
    // Every second VPC already has ours: 10 flow logs in pages of 4.
    serveFlowLogs(
      ids.filter((_, i) => i % 2 === 0).map((id, i) => flowLog(`fl-${i}`, id)),
      4,
    );

    await flowLogsComponent.ensure(testConfig(), context().ctx);

    expect(ec2.commandCalls(DescribeVpcsCommand).map((c) => c.args[0].input)).toEqual([
      { MaxResults: 1000 },
      { MaxResults: 1000, NextToken: '7' },
      { MaxResults: 1000, NextToken: '14' },
    ]);
    expect(ec2.commandCalls(DescribeFlowLogsCommand).map((c) => c.args[0].input)).toEqual([
      { Filter: GROUP_FILTER, MaxResults: 1000 },
      { Filter: GROUP_FILTER, MaxResults: 1000, NextToken: '4' },
      { Filter: GROUP_FILTER, MaxResults: 1000, NextToken: '8' },
    ]);
    expect(ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input.ResourceIds)).toEqual([ids.filter((_, i) => i % 2 === 1)]);
  });

  it('creates flow logs for 700 VPCs in calls of at most 300 ids (the EC2 API limit), each with its own token', async () => {
    const ids = vpcIds(700);
    serveVpcs(
      ids.map((id) => vpc(id)),
      80,
    );
    serveFlowLogs([]);

    await flowLogsComponent.ensure(testConfig(), context().ctx);

    const calls = ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input);
    expect(calls.map((c) => c.ResourceIds)).toEqual([ids.slice(0, 300), ids.slice(300, 600), ids.slice(600)]);
    expect(calls[0]).toEqual(createRequest(ids.slice(0, 300)));
    expect(new Set(calls.map((c) => c.ClientToken)).size).toBe(3);
    expect(ec2).toHaveReceivedCommandTimes(DescribeVpcsCommand, 9);
  });

  it('records the settings on the flow-log group before any EC2 call, so a stale enroller stops writing', async () => {
    serveVpcs([vpc('vpc-1')]);
    serveFlowLogs([]);
    const order: string[] = [];
    logs.on(TagResourceCommand).callsFake(() => (order.push('TagResource'), {}));
    ec2.on(DescribeVpcsCommand).callsFake(() => (order.push('DescribeVpcs'), { Vpcs: [vpc('vpc-1')] }));

    await flowLogsComponent.ensure(testConfig({ FlowLogTrafficType: 'REJECT', FlowLogAggregationInterval: '60' }), context().ctx);

    expect(sentRequests(logs)).toEqual([
      [
        'TagResourceCommand',
        {
          resourceArn: `arn:aws:logs:eu-west-1:${TEST_ACCOUNT}:log-group:${GROUP}`,
          tags: { 'siem-pipeline:flow-log-settings': expect.stringMatching(/^REJECT\/60\/[0-9a-f]{12}$/) },
        },
      ],
    ]);
    expect(order[0]).toBe('TagResource');
  });

  it('sends the same ClientToken when a duplicate delivery repeats the sweep', async () => {
    serveVpcs([vpc('vpc-1')]);
    serveFlowLogs([]);
    const clock = instantClock();
    await flowLogsComponent.ensure(testConfig(), context(clock).ctx);
    await flowLogsComponent.ensure(testConfig(), context(clock).ctx);
    const [first, second] = ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input.ClientToken);
    expect(second).toBe(first);
  });

  it.each([
    ['tag value true', false, [{ Key: EXCLUDE_TAG, Value: 'true' }]],
    ['tag value TRUE', false, [{ Key: EXCLUDE_TAG, Value: 'TRUE' }]],
    ['tag value false', true, [{ Key: EXCLUDE_TAG, Value: 'false' }]],
    ['another tag only', true, [{ Key: 'Name', Value: 'true' }]],
  ])('with %s the VPC is enrolled: %s', async (_name, enrolled, Tags) => {
    serveVpcs([vpc('vpc-1'), vpc('vpc-2', { Tags })]);
    serveFlowLogs([]);
    await flowLogsComponent.ensure(testConfig(), context().ctx);
    expect(ec2).toHaveReceivedCommandWith(CreateFlowLogsCommand, { ResourceIds: enrolled ? ['vpc-1', 'vpc-2'] : ['vpc-1'] });
  });

  it('logs every exclusion in one warning, with the count, the first 20 VPC ids and the flow logs of ours it removes', async () => {
    const excluded = vpcIds(50);
    serveVpcs([...excluded.map((id) => vpc(id, { Tags: [{ Key: EXCLUDE_TAG, Value: 'true' }] })), vpc('vpc-new')]);
    serveFlowLogs([flowLog('fl-0', excluded[0]!), flowLog('fl-1', excluded[1]!)]);
    const { ctx, logs } = context();

    await flowLogsComponent.ensure(testConfig(), ctx);

    const warnings = logs().filter((l) => l.message === 'VPCs excluded from flow logs by tag');
    expect(warnings).toEqual([
      expect.objectContaining({
        level: 'warn',
        tag: 'siem-pipeline:exclude=true',
        excluded: { count: 50, ids: excluded.slice(0, 20) },
        removing: { count: 2, ids: ['fl-0', 'fl-1'] },
      }),
    ]);
    expect(logs()).toContainEqual(
      expect.objectContaining({ message: 'flow log plan', create: { count: 1, ids: ['vpc-new'] }, delete: { count: 2, ids: ['fl-0', 'fl-1'] } }),
    );
  });

  it('logs a sweep of 2,000 VPCs in a fixed number of lines', async () => {
    const ids = vpcIds(2000);
    serveVpcs(ids.map((id) => vpc(id)));
    serveFlowLogs(ids.slice(0, 1000).map((id, i) => flowLog(`fl-${i}`, id, { TrafficType: 'REJECT' })));
    const { ctx, logLines } = context();

    await flowLogsComponent.ensure(testConfig(), ctx);

    expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 7);
    expect(logLines.length).toBeLessThanOrEqual(4);
    expect(logLines.join('\n').length).toBeLessThan(5_000);
  });

  it('skips a VPC shared from another account', async () => {
    serveVpcs([vpc('vpc-1'), vpc('vpc-2', { OwnerId: '210987654321' })]);
    serveFlowLogs([]);
    await flowLogsComponent.ensure(testConfig(), context().ctx);
    expect(ec2).toHaveReceivedCommandWith(CreateFlowLogsCommand, { ResourceIds: ['vpc-1'] });
  });

  it('deletes ours on an excluded VPC and on a VPC that is gone, and creates nothing', async () => {
    serveVpcs([vpc('vpc-1', { Tags: [{ Key: EXCLUDE_TAG, Value: 'true' }] })]);
    serveFlowLogs([flowLog('fl-1', 'vpc-1'), flowLog('fl-9', 'vpc-gone')]);
    await flowLogsComponent.ensure(testConfig(), context().ctx);
    expect(sentRequests(ec2).slice(2)).toEqual([['DeleteFlowLogsCommand', { FlowLogIds: ['fl-1', 'fl-9'] }]]);
  });

  it('deletes a drifted flow log, then creates it again with the new settings', async () => {
    serveVpcs([vpc('vpc-1'), vpc('vpc-2')]);
    serveFlowLogs([flowLog('fl-1', 'vpc-1', { TrafficType: 'ALL' }), flowLog('fl-2', 'vpc-2', { TrafficType: 'REJECT' })]);

    await flowLogsComponent.ensure(testConfig({ FlowLogTrafficType: 'REJECT' }), context().ctx);

    expect(sentRequests(ec2).slice(2)).toEqual([
      ['DeleteFlowLogsCommand', { FlowLogIds: ['fl-1'] }],
      ['CreateFlowLogsCommand', createRequest(['vpc-1'], { TrafficType: 'REJECT' })],
    ]);
  });

  it('never deletes or re-creates a flow log of someone else in our group', async () => {
    serveVpcs([vpc('vpc-1'), vpc('vpc-2')]);
    serveFlowLogs([
      flowLog('fl-x', 'vpc-1', { Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }], TrafficType: 'REJECT' }),
      flowLog('fl-y', 'vpc-gone', { Tags: [] }),
    ]);
    await flowLogsComponent.ensure(testConfig(), context().ctx);
    expect(sentRequests(ec2).slice(2)).toEqual([['CreateFlowLogsCommand', createRequest(['vpc-1', 'vpc-2'])]]);
  });

  describe('Unsuccessful[] results', () => {
    beforeEach(() => {
      serveVpcs([vpc('vpc-1'), vpc('vpc-2'), vpc('vpc-3')]);
      serveFlowLogs([]);
    });

    it.each([
      ['FlowLogAlreadyExists', 'FlowLogAlreadyExists', 'alreadyExisting'],
      ['a VPC deleted since it was listed', 'InvalidVpcID.NotFound', 'vpcsGone'],
    ])('treat %s as done', async (_name, code, logged) => {
      ec2.on(CreateFlowLogsCommand).resolves(created(['vpc-1', 'vpc-2', 'vpc-3'], [unsuccessful('vpc-2', code)]));
      const { ctx, logs } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).resolves.toEqual({});
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 1);
      expect(logs()).toContainEqual(
        expect.objectContaining({ message: 'created', created: { count: 2, ids: ['vpc-1', 'vpc-3'] }, [logged]: { count: 1, ids: ['vpc-2'] } }),
      );
    });

    it('retry only the VPCs refused because the new delivery role is not assumable yet', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .resolvesOnce(created(['vpc-1', 'vpc-2', 'vpc-3'], [roleNotReady('vpc-2'), roleNotReady('vpc-3')]))
        .resolvesOnce(created(['vpc-2', 'vpc-3'], [roleNotReady('vpc-3')]))
        .resolves(created(['vpc-3']));
      const { ctx, clock } = context();

      await expect(flowLogsComponent.ensure(testConfig(), ctx)).resolves.toEqual({});

      expect(ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input)).toEqual([
        createRequest(['vpc-1', 'vpc-2', 'vpc-3']),
        createRequest(['vpc-2', 'vpc-3']),
        createRequest(['vpc-3']),
      ]);
      expect(clock.sleeps).toHaveLength(2);
    });

    it('retry the whole call when it fails with InvalidParameter "Unable to assume given IAM role"', async () => {
      const err = Object.assign(new Error(`Unable to assume given IAM role: '${ROLE_ARN}'`), { name: 'InvalidParameter', $metadata: {} });
      ec2
        .on(CreateFlowLogsCommand)
        .rejectsOnce(err)
        .resolves(created(['vpc-1', 'vpc-2', 'vpc-3']));
      const { ctx, clock } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).resolves.toEqual({});
      expect(ec2.commandCalls(CreateFlowLogsCommand).map((c) => c.args[0].input)).toEqual([
        createRequest(['vpc-1', 'vpc-2', 'vpc-3']),
        createRequest(['vpc-1', 'vpc-2', 'vpc-3']),
      ]);
      expect(clock.sleeps).toHaveLength(1);
    });

    it('give up on a role that never becomes assumable, naming the VPCs', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .callsFake((input: { ResourceIds: string[] }) => created(input.ResourceIds, input.ResourceIds.filter((id) => id !== 'vpc-1').map(roleNotReady)));
      const { ctx } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).rejects.toThrow(
        'CreateFlowLogs failed for 2 VPC(s): vpc-2 (RoleNotAssumable: the delivery role could still not be assumed), vpc-3 (RoleNotAssumable',
      );
      // ctx.propagationRetry allows 5 attempts in the test context.
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 5);
    });

    it('reject any other failure, naming the VPC and the code, without retrying it', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .resolves(created(['vpc-1', 'vpc-2', 'vpc-3'], [unsuccessful('vpc-3', 'FlowLogsLimitExceeded', 'limit of flow logs reached')]));
      const { ctx } = context();
      await expect(flowLogsComponent.ensure(testConfig(), ctx)).rejects.toThrow(
        'CreateFlowLogs failed for 1 VPC(s): vpc-3 (FlowLogsLimitExceeded: limit of flow logs reached)',
      );
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 1);
    });

    it('do not retry an error that is not about the role', async () => {
      ec2
        .on(CreateFlowLogsCommand)
        .rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: {} }));
      await expect(flowLogsComponent.ensure(testConfig(), context().ctx)).rejects.toThrow('You are not authorized to perform this operation.');
      expect(ec2).toHaveReceivedCommandTimes(CreateFlowLogsCommand, 1);
    });
  });
});

describe('flow-logs remove', () => {
  it('deletes only our flow logs in our log group; third-party ones stay', async () => {
    serveFlowLogs([
      flowLog('fl-1', 'vpc-1'),
      flowLog('fl-2', 'vpc-2'),
      // Another stack's, an untagged one in our group, and one delivering elsewhere (the filter should not return it).
      flowLog('fl-other-stack', 'vpc-1', { Tags: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }),
      flowLog('fl-untagged', 'vpc-2', { Tags: undefined }),
      flowLog('fl-elsewhere', 'vpc-1', { LogGroupName: '/corp/flow-logs' }),
    ]);
    const { ctx, logs } = context();

    await flowLogsComponent.remove(testConfig(), ctx);

    expect(sentRequests(ec2)).toEqual([
      ['DescribeFlowLogsCommand', { Filter: GROUP_FILTER, MaxResults: 1000 }],
      ['DeleteFlowLogsCommand', { FlowLogIds: ['fl-1', 'fl-2'] }],
    ]);
    expect(logs()).toContainEqual(
      expect.objectContaining({ message: 'left in place: not ours', flowLogs: { count: 2, ids: ['fl-other-stack', 'fl-untagged'] } }),
    );
  });

  it('deletes in batches of 1000 after reading every page', async () => {
    const ids = vpcIds(1500);
    serveFlowLogs(
      ids.map((id, i) => flowLog(`fl-${i}`, id)),
      400,
    );
    await flowLogsComponent.remove(testConfig(), context().ctx);
    expect(ec2).toHaveReceivedCommandTimes(DescribeFlowLogsCommand, 4);
    expect(ec2.commandCalls(DeleteFlowLogsCommand).map((c) => c.args[0].input.FlowLogIds!.length)).toEqual([1000, 500]);
  });

  it('does nothing when none are left', async () => {
    serveFlowLogs([]);
    await flowLogsComponent.remove(testConfig(), context().ctx);
    expect(sentCommands(ec2)).toEqual(['DescribeFlowLogsCommand']);
  });

  it('treats InvalidFlowLogId.NotFound in Unsuccessful[] as done', async () => {
    serveFlowLogs([flowLog('fl-1', 'vpc-1'), flowLog('fl-2', 'vpc-2')]);
    ec2.on(DeleteFlowLogsCommand).resolves({ Unsuccessful: [unsuccessful('fl-2', 'InvalidFlowLogId.NotFound')] });
    await expect(flowLogsComponent.remove(testConfig(), context().ctx)).resolves.toBeUndefined();
  });

  it('rejects any other per-flow-log failure, naming the flow log and the code', async () => {
    serveFlowLogs([flowLog('fl-1', 'vpc-1'), flowLog('fl-2', 'vpc-2')]);
    ec2.on(DeleteFlowLogsCommand).resolves({ Unsuccessful: [unsuccessful('fl-2', 'UnauthorizedOperation', 'not allowed')] });
    await expect(flowLogsComponent.remove(testConfig(), context().ctx)).rejects.toThrow(
      'DeleteFlowLogs failed for 1 flow log(s): fl-2 (UnauthorizedOperation: not allowed)',
    );
  });
});

describe('flow-logs inspect', () => {
  it('reports covered, missing, drifted, orphaned and skipped VPCs without writing', async () => {
    serveVpcs([vpc('vpc-1'), vpc('vpc-2'), vpc('vpc-3'), vpc('vpc-4', { Tags: [{ Key: EXCLUDE_TAG, Value: 'true' }] })]);
    serveFlowLogs([flowLog('fl-1', 'vpc-1'), flowLog('fl-2', 'vpc-2', { MaxAggregationInterval: 60 }), flowLog('fl-9', 'vpc-gone')]);

    const status = await flowLogsComponent.inspect(testConfig(), context().ctx);

    expect(status).toEqual({
      state: 'drifted',
      details: {
        covered: ['vpc-1'],
        missing: ['vpc-3'],
        drifted: [{ flowLogId: 'fl-2', vpcId: 'vpc-2', differences: [{ setting: 'maxAggregationInterval', current: 60, desired: 600 }] }],
        orphaned: ['fl-9'],
        skipped: [{ vpcId: 'vpc-4', reason: 'excluded' }],
        excluded: ['vpc-4'],
      },
    });
    expect(sentCommands(ec2).sort()).toEqual(['DescribeFlowLogsCommand', 'DescribeVpcsCommand']);
  });

  it('is present when every VPC has its flow log', async () => {
    serveVpcs([vpc('vpc-1')]);
    serveFlowLogs([flowLog('fl-1', 'vpc-1')]);
    await expect(flowLogsComponent.inspect(testConfig(), context().ctx)).resolves.toMatchObject({ state: 'present', details: { covered: ['vpc-1'] } });
  });

  it('is absent when no flow log of ours exists', async () => {
    serveVpcs([vpc('vpc-1')]);
    serveFlowLogs([flowLog('fl-x', 'vpc-1', { Tags: [] })]);
    await expect(flowLogsComponent.inspect(testConfig(), context().ctx)).resolves.toEqual({ state: 'absent', details: { missing: [], excluded: [] } });
  });
});
