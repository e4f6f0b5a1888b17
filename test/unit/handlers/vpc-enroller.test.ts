import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFlowLogsCommand, DescribeFlowLogsCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { createClients } from '../../../src/aws/clients';
import { TAG_NAME, TAG_STACK } from '../../../src/config/names';
import { ConfigError } from '../../../src/errors';
import { createVpcEnrollerHandler, type EnrollerEvent } from '../../../src/handlers/vpc-enroller';
import { createLogger } from '../../../src/log';
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
  logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: GROUP }] });
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-0aaa', OwnerId: TEST_ACCOUNT }, { VpcId: 'vpc-0bbb', OwnerId: TEST_ACCOUNT }] });
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

describe('vpc-enroller handler', () => {
  it.each([
    ['the schedule', scheduleEvent, 'schedule', undefined],
    ['a CreateVpc call', createVpcEvent({ vpc: { vpcId: 'vpc-0bbb', cidrBlock: '10.1.0.0/16' } }), 'CreateVpc', 'vpc-0bbb'],
    ['a failed CreateVpc call (no responseElements)', createVpcEvent(null), 'CreateVpc', undefined],
  ])('runs the same sweep for %s', async (_name, event, trigger, newVpcId) => {
    const { handler, logs: lines } = setup();

    await expect(handler(event)).resolves.toEqual({ vpcs: 2, created: 1, recreated: 0, deleted: 0, skipped: 0 });

    expect(sentRequests(ec2)).toEqual([
      ['DescribeVpcsCommand', { MaxResults: 1000 }],
      ['DescribeFlowLogsCommand', { Filter: [{ Name: 'log-group-name', Values: [GROUP] }], MaxResults: 1000 }],
      [
        'CreateFlowLogsCommand',
        {
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
        },
      ],
    ]);
    const started = lines().find((l) => l.message === 'enrollment sweep started');
    expect(started).toMatchObject({ trigger, eventId: event.id, source: event.source });
    expect(started?.newVpcId).toBe(newVpcId);
    expect(lines()).toContainEqual(expect.objectContaining({ message: 'enrollment sweep done', vpcs: 2, created: 1 }));
  });

  it('never logs the event itself (the CloudTrail record carries the caller’s access key id)', async () => {
    const { handler, logLines } = setup();
    await handler(createVpcEvent({ vpc: { vpcId: 'vpc-0bbb' } }));
    expect(logLines.join('\n')).not.toMatch(/ASIAEXAMPLEKEY123456|10\.1\.0\.0|sessionIssuer/);
  });

  it('does nothing while the flow-log group does not exist (stack being created or deleted)', async () => {
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [] });
    const { handler, logs: lines } = setup();
    await expect(handler(scheduleEvent)).resolves.toEqual({ vpcs: 0, created: 0, recreated: 0, deleted: 0, skipped: 0 });
    expect(logs).toHaveReceivedCommandWith(DescribeLogGroupsCommand, { logGroupNamePrefix: GROUP, limit: 1 });
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
      expect.objectContaining({ level: 'error', message: 'enrollment sweep failed', error: expect.stringContaining('vpc-0bbb (FlowLogsLimitExceeded') }),
    );
  });

  describe('with a bad environment', () => {
    it.each([
      ['an invalid traffic type', { FlowLogTrafficType: 'SOME' }, "environment variable FlowLogTrafficType 'SOME' is not allowed; allowed values: ALL, ACCEPT, REJECT"],
      ['an invalid interval', { FlowLogAggregationInterval: '120' }, "environment variable FlowLogAggregationInterval '120' is not allowed; allowed values: 60, 600"],
      ['an invalid format', { FlowLogFormat: 'srcaddr dstaddr' }, "environment variable FlowLogFormat 'srcaddr dstaddr' is not allowed; allowed values: space-separated ${field} names"],
      ['no PipelineName', { PipelineName: undefined }, 'environment variable PipelineName is required; allowed values: 2-20 characters'],
      ['no STACK_ID', { STACK_ID: undefined }, 'environment variable STACK_ID is required; allowed values: the ARN of the CloudFormation stack'],
      ['a STACK_ID that is no stack ARN', { STACK_ID: 'my-stack' }, "environment variable STACK_ID 'my-stack' is not allowed; allowed values: the ARN of the CloudFormation stack"],
      ['no permissions boundary', { PERMISSIONS_BOUNDARY_ARN: undefined }, 'environment variable PERMISSIONS_BOUNDARY_ARN is required'],
    ])('rejects %s with an error naming the variable and the allowed values, before any AWS call', async (_name, over, message) => {
      const { handler, logs: lines } = setup({ ...ENV, ...over });
      const run = handler(scheduleEvent);
      await expect(run).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(message);
      expect(sentCommands(ec2)).toEqual([]);
      expect(logs).not.toHaveReceivedAnyCommand();
      expect(lines()).toContainEqual(expect.objectContaining({ level: 'error', message: 'enrollment sweep failed', error: expect.stringContaining(message) }));
    });

    it('lists every problem at once', async () => {
      const { handler } = setup({ ...ENV, FlowLogTrafficType: 'SOME', STACK_ID: undefined });
      await expect(handler(scheduleEvent)).rejects.toThrow(/FlowLogTrafficType 'SOME'.*; environment variable STACK_ID is required/);
    });
  });
});
