import {
  DEFAULT_FLOW_LOG_FORMAT,
  desiredFlowLog,
  flowLogDifferences,
  type DesiredFlowLog,
  type FlowLogInfo,
} from '../../../../src/sources/flow-logs/flow-log-plan';
import { testConfig } from '../../helpers/context';
import { ours, want } from './flow-logs-fixtures';

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
    expect(flowLogDifferences(ours('fl-1', 'vpc-a', over), desired).map((d) => d.field)).toEqual(settings);
  });

  it('reports each as a field change of the contract, from -> to', () => {
    expect(flowLogDifferences(ours('fl-1', 'vpc-a', { trafficType: 'REJECT' }), want())).toEqual([{ field: 'trafficType', from: 'REJECT', to: 'ALL' }]);
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
