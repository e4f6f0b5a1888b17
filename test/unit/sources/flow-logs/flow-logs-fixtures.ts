import type { Change } from '../../../../src/components/component';
import {
  DEFAULT_FLOW_LOG_FORMAT,
  type DesiredFlowLog,
  type FlowLogInfo,
  type FlowLogStep,
  type VpcInfo,
} from '../../../../src/sources/flow-logs/flow-log-plan';

/** The default settings, with `over` changed. */
export const want = (over: Partial<DesiredFlowLog> = {}): DesiredFlowLog => ({ trafficType: 'ALL', maxAggregationInterval: 600, ...over });
export const vpc = (vpcId: string, skip?: VpcInfo['skip']): VpcInfo => (skip ? { vpcId, skip } : { vpcId });
/** One of our flow logs as DescribeFlowLogs reports one made with the default settings. */
export const ours = (flowLogId: string, vpcId: string, over: Partial<FlowLogInfo> = {}): FlowLogInfo => ({
  flowLogId,
  vpcId,
  trafficType: 'ALL',
  maxAggregationInterval: 600,
  logFormat: DEFAULT_FLOW_LOG_FORMAT,
  owned: true,
  ...over,
});
/** A flow log in our log group that another stack (or someone by hand) made. */
export const foreign = (flowLogId: string, vpcId: string, over: Partial<FlowLogInfo> = {}): FlowLogInfo => ours(flowLogId, vpcId, { owned: false, ...over });

/** A change in one line: `kind why targets [flow log ids]`, e.g. `delete gone vpc-x [fl-2]`. */
export const line = (c: Change<FlowLogStep>): string =>
  [c.kind, c.action?.why, (c.targets ?? []).join(','), ...(c.action?.flowLogIds ? [`[${c.action.flowLogIds.join(',')}]`] : [])].join(' ');
