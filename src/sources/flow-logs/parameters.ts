import type { PipelineConfig } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

export type FlowLogTrafficType = 'ALL' | 'ACCEPT' | 'REJECT';

declare module '../../config/pipeline-config' {
  /** This module's slice of the config (see PipelineConfig). */
  interface PipelineConfig {
    flowLogs: {
      enabled: boolean;
      trafficType: FlowLogTrafficType;
      maxAggregationInterval: 60 | 600;
      /** Custom log format; undefined means the AWS default (v2) format. */
      logFormat?: string;
      dropNoData: boolean;
    };
  }
}

/** The enroller creates flow logs too, so it reads the same settings (its environment, checked by the parity test). */
const BOTH: ParameterSpec['targets'] = ['pipeline', 'enroller'];
const FORMAT = /^(\$\{[a-z0-9-]+\}( \$\{[a-z0-9-]+\})*)?$/;

const EnableFlowLogs: ParameterSpec = {
  name: 'EnableFlowLogs',
  rule: { kind: 'bool' },
  default: 'true',
  targets: BOTH,
};

const FlowLogTrafficTypeSpec: ParameterSpec = {
  name: 'FlowLogTrafficType',
  rule: { kind: 'choice', values: ['ALL', 'ACCEPT', 'REJECT'] },
  default: 'ALL',
  targets: BOTH,
};

const FlowLogAggregationInterval: ParameterSpec = {
  name: 'FlowLogAggregationInterval',
  rule: { kind: 'intChoice', values: [60, 600] },
  default: '600',
  targets: BOTH,
};

const FlowLogFormat: ParameterSpec = {
  name: 'FlowLogFormat',
  rule: {
    kind: 'pattern',
    pattern: FORMAT,
    rule: 'space-separated ${field} names, or empty for the AWS default format',
  },
  default: '',
  targets: BOTH,
};

const FlowLogDropNoData: ParameterSpec = {
  name: 'FlowLogDropNoData',
  rule: { kind: 'bool' },
  default: 'true',
  targets: BOTH,
};

const VpcSweepSchedule: ParameterSpec = {
  name: 'VpcSweepSchedule',
  rule: { kind: 'choice', values: ['rate(1 hour)', 'rate(6 hours)', 'rate(12 hours)', 'rate(1 day)'] },
  default: 'rate(6 hours)',
  targets: [],
};

/** VPC flow logs' parameters; the VPC enroller reads the flow-log ones from its environment. */
export const flowLogParameters: ModuleParameters = {
  id: 'flow-logs',
  parameters: [EnableFlowLogs, FlowLogTrafficTypeSpec, FlowLogAggregationInterval, FlowLogFormat, FlowLogDropNoData, VpcSweepSchedule],
  parse: (read: ParameterReader): Pick<PipelineConfig, 'flowLogs'> => {
    const logFormat = read.string(FlowLogFormat);
    return {
      flowLogs: {
        enabled: read.bool(EnableFlowLogs),
        trafficType: read.choice<FlowLogTrafficType>(FlowLogTrafficTypeSpec),
        maxAggregationInterval: read.intChoice(FlowLogAggregationInterval) as 60 | 600,
        ...(logFormat ? { logFormat } : {}),
        dropNoData: read.bool(FlowLogDropNoData),
      },
    };
  },
  // Flow logs deliver to their group with the flow-logs role; the group is subscribed with the logs role.
  logGroups: (_config, names) => ({ own: [names.flowLogGroup], reused: [] }),
  needs: (config) => (config.flowLogs.enabled ? ['flowlogs-role', 'logs-role'] : []),
};
