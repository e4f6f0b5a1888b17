import { DescribeFlowLogsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { AuditEntry, AuditReport } from '../../../src/cli/audit';
import { failedFlowLogs, findingsOf, sourceCoverage } from '../../../src/cli/coverage';
import { mapBounded } from '../../../src/cli/pool';
import { pipelineNames } from '../../../src/config/names';
import { parseConfig } from '../../../src/sources/parse';
import type { PipelineContext } from '../../../src/components/context';
import { sentRequests } from '../helpers/aws-mock';

const names = pipelineNames('demo', 'us-east-1', '123456789012');
const config = parseConfig({ PipelineName: 'demo', ExtraEventSources: 'aws.securityhub,aws.health' });
const ok = (id: string, details?: Record<string, unknown>): AuditEntry => ({
  id,
  expected: true,
  state: 'present',
  result: 'ok',
  ...(details ? { details } : {}),
});
const report = (...components: AuditEntry[]): AuditReport => ({
  pipeline: 'demo',
  stackId: 's',
  account: 'a',
  region: 'us-east-1',
  components,
  summary: {} as AuditReport['summary'],
});

describe('sourceCoverage', () => {
  it('counts covered / total per source: VPCs by id, an extra source by its own rule', () => {
    const r = report(
      ok('trail'),
      { id: 'trail-log-group', expected: true, state: 'drifted', result: 'drifted' },
      ok('flow-log-group'),
      {
        id: 'flow-logs',
        expected: true,
        state: 'drifted',
        result: 'excluded',
        details: { covered: ['vpc-1', 'vpc-2'], missing: ['vpc-3'], drifted: [], excluded: ['vpc-4'] },
      },
      ok('guardduty-detector'),
      ok('guardduty-rule'),
      {
        id: 'event-sources',
        expected: true,
        state: 'drifted',
        result: 'drifted',
        details: { rules: { [names.sourceRule('aws.securityhub')]: 'present', [names.sourceRule('aws.health')]: 'absent' } },
      },
    );
    expect(sourceCoverage(r, config, names)).toEqual([
      { source: 'CloudTrail', covered: 0, total: 1 },
      { source: 'VPC flow logs', covered: 2, total: 4, note: '1 excluded by tag' },
      { source: 'GuardDuty', covered: 1, total: 1 },
      { source: 'aws.securityhub', covered: 1, total: 1 },
      { source: 'aws.health', covered: 0, total: 1 },
    ]);
  });
});

describe('findingsOf', () => {
  it.each([
    [
      { id: 'trail', expected: true, state: 'drifted', result: 'drifted', details: { differences: ['not logging'] } },
      'drifted: not logging',
      'aws-siem-pipeline repair --stack siem --region eu-west-1',
    ],
    [
      { id: 'guardduty-rule', expected: false, state: 'present', result: 'unexpected' },
      "present but not wanted by the stack's properties",
      'aws-siem-pipeline repair --stack siem --region eu-west-1',
    ],
    [
      { id: 'flow-logs', expected: true, state: 'present', result: 'excluded', details: { excluded: ['vpc-9'] } },
      'vpc-9 is excluded from flow logs by tag siem-pipeline:exclude=true',
      'aws ec2 delete-tags --resources vpc-9 --tags Key=siem-pipeline:exclude --region eu-west-1 (if the exclusion is not intended), then aws-siem-pipeline repair --stack siem --region eu-west-1',
    ],
    [
      { id: 'stream', expected: true, state: 'error', result: 'error', error: 'AccessDenied: no' },
      'could not be checked: AccessDenied: no',
      'grant the read permission named in the error, then run the audit again',
    ],
  ] as [AuditEntry, string, string][])('%j -> %s', (entry, problem, fix) => {
    expect(findingsOf(report(entry), 'siem', ' --region eu-west-1')).toEqual([{ component: entry.id, problem, fix }]);
  });
});

describe('failedFlowLogs', () => {
  const ec2 = mockClient(EC2Client);
  afterEach(() => ec2.reset());

  it('reports our flow logs whose delivery FAILED, across pages, with the reason EC2 gives', async () => {
    ec2
      .on(DescribeFlowLogsCommand)
      .resolvesOnce({ FlowLogs: [{ FlowLogId: 'fl-1', ResourceId: 'vpc-1', DeliverLogsStatus: 'SUCCESS' }], NextToken: 't' })
      .resolvesOnce({ FlowLogs: [{ FlowLogId: 'fl-2', ResourceId: 'vpc-2', DeliverLogsStatus: 'FAILED', DeliverLogsErrorMessage: 'Access error' }] });
    const ctx = {
      clients: { ec2: new EC2Client({ region: 'us-east-1' }) },
      names,
      stackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/x',
    } as unknown as PipelineContext;

    await expect(failedFlowLogs(config, ctx)).resolves.toEqual([
      {
        component: 'flow-logs',
        problem: 'flow log fl-2 of vpc-2 fails to deliver: Access error',
        fix: `check the role ${names.flowLogsRole} and the log group ${names.flowLogGroup}, then aws-siem-pipeline repair --stack siem`,
      },
    ]);
    const filter = [{ Name: 'log-group-name', Values: [names.flowLogGroup] }];
    expect(sentRequests(ec2)).toEqual([
      ['DescribeFlowLogsCommand', { Filter: filter }],
      ['DescribeFlowLogsCommand', { Filter: filter, NextToken: 't' }],
    ]);
  });
});

describe('mapBounded', () => {
  it.each([1, 2, 4])('keeps at most %i calls in flight and the input order', async (limit) => {
    let inFlight = 0;
    let most = 0;
    const result = await mapBounded([5, 1, 4, 2, 3, 0], limit, async (n) => {
      most = Math.max(most, ++inFlight);
      for (let i = 0; i < n; i++) await Promise.resolve();
      inFlight--;
      return n * 10;
    });
    expect(result).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(limit);
  });
});
