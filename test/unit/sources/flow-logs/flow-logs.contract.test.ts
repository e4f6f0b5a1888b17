import { diffFlowLogs, type DesiredFlowLog, type FlowLogInfo, type VpcInfo } from '../../../../src/sources/flow-logs/flow-log-plan';
import { foreign, line, ours, vpc, want } from './flow-logs-fixtures';

const diff = (vpcs: VpcInfo[], flowLogs: FlowLogInfo[], settings = want(), enabled = true) =>
  diffFlowLogs({ read: true, vpcs, flowLogs }, { enabled, settings });

describe('flow-logs diff (pure): every eligible VPC gets exactly one flow log of ours, each change names its VPCs', () => {
  it.each<[string, VpcInfo[], FlowLogInfo[], DesiredFlowLog, string[]]>([
    ['nothing to do without VPCs or flow logs', [], [], want(), []],
    ['creates for every VPC without one, in VPC order', [vpc('vpc-b'), vpc('vpc-a')], [], want(), ['create new vpc-b,vpc-a']],
    ['leaves a VPC whose flow log matches', [vpc('vpc-a'), vpc('vpc-b')], [ours('fl-1', 'vpc-a')], want(), ['create new vpc-b', 'none covered vpc-a [fl-1]']],
    [
      'skips excluded and shared VPCs',
      [vpc('vpc-a', 'excluded'), vpc('vpc-b', 'shared'), vpc('vpc-c')],
      [],
      want(),
      ['create new vpc-c', 'none excluded vpc-a', 'none shared vpc-b'],
    ],
    ['deletes ours on an excluded VPC', [vpc('vpc-a', 'excluded')], [ours('fl-1', 'vpc-a')], want(), ['delete excluded vpc-a [fl-1]', 'none excluded vpc-a']],
    ['deletes ours on a shared VPC', [vpc('vpc-a', 'shared')], [ours('fl-1', 'vpc-a')], want(), ['delete shared vpc-a [fl-1]', 'none shared vpc-a']],
    [
      'deletes ours on a VPC that is gone',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a'), ours('fl-2', 'vpc-gone')],
      want(),
      ['delete gone vpc-gone [fl-2]', 'none covered vpc-a [fl-1]'],
    ],
    [
      're-creates ours when the traffic type changed',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a', { trafficType: 'REJECT' })],
      want(),
      ['update settings vpc-a [fl-1]'],
    ],
    [
      're-creates ours when the aggregation interval changed',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a')],
      want({ maxAggregationInterval: 60 }),
      ['update settings vpc-a [fl-1]'],
    ],
    [
      're-creates ours when a custom format is asked for',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a')],
      want({ logFormat: '${srcaddr} ${dstaddr} ${action}' }),
      ['update settings vpc-a [fl-1]'],
    ],
    [
      're-creates ours when the custom format is dropped again',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a', { logFormat: '${srcaddr} ${dstaddr} ${action}' })],
      want(),
      ['update settings vpc-a [fl-1]'],
    ],
    [
      'keeps the first matching one of several of ours and deletes the rest',
      [vpc('vpc-a')],
      [ours('fl-3', 'vpc-a', { trafficType: 'ACCEPT' }), ours('fl-2', 'vpc-a'), ours('fl-1', 'vpc-a')],
      want(),
      ['delete duplicate vpc-a [fl-2,fl-3]', 'none covered vpc-a [fl-1]'],
    ],
    [
      're-creates one and deletes the others when none of several matches',
      [vpc('vpc-a')],
      [ours('fl-2', 'vpc-a', { trafficType: 'ACCEPT' }), ours('fl-1', 'vpc-a', { trafficType: 'REJECT' })],
      want(),
      ['update settings vpc-a [fl-1]', 'delete duplicate vpc-a [fl-2]'],
    ],
    [
      'never touches a flow log in our group that is not ours, and counts a matching one as coverage',
      [vpc('vpc-a')],
      [foreign('fl-x', 'vpc-a')],
      want(),
      ['none covered vpc-a []', 'none theirs vpc-a [fl-x]'],
    ],
    [
      'creates ours beside a foreign one with other settings, and never re-creates the foreign one',
      [vpc('vpc-a')],
      [foreign('fl-x', 'vpc-a', { trafficType: 'REJECT' })],
      want(),
      ['create new vpc-a', 'none theirs vpc-a [fl-x]'],
    ],
    [
      'never deletes a foreign one on an excluded or vanished VPC',
      [vpc('vpc-a', 'excluded')],
      [foreign('fl-x', 'vpc-a'), foreign('fl-y', 'vpc-gone')],
      want(),
      ['none excluded vpc-a', 'none theirs vpc-a,vpc-gone [fl-x,fl-y]'],
    ],
    [
      'deletes per VPC, in VPC order (vanished VPCs last), each saying why',
      [vpc('vpc-a'), vpc('vpc-b', 'shared'), vpc('vpc-c', 'excluded')],
      [ours('fl-1', 'vpc-a'), ours('fl-2', 'vpc-a'), ours('fl-3', 'vpc-b'), ours('fl-4', 'vpc-c'), ours('fl-5', 'vpc-gone')],
      want(),
      [
        'delete duplicate vpc-a [fl-2]',
        'delete shared vpc-b [fl-3]',
        'delete excluded vpc-c [fl-4]',
        'delete gone vpc-gone [fl-5]',
        'none covered vpc-a [fl-1]',
        'none excluded vpc-c',
        'none shared vpc-b',
      ],
    ],
  ])('%s', (_name, vpcs, existing, desired, expected) => {
    expect(diff(vpcs, existing, desired).map(line)).toEqual(expected);
  });

  it('does not depend on the order DescribeFlowLogs returned', () => {
    const vpcs = [vpc('vpc-a')];
    const logs = [ours('fl-1', 'vpc-a', { trafficType: 'ACCEPT' }), ours('fl-2', 'vpc-a', { trafficType: 'REJECT' })];
    expect(diff(vpcs, logs)).toEqual(diff(vpcs, [...logs].reverse()));
  });

  it('an update says what differs, from -> to, and which flow log of which VPC is re-created', () => {
    expect(diff([vpc('vpc-a')], [ours('fl-1', 'vpc-a', { trafficType: 'REJECT', maxAggregationInterval: 60 })])).toEqual([
      {
        kind: 'update',
        resource: 'VPC flow logs',
        description: 're-create fl-1',
        fields: [
          { field: 'trafficType', from: 'REJECT', to: 'ALL' },
          { field: 'maxAggregationInterval', from: 60, to: 600 },
        ],
        targets: ['vpc-a'],
        action: { why: 'settings', flowLogIds: ['fl-1'] },
      },
    ]);
  });

  it.each<[string, FlowLogInfo[], string[]]>([
    ['none of ours: nothing to do', [foreign('fl-x', 'vpc-a')], []],
    [
      'ours anywhere: one delete of all of them, naming their VPCs',
      [ours('fl-1', 'vpc-a'), ours('fl-2', 'vpc-gone'), foreign('fl-x', 'vpc-a')],
      ['delete unwanted vpc-a,vpc-gone [fl-1,fl-2]'],
    ],
  ])('turned off (EnableFlowLogs=false), %s', (_name, existing, expected) => {
    expect(diff([vpc('vpc-a')], existing, want(), false).map(line)).toEqual(expected);
  });

  it('what stays: VPCs covered under the flow logs themselves; excluded, shared and theirs as other resources, left alone', () => {
    const vpcs = [vpc('vpc-a'), vpc('vpc-b', 'excluded'), vpc('vpc-c', 'shared'), vpc('vpc-d')];
    expect(diff(vpcs, [ours('fl-1', 'vpc-a'), foreign('fl-x', 'vpc-d', { trafficType: 'REJECT' })]).map((c) => [c.kind, c.resource, c.description])).toEqual([
      ['create', 'VPC flow logs', 'create'],
      ['none', 'VPC flow logs', 'covered'],
      ['none', 'VPCs excluded by tag', 'left alone'],
      ['none', 'VPCs shared from another account', 'left alone'],
      ['none', 'flow logs in our log group not made by this stack', 'left alone'],
    ]);
  });

  it('unread (ensure records the settings first, then reads in its sweep): one sweep', () => {
    expect(diffFlowLogs({ read: false }, { enabled: true, settings: want() }).map((c) => [c.kind, c.action?.why])).toEqual([['update', 'sweep']]);
  });
});
