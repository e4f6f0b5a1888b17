import { CloudWatchLogsClient, ListTagsForResourceCommand, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFlowLogsCommand, DescribeFlowLogsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createClients } from '../../../src/aws/clients';
import { TAG_NAME, TAG_STACK } from '../../../src/config/names';
import { ConfigError } from '../../../src/support/errors';
import { createVpcEnrollerHandler, type EnrollerEvent } from '../../../src/handlers/vpc-enroller';
import { createLogger } from '../../../src/support/log';
import { settingsKey, SETTINGS_TAG } from '../../../src/sources/flow-logs/settings-record';
import { sentCommands, sentRequests } from '../helpers/aws-mock';
import { instantClock, TEST_ACCOUNT, TEST_BOUNDARY_ARN, TEST_CREDENTIALS, TEST_REGION, TEST_STACK_ID } from '../helpers/context';
import { instantRetries } from '../../fake/sdk';

const ec2 = mockClient(EC2Client);
const logs = mockClient(CloudWatchLogsClient);

const GROUP = '/siem-pipeline/test/vpc-flow-logs';
const ENV = {
  PipelineName: 'test',
  EnableFlowLogs: 'true',
  FlowLogTrafficType: 'REJECT',
  FlowLogAggregationInterval: '60',
  FlowLogFormat: '',
  STACK_ID: TEST_STACK_ID,
  PERMISSIONS_BOUNDARY_ARN: TEST_BOUNDARY_ARN,
  // The Lambda environment holds more than the enroller reads: these must not count as unknown properties.
  AWS_REGION: TEST_REGION,
  LOG_LEVEL: 'debug',
};

const scheduleEvent: EnrollerEvent = {
  version: '0',
  id: 'sched-1',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: TEST_ACCOUNT,
  time: '2026-05-01T12:00:00Z',
  region: TEST_REGION,
  resources: [`arn:aws:events:${TEST_REGION}:${TEST_ACCOUNT}:rule/siem-test-vpc-enroller`],
  detail: {},
};

const createVpcEvent = (responseElements: unknown): EnrollerEvent => ({
  ...scheduleEvent,
  id: 'ct-1',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ec2',
  resources: [],
  detail: {
    eventSource: 'ec2.amazonaws.com',
    eventName: 'CreateVpc',
    userIdentity: { type: 'AssumedRole', accessKeyId: 'ASIAEXAMPLEKEY123456', sessionContext: { sessionIssuer: { userName: 'admin' } } },
    requestParameters: { cidrBlock: '10.1.0.0/16' },
    responseElements,
  },
});

function setup(env: Record<string, string | undefined> = ENV) {
  const logLines: string[] = [];
  const handler = createVpcEnrollerHandler({
    env,
    clients: createClients({ region: TEST_REGION, credentials: TEST_CREDENTIALS, retryStrategy: instantRetries(1) }),
    clock: instantClock(),
    propagationRetry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 100 },
    log: createLogger({ level: 'debug', sink: (line) => logLines.push(line) }),
  });
  return { handler, logLines, logs: () => logLines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

beforeEach(() => {
  logs.on(ListTagsForResourceCommand).resolves({ tags: { [SETTINGS_TAG]: settingsKey({ trafficType: 'REJECT', maxAggregationInterval: 60 }) } });
  ec2.on(DescribeVpcsCommand).resolves({
    Vpcs: [
      { VpcId: 'vpc-0aaa', OwnerId: TEST_ACCOUNT },
      { VpcId: 'vpc-0bbb', OwnerId: TEST_ACCOUNT },
    ],
  });
  ec2.on(DescribeFlowLogsCommand).resolves({
    FlowLogs: [
      {
        FlowLogId: 'fl-1',
        ResourceId: 'vpc-0aaa',
        LogGroupName: GROUP,
        TrafficType: 'REJECT',
        MaxAggregationInterval: 60,
        Tags: [
          { Key: TAG_NAME, Value: 'test' },
          { Key: TAG_STACK, Value: TEST_STACK_ID },
        ],
      },
    ],
  });
  ec2.on(CreateFlowLogsCommand).resolves({ FlowLogIds: ['fl-2'], Unsuccessful: [] });
});
afterEach(() => {
  ec2.reset();
  logs.reset();
});
afterAll(() => {
  ec2.restore();
  logs.restore();
});

const GROUP_ARN = `arn:aws:logs:${TEST_REGION}:${TEST_ACCOUNT}:log-group:${GROUP}`;
const CREATE_REQUEST = {
  ResourceIds: ['vpc-0bbb'],
  ResourceType: 'VPC',
  TrafficType: 'REJECT',
  LogDestinationType: 'cloud-watch-logs',
  LogGroupName: GROUP,
  DeliverLogsPermissionArn: `arn:aws:iam::${TEST_ACCOUNT}:role/siem-pipeline/siem-test-eu-west-1-flowlogs-to-cwl`,
  MaxAggregationInterval: 60,
  TagSpecifications: [
    {
      ResourceType: 'vpc-flow-log',
      Tags: [
        { Key: TAG_NAME, Value: 'test' },
        { Key: TAG_STACK, Value: TEST_STACK_ID },
      ],
    },
  ],
  ClientToken: expect.stringMatching(/^[0-9a-f]{64}$/),
};

describe('vpc-enroller handler', () => {
  it('sweeps every VPC of the region on the schedule, after checking the settings recorded on the flow-log group', async () => {
    const { handler, logs: lines } = setup();

    await expect(handler(scheduleEvent)).resolves.toEqual({ vpcs: 2, created: 1, recreated: 0, deleted: 0, skipped: 0 });

    expect(sentRequests(logs)).toEqual([['ListTagsForResourceCommand', { resourceArn: GROUP_ARN }]]);
    expect(sentRequests(ec2)).toEqual([
      ['DescribeVpcsCommand', { MaxResults: 1000 }],
      ['DescribeFlowLogsCommand', { Filter: [{ Name: 'log-group-name', Values: [GROUP] }], MaxResults: 1000 }],
      ['CreateFlowLogsCommand', CREATE_REQUEST],
    ]);
    const started = lines().find((l) => l.message === 'enrollment started');
    expect(started).toMatchObject({ trigger: 'schedule', eventId: 'sched-1', source: 'aws.events' });
    expect(lines()).toContainEqual(expect.objectContaining({ message: 'enrollment done', trigger: 'schedule', vpcs: 2, created: 1 }));
  });

  it('enrolls only the new VPC for a CreateVpc call: the settings, that VPC, one CreateFlowLogs (3 calls, no sweep)', async () => {
    ec2.on(DescribeVpcsCommand, { VpcIds: ['vpc-0bbb'] }).resolves({ Vpcs: [{ VpcId: 'vpc-0bbb', OwnerId: TEST_ACCOUNT }] });
    const { handler, logs: lines } = setup();

    await expect(handler(createVpcEvent({ vpc: { vpcId: 'vpc-0bbb', cidrBlock: '10.1.0.0/16' } }))).resolves.toEqual({
      vpcs: 1,
      created: 1,
      recreated: 0,
      deleted: 0,
      skipped: 0,
    });

    expect(sentRequests(logs)).toEqual([['ListTagsForResourceCommand', { resourceArn: GROUP_ARN }]]);
    expect(sentRequests(ec2)).toEqual([
      ['DescribeVpcsCommand', { VpcIds: ['vpc-0bbb'] }],
      ['CreateFlowLogsCommand', CREATE_REQUEST],
    ]);
    expect(lines().find((l) => l.message === 'enrollment started')).toMatchObject({ trigger: 'CreateVpc', newVpcId: 'vpc-0bbb', eventId: 'ct-1' });
  });

  it.each([
    ['excluded by tag', [{ Key: 'siem-pipeline:exclude', Value: 'true' }], TEST_ACCOUNT, 'VPCs excluded from flow logs by tag'],
    ['shared from another account', [], '210987654321', 'left alone: shared from another account'],
  ])('creates nothing for a new VPC %s, and says so', async (_name, Tags, OwnerId, message) => {
    ec2.on(DescribeVpcsCommand, { VpcIds: ['vpc-0bbb'] }).resolves({ Vpcs: [{ VpcId: 'vpc-0bbb', OwnerId, Tags }] });
    const { handler, logs: lines } = setup();
    await expect(handler(createVpcEvent({ vpc: { vpcId: 'vpc-0bbb' } }))).resolves.toEqual({ vpcs: 1, created: 0, recreated: 0, deleted: 0, skipped: 1 });
    expect(sentCommands(ec2)).toEqual(['DescribeVpcsCommand']);
    expect(lines()).toContainEqual(expect.objectContaining({ message }));
  });

  it('creates nothing for a new VPC that is gone already', async () => {
    ec2
      .on(DescribeVpcsCommand, { VpcIds: ['vpc-0bbb'] })
      .rejects(Object.assign(new Error("The vpc ID 'vpc-0bbb' does not exist"), { name: 'InvalidVpcID.NotFound' }));
    const { handler } = setup();
    await expect(handler(createVpcEvent({ vpc: { vpcId: 'vpc-0bbb' } }))).resolves.toEqual({ vpcs: 0, created: 0, recreated: 0, deleted: 0, skipped: 0 });
    expect(sentCommands(ec2)).toEqual(['DescribeVpcsCommand']);
  });

  it('does nothing for a failed CreateVpc call (no responseElements): the sweep repairs what events miss', async () => {
    const { handler } = setup();
    await expect(handler(createVpcEvent(null))).resolves.toEqual({ vpcs: 0, created: 0, recreated: 0, deleted: 0, skipped: 0 });
    expect(sentCommands(ec2)).toEqual([]);
    expect(logs).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['the schedule', scheduleEvent],
    ['a CreateVpc call', createVpcEvent({ vpc: { vpcId: 'vpc-0bbb' } })],
  ])('writes nothing for %s while the provisioner recorded other settings than its environment (stack update)', async (_name, event) => {
    logs.on(ListTagsForResourceCommand).resolves({ tags: { [SETTINGS_TAG]: settingsKey({ trafficType: 'ALL', maxAggregationInterval: 600 }) } });
    const { handler, logs: lines } = setup();
    await expect(handler(event)).resolves.toEqual({ vpcs: 0, created: 0, recreated: 0, deleted: 0, skipped: 0 });
    expect(sentCommands(ec2)).toEqual([]);
    expect(lines()).toContainEqual(
      expect.objectContaining({ level: 'warn', recorded: expect.stringMatching(/^ALL\/600\//), own: expect.stringMatching(/^REJECT\/60\//) }),
    );
  });

  it('sweeps with its environment when the group records no settings (a stack from before the record)', async () => {
    logs.on(ListTagsForResourceCommand).resolves({ tags: {} });
    const { handler } = setup();
    await expect(handler(scheduleEvent)).resolves.toMatchObject({ vpcs: 2, created: 1 });
  });

  it('never logs the event itself (the CloudTrail record carries the caller’s access key id)', async () => {
    const { handler, logLines } = setup();
    await handler(createVpcEvent({ vpc: { vpcId: 'vpc-0bbb' } }));
    expect(logLines.join('\n')).not.toMatch(/ASIAEXAMPLEKEY123456|10\.1\.0\.0|sessionIssuer/);
  });

  it('does nothing while the flow-log group does not exist (stack being created or deleted)', async () => {
    logs.on(ListTagsForResourceCommand).rejects(new ResourceNotFoundException({ message: 'The specified log group does not exist.', $metadata: {} }));
    const { handler, logs: lines } = setup();
    await expect(handler(scheduleEvent)).resolves.toEqual({ vpcs: 0, created: 0, recreated: 0, deleted: 0, skipped: 0 });
    expect(logs).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: GROUP_ARN });
    expect(sentCommands(ec2)).toEqual([]);
    expect(lines()).toContainEqual(expect.objectContaining({ level: 'warn', logGroup: GROUP }));
  });

  it('does nothing when flow logs are turned off', async () => {
    const { handler } = setup({ ...ENV, EnableFlowLogs: 'false' });
    await expect(handler(scheduleEvent)).resolves.toEqual({ vpcs: 0, created: 0, recreated: 0, deleted: 0, skipped: 0 });
    expect(sentCommands(ec2)).toEqual([]);
    expect(logs).not.toHaveReceivedAnyCommand();
  });

  it('throws after logging a summary when the sweep fails, so Lambda retries and counts the error', async () => {
    ec2.on(CreateFlowLogsCommand).resolves({ Unsuccessful: [{ ResourceId: 'vpc-0bbb', Error: { Code: 'FlowLogsLimitExceeded', Message: 'limit reached' } }] });
    const { handler, logs: lines } = setup();
    await expect(handler(scheduleEvent)).rejects.toThrow('CreateFlowLogs failed for 1 VPC(s): vpc-0bbb (FlowLogsLimitExceeded: limit reached)');
    expect(lines()).toContainEqual(
      expect.objectContaining({ level: 'error', message: 'enrollment failed', error: expect.stringContaining('vpc-0bbb (FlowLogsLimitExceeded') }),
    );
  });

  describe('with a bad environment', () => {
    it.each([
      [
        'an invalid traffic type',
        { FlowLogTrafficType: 'SOME' },
        "environment variable FlowLogTrafficType 'SOME' is not allowed; allowed values: ALL, ACCEPT, REJECT",
      ],
      [
        'an invalid interval',
        { FlowLogAggregationInterval: '120' },
        "environment variable FlowLogAggregationInterval '120' is not allowed; allowed values: 60, 600",
      ],
      [
        'an invalid format',
        { FlowLogFormat: 'srcaddr dstaddr' },
        "environment variable FlowLogFormat 'srcaddr dstaddr' is not allowed; allowed values: space-separated ${field} names",
      ],
      ['no PipelineName', { PipelineName: undefined }, 'environment variable PipelineName is required; allowed values: 2-20 characters'],
      ['no STACK_ID', { STACK_ID: undefined }, 'environment variable STACK_ID is required; allowed values: the ARN of the CloudFormation stack'],
      [
        'a STACK_ID that is no stack ARN',
        { STACK_ID: 'my-stack' },
        "environment variable STACK_ID 'my-stack' is not allowed; allowed values: the ARN of the CloudFormation stack",
      ],
      ['no permissions boundary', { PERMISSIONS_BOUNDARY_ARN: undefined }, 'environment variable PERMISSIONS_BOUNDARY_ARN is required'],
    ])('rejects %s with an error naming the variable and the allowed values, before any AWS call', async (_name, over, message) => {
      const { handler, logs: lines } = setup({ ...ENV, ...over });
      const run = handler(scheduleEvent);
      await expect(run).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(message);
      expect(sentCommands(ec2)).toEqual([]);
      expect(logs).not.toHaveReceivedAnyCommand();
      expect(lines()).toContainEqual(expect.objectContaining({ level: 'error', message: 'enrollment failed', error: expect.stringContaining(message) }));
    });

    it('lists every problem at once', async () => {
      const { handler } = setup({ ...ENV, FlowLogTrafficType: 'SOME', STACK_ID: undefined });
      await expect(handler(scheduleEvent)).rejects.toThrow(/FlowLogTrafficType 'SOME'.*; environment variable STACK_ID is required/);
    });
  });
});
