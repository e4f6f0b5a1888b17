import type { FlowLogTrafficType, PipelineConfig } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

const GROUP = 'VPC Flow Logs';
/** The enroller creates flow logs too, so it reads the same settings (its environment, checked by the parity test). */
const BOTH: ParameterSpec['targets'] = ['pipeline', 'enroller'];
const FORMAT = /^(\$\{[a-z0-9-]+\}( \$\{[a-z0-9-]+\})*)?$/;

const EnableFlowLogs: ParameterSpec = {
  name: 'EnableFlowLogs',
  rule: { kind: 'bool' },
  default: 'true',
  description:
    'Flow logs for every VPC of the region (VPCs tagged siem-pipeline:exclude=true are skipped). Cost: CloudWatch Logs vended-log ingestion, $0.50 per GB for the first 10 TB, plus the stream and SIEM volume.',
  label: 'Send VPC Flow Logs of every VPC',
  group: GROUP,
  config: 'flowLogs.enabled',
  targets: BOTH,
  doc: { default: '`true`', allowed: '`true`, `false`', meaning: 'Flow logs for every VPC of the region (and the VPC enroller).' },
};

const FlowLogTrafficTypeSpec: ParameterSpec = {
  name: 'FlowLogTrafficType',
  rule: { kind: 'choice', values: ['ALL', 'ACCEPT', 'REJECT'] },
  default: 'ALL',
  description: 'Which traffic the flow logs record.',
  label: 'Traffic to log',
  group: GROUP,
  config: 'flowLogs.trafficType',
  targets: BOTH,
  doc: { default: '`ALL`', allowed: '`ALL`, `ACCEPT`, `REJECT`', meaning: 'Traffic the flow logs record. Changing it re-creates the flow logs (AWS cannot modify one).' },
};

const FlowLogAggregationInterval: ParameterSpec = {
  name: 'FlowLogAggregationInterval',
  rule: { kind: 'intChoice', values: [60, 600] },
  default: '600',
  description: 'Maximum aggregation interval of flow log records, in seconds.',
  label: 'Aggregation interval (seconds)',
  group: GROUP,
  config: 'flowLogs.maxAggregationInterval',
  targets: BOTH,
  doc: { default: '`600`', allowed: '`60`, `600`', meaning: 'Maximum aggregation interval in seconds.' },
};

const FlowLogFormat: ParameterSpec = {
  name: 'FlowLogFormat',
  rule: {
    kind: 'pattern',
    pattern: FORMAT,
    rule: 'space-separated ${field} names, or empty for the AWS default format',
    allowedPattern: FORMAT.source,
    constraint: 'space-separated ${field} names, or empty.',
  },
  default: '',
  description: 'Custom flow log record format; empty for the AWS default (version 2) format.',
  label: 'Custom flow log format (empty = AWS default)',
  group: GROUP,
  config: 'flowLogs.logFormat',
  targets: BOTH,
  doc: { default: 'empty (AWS default v2)', allowed: 'space-separated `${field}` names', meaning: 'Custom record format.' },
};

const FlowLogDropNoData: ParameterSpec = {
  name: 'FlowLogDropNoData',
  rule: { kind: 'bool' },
  default: 'true',
  description: 'Drop NODATA and SKIPDATA flow records before they reach the stream (saves SIEM ingestion).',
  label: 'Drop NODATA and SKIPDATA records',
  group: GROUP,
  config: 'flowLogs.dropNoData',
  targets: BOTH,
  doc: { default: '`true`', allowed: '`true`, `false`', meaning: 'The subscription filter keeps only `log-status` OK records, dropping NODATA and SKIPDATA.' },
};

const VpcSweepSchedule: ParameterSpec = {
  name: 'VpcSweepSchedule',
  rule: { kind: 'choice', values: ['rate(1 hour)', 'rate(6 hours)', 'rate(12 hours)', 'rate(1 day)'] },
  default: 'rate(6 hours)',
  description: 'How often the enroller looks for VPCs without flow logs (CreateVpc events enroll sooner).',
  label: 'How often new VPCs are enrolled (besides CreateVpc events)',
  group: GROUP,
  config: "(template: the enroller's schedule)",
  targets: [],
  doc: { default: '`rate(6 hours)`', allowed: '`rate(1 hour)`, `rate(6 hours)`, `rate(12 hours)`, `rate(1 day)`', meaning: 'How often the enroller sweeps for VPCs without flow logs.' },
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
