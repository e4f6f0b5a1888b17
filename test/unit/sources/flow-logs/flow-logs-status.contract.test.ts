import type { ComponentStatus } from '../../../../src/components/component';
import { diffFlowLogs, type FlowLogInfo, type VpcInfo } from '../../../../src/sources/flow-logs/flow-log-plan';
import { flowLogStatus } from '../../../../src/sources/flow-logs/flow-logs';
import { foreign, ours, vpc, want } from './flow-logs-fixtures';

const statusOf = (vpcs: VpcInfo[], flowLogs: FlowLogInfo[], enabled = true) =>
  flowLogStatus(diffFlowLogs({ read: true, vpcs, flowLogs }, { enabled, settings: want() }));

describe("flow-logs inspect from the diff's changes (pure): the details audit and coverage read, per VPC", () => {
  it.each<[string, VpcInfo[], FlowLogInfo[], ComponentStatus]>([
    ['no VPC, no flow log: absent, nothing to cover', [], [], { state: 'absent', details: { missing: [], excluded: [] } }],
    [
      'none of ours yet: absent, the VPCs missing one',
      [vpc('vpc-1'), vpc('vpc-2', 'excluded')],
      [],
      { state: 'absent', details: { missing: ['vpc-1'], excluded: ['vpc-2'] } },
    ],
    [
      "covered only by someone else's flow log: absent (none of ours), nothing missing",
      [vpc('vpc-1')],
      [foreign('fl-x', 'vpc-1')],
      { state: 'absent', details: { missing: [], excluded: [] } },
    ],
    [
      'every VPC covered by ours: present',
      [vpc('vpc-1'), vpc('vpc-2')],
      [ours('fl-1', 'vpc-1'), foreign('fl-x', 'vpc-2')],
      { state: 'present', details: { covered: ['vpc-1', 'vpc-2'], missing: [], drifted: [], orphaned: [], skipped: [], excluded: [] } },
    ],
    [
      'covered, missing, drifted, orphaned and skipped: drifted, with each listed',
      [vpc('vpc-1'), vpc('vpc-2'), vpc('vpc-3'), vpc('vpc-4', 'excluded'), vpc('vpc-5', 'shared')],
      [ours('fl-1', 'vpc-1'), ours('fl-2', 'vpc-2', { maxAggregationInterval: 60 }), ours('fl-9', 'vpc-gone')],
      {
        state: 'drifted',
        details: {
          covered: ['vpc-1'],
          missing: ['vpc-3'],
          drifted: [{ flowLogId: 'fl-2', vpcId: 'vpc-2', differences: [{ setting: 'maxAggregationInterval', current: 60, desired: 600 }] }],
          orphaned: ['fl-9'],
          skipped: [
            { vpcId: 'vpc-4', reason: 'excluded' },
            { vpcId: 'vpc-5', reason: 'shared' },
          ],
          excluded: ['vpc-4'],
        },
      },
    ],
    [
      'ours on an excluded VPC only: drifted, the flow log to delete',
      [vpc('vpc-1', 'excluded')],
      [ours('fl-1', 'vpc-1')],
      {
        state: 'drifted',
        details: { covered: [], missing: [], drifted: [], orphaned: ['fl-1'], skipped: [{ vpcId: 'vpc-1', reason: 'excluded' }], excluded: ['vpc-1'] },
      },
    ],
  ])('%s', (_name, vpcs, flowLogs, expected) => {
    expect(statusOf(vpcs, flowLogs)).toEqual(expected);
  });

  it.each<[string, FlowLogInfo[], ComponentStatus['state']]>([
    ['ours left: present (audit: unexpected)', [ours('fl-1', 'vpc-1')], 'present'],
    ['none of ours: absent', [foreign('fl-x', 'vpc-1')], 'absent'],
  ])('turned off, %s', (_name, flowLogs, state) => {
    expect(statusOf([vpc('vpc-1')], flowLogs, false).state).toBe(state);
  });
});
