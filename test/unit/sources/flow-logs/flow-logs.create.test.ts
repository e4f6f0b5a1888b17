import { CreateFlowLogsCommand, DescribeFlowLogsCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { TagResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import 'aws-sdk-client-mock-jest';
import { flowLogsComponent } from '../../../../src/sources/flow-logs/flow-logs';
import { EXCLUDE_TAG } from '../../../../src/sources/flow-logs/vpc-enrollment';
import { sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, instantClock, TEST_ACCOUNT, testConfig } from '../../helpers/context';
import { ec2, logs, GROUP, GROUP_FILTER, vpcIds, vpc, flowLog, serveVpcs, serveFlowLogs, createRequest, context, useFlowLogMocks } from './flow-logs-mocks';

useFlowLogMocks();

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
    expect(ec2.commandCalls(CreateFlowLogsCommand)[0].args[0].input).not.toHaveProperty('LogFormat');
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
});
