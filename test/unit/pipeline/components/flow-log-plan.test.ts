import {
  DEFAULT_FLOW_LOG_FORMAT,
  desiredFlowLog,
  flowLogDifferences,
  isEmptyPlan,
  planFlowLogs,
  type DesiredFlowLog,
  type FlowLogInfo,
  type FlowLogPlan,
  type VpcInfo,
} from '../../../../src/components/flow-logs/flow-log-plan';
import { testConfig } from '../../helpers/context';

const want = (over: Partial<DesiredFlowLog> = {}): DesiredFlowLog => ({ trafficType: 'ALL', maxAggregationInterval: 600, ...over });
const vpc = (vpcId: string, skip?: VpcInfo['skip']): VpcInfo => (skip ? { vpcId, skip } : { vpcId });
/** One of our flow logs as DescribeFlowLogs reports one made with the default settings. */
const ours = (flowLogId: string, vpcId: string, over: Partial<FlowLogInfo> = {}): FlowLogInfo => ({
  flowLogId,
  vpcId,
  trafficType: 'ALL',
  maxAggregationInterval: 600,
  logFormat: DEFAULT_FLOW_LOG_FORMAT,
  owned: true,
  ...over,
});
const foreign = (flowLogId: string, vpcId: string, over: Partial<FlowLogInfo> = {}): FlowLogInfo => ours(flowLogId, vpcId, { owned: false, ...over });
const plan = (over: Partial<FlowLogPlan> = {}): FlowLogPlan => ({ create: [], recreate: [], delete: [], ...over });

describe('planFlowLogs', () => {
  it.each<[string, VpcInfo[], FlowLogInfo[], DesiredFlowLog, FlowLogPlan]>([
    ['nothing to do without VPCs or flow logs', [], [], want(), plan()],
    ['creates for every VPC without one, in VPC order', [vpc('vpc-b'), vpc('vpc-a')], [], want(), plan({ create: ['vpc-b', 'vpc-a'] })],
    ['leaves a VPC whose flow log matches', [vpc('vpc-a'), vpc('vpc-b')], [ours('fl-1', 'vpc-a')], want(), plan({ create: ['vpc-b'] })],
    ['skips excluded and shared VPCs', [vpc('vpc-a', 'excluded'), vpc('vpc-b', 'shared'), vpc('vpc-c')], [], want(), plan({ create: ['vpc-c'] })],
    ['deletes ours on an excluded VPC', [vpc('vpc-a', 'excluded')], [ours('fl-1', 'vpc-a')], want(), plan({ delete: ['fl-1'] })],
    ['deletes ours on a shared VPC', [vpc('vpc-a', 'shared')], [ours('fl-1', 'vpc-a')], want(), plan({ delete: ['fl-1'] })],
    ['deletes ours on a VPC that is gone', [vpc('vpc-a')], [ours('fl-1', 'vpc-a'), ours('fl-2', 'vpc-gone')], want(), plan({ delete: ['fl-2'] })],
    [
      're-creates ours when the traffic type changed',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a', { trafficType: 'REJECT' })],
      want(),
      plan({ recreate: [{ flowLogId: 'fl-1', vpcId: 'vpc-a' }] }),
    ],
    [
      're-creates ours when the aggregation interval changed',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a')],
      want({ maxAggregationInterval: 60 }),
      plan({ recreate: [{ flowLogId: 'fl-1', vpcId: 'vpc-a' }] }),
    ],
    [
      're-creates ours when a custom format is asked for',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a')],
      want({ logFormat: '${srcaddr} ${dstaddr} ${action}' }),
      plan({ recreate: [{ flowLogId: 'fl-1', vpcId: 'vpc-a' }] }),
    ],
    [
      're-creates ours when the custom format is dropped again',
      [vpc('vpc-a')],
      [ours('fl-1', 'vpc-a', { logFormat: '${srcaddr} ${dstaddr} ${action}' })],
      want(),
      plan({ recreate: [{ flowLogId: 'fl-1', vpcId: 'vpc-a' }] }),
    ],
    [
      'keeps the first matching one of several of ours and deletes the rest',
      [vpc('vpc-a')],
      [ours('fl-3', 'vpc-a', { trafficType: 'ACCEPT' }), ours('fl-2', 'vpc-a'), ours('fl-1', 'vpc-a')],
      want(),
      plan({ delete: ['fl-2', 'fl-3'] }),
    ],
    [
      're-creates one and deletes the others when none of several matches',
      [vpc('vpc-a')],
      [ours('fl-2', 'vpc-a', { trafficType: 'ACCEPT' }), ours('fl-1', 'vpc-a', { trafficType: 'REJECT' })],
      want(),
      plan({ recreate: [{ flowLogId: 'fl-1', vpcId: 'vpc-a' }], delete: ['fl-2'] }),
    ],
    [
      'never touches a flow log in our group that is not ours, and counts a matching one as coverage',
      [vpc('vpc-a')],
      [foreign('fl-x', 'vpc-a')],
      want(),
      plan(),
    ],
    [
      'creates ours beside a foreign one with other settings, and never re-creates the foreign one',
      [vpc('vpc-a')],
      [foreign('fl-x', 'vpc-a', { trafficType: 'REJECT' })],
      want(),
      plan({ create: ['vpc-a'] }),
    ],
    [
      'never deletes a foreign one on an excluded or vanished VPC',
      [vpc('vpc-a', 'excluded')],
      [foreign('fl-x', 'vpc-a'), foreign('fl-y', 'vpc-gone')],
      want(),
      plan(),
    ],
  ])('%s', (_name, vpcs, existing, desired, expected) => {
    expect(planFlowLogs(vpcs, existing, desired)).toEqual(expected);
  });

  it('does not depend on the order DescribeFlowLogs returned', () => {
    const vpcs = [vpc('vpc-a')];
    const logs = [ours('fl-1', 'vpc-a', { trafficType: 'ACCEPT' }), ours('fl-2', 'vpc-a', { trafficType: 'REJECT' })];
    expect(planFlowLogs(vpcs, logs, want())).toEqual(planFlowLogs(vpcs, [...logs].reverse(), want()));
  });
});

describe('flowLogDifferences', () => {
  it.each<[string, Partial<FlowLogInfo>, DesiredFlowLog, string[]]>([
    ['none for the AWS defaults reported in full', {}, want(), []],
    ['none when AWS reports no format or interval (defaults)', { logFormat: undefined, maxAggregationInterval: undefined }, want(), []],
    ['none when the custom format differs only in spacing', { logFormat: ' ${srcaddr}  ${dstaddr} ' }, want({ logFormat: '${srcaddr} ${dstaddr}' }), []],
    ['none when the config spells out the default format', {}, want({ logFormat: DEFAULT_FLOW_LOG_FORMAT }), []],
    ['traffic type', { trafficType: 'ACCEPT' }, want(), ['trafficType']],
    ['interval, AWS default 600 against 60', { maxAggregationInterval: undefined }, want({ maxAggregationInterval: 60 }), ['maxAggregationInterval']],
    [
      'every setting at once',
      { trafficType: 'REJECT', maxAggregationInterval: 60, logFormat: '${srcaddr}' },
      want(),
      ['trafficType', 'maxAggregationInterval', 'logFormat'],
    ],
  ])('%s', (_name, over, desired, settings) => {
    expect(flowLogDifferences(ours('fl-1', 'vpc-a', over), desired).map((d) => d.setting)).toEqual(settings);
  });

  it('reports current and desired values', () => {
    expect(flowLogDifferences(ours('fl-1', 'vpc-a', { trafficType: 'REJECT' }), want())).toEqual([
      { setting: 'trafficType', current: 'REJECT', desired: 'ALL' },
    ]);
  });
});

describe('desiredFlowLog', () => {
  it.each<[Record<string, string>, DesiredFlowLog]>([
    [{}, { trafficType: 'ALL', maxAggregationInterval: 600 }],
    [
      { FlowLogTrafficType: 'REJECT', FlowLogAggregationInterval: '60' },
      { trafficType: 'REJECT', maxAggregationInterval: 60 },
    ],
    [{ FlowLogFormat: '${srcaddr} ${dstaddr}' }, { trafficType: 'ALL', maxAggregationInterval: 600, logFormat: '${srcaddr} ${dstaddr}' }],
  ])('from properties %j', (props, expected) => {
    expect(desiredFlowLog(testConfig(props))).toEqual(expected);
  });
});

describe('isEmptyPlan', () => {
  it.each<[FlowLogPlan, boolean]>([
    [plan(), true],
    [plan({ create: ['vpc-a'] }), false],
    [plan({ recreate: [{ flowLogId: 'fl-1', vpcId: 'vpc-a' }] }), false],
    [plan({ delete: ['fl-1'] }), false],
  ])('%j -> %s', (p, empty) => {
    expect(isEmptyPlan(p)).toBe(empty);
  });
});
