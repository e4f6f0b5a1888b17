import { CreateFlowLogsCommand } from '@aws-sdk/client-ec2';
import 'aws-sdk-client-mock-jest';
import { TAG_STACK } from '../../../../src/config/names';
import { flowLogsComponent } from '../../../../src/sources/flow-logs/flow-logs';
import { EXCLUDE_TAG } from '../../../../src/sources/flow-logs/vpc-enrollment';
import { sentRequests } from '../../helpers/aws-mock';
import { OTHER_STACK_ID, testConfig } from '../../helpers/context';
import { ec2, vpcIds, vpc, flowLog, serveVpcs, serveFlowLogs, createRequest, context, useFlowLogMocks } from './flow-logs-mocks';

useFlowLogMocks();

describe('flow-logs ensure: exclusions, logs, deletes and re-creates', () => {
  it('logs every exclusion in one warning, with the count, the first 20 VPC ids and the flow logs of ours it removes', async () => {
    const excluded = vpcIds(50);
    serveVpcs([...excluded.map((id) => vpc(id, { Tags: [{ Key: EXCLUDE_TAG, Value: 'true' }] })), vpc('vpc-new')]);
    serveFlowLogs([flowLog('fl-0', excluded[0]), flowLog('fl-1', excluded[1])]);
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
});
