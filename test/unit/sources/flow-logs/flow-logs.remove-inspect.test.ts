import { DeleteFlowLogsCommand, DescribeFlowLogsCommand } from '@aws-sdk/client-ec2';
import 'aws-sdk-client-mock-jest';
import { TAG_STACK } from '../../../../src/config/names';
import { flowLogsComponent } from '../../../../src/sources/flow-logs/flow-logs';
import { EXCLUDE_TAG } from '../../../../src/sources/flow-logs/vpc-enrollment';
import { sentCommands, sentRequests } from '../../helpers/aws-mock';
import { OTHER_STACK_ID, testConfig } from '../../helpers/context';
import { ec2, GROUP_FILTER, vpcIds, vpc, flowLog, serveVpcs, serveFlowLogs, unsuccessful, context, useFlowLogMocks } from './flow-logs-mocks';

useFlowLogMocks();

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
