import type { ModuleDocs } from '../types';

/** The console text and README rows of the flow-log parameters (not in the Lambda bundles). */
export const flowLogDocs: ModuleDocs = {
  EnableFlowLogs: {
    description:
      'Flow logs for every VPC of the region (VPCs tagged siem-pipeline:exclude=true are skipped). Cost: CloudWatch Logs vended-log ingestion, $0.50 per GB for the first 10 TB, plus the stream and SIEM volume.',
    label: 'Send VPC Flow Logs of every VPC',
    group: 'VPC Flow Logs',
    config: 'flowLogs.enabled',
    doc: {
      default: '`true`',
      allowed: '`true`, `false`',
      meaning: 'Flow logs for every VPC of the region (and the VPC enroller).',
    },
  },
  FlowLogTrafficType: {
    description: 'Which traffic the flow logs record.',
    label: 'Traffic to log',
    group: 'VPC Flow Logs',
    config: 'flowLogs.trafficType',
    doc: {
      default: '`ALL`',
      allowed: '`ALL`, `ACCEPT`, `REJECT`',
      meaning: 'Traffic the flow logs record. Changing it re-creates the flow logs (AWS cannot modify one).',
    },
  },
  FlowLogAggregationInterval: {
    description: 'Maximum aggregation interval of flow log records, in seconds.',
    label: 'Aggregation interval (seconds)',
    group: 'VPC Flow Logs',
    config: 'flowLogs.maxAggregationInterval',
    doc: {
      default: '`600`',
      allowed: '`60`, `600`',
      meaning: 'Maximum aggregation interval in seconds.',
    },
  },
  FlowLogFormat: {
    description: 'Custom flow log record format; empty for the AWS default (version 2) format.',
    label: 'Custom flow log format (empty = AWS default)',
    group: 'VPC Flow Logs',
    config: 'flowLogs.logFormat',
    allowedPattern: '^(\\$\\{[a-z0-9-]+\\}( \\$\\{[a-z0-9-]+\\})*)?$',
    constraint: 'space-separated ${field} names, or empty.',
    doc: {
      default: 'empty (AWS default v2)',
      allowed: 'space-separated `${field}` names',
      meaning: 'Custom record format.',
    },
  },
  FlowLogDropNoData: {
    description: 'Drop NODATA and SKIPDATA flow records before they reach the stream (saves SIEM ingestion).',
    label: 'Drop NODATA and SKIPDATA records',
    group: 'VPC Flow Logs',
    config: 'flowLogs.dropNoData',
    doc: {
      default: '`true`',
      allowed: '`true`, `false`',
      meaning: 'The subscription filter keeps only `log-status` OK records, dropping NODATA and SKIPDATA.',
    },
  },
  VpcSweepSchedule: {
    description: 'How often the enroller looks for VPCs without flow logs (CreateVpc events enroll sooner).',
    label: 'How often new VPCs are enrolled (besides CreateVpc events)',
    group: 'VPC Flow Logs',
    config: "(template: the enroller's schedule)",
    doc: {
      default: '`rate(6 hours)`',
      allowed: '`rate(1 hour)`, `rate(6 hours)`, `rate(12 hours)`, `rate(1 day)`',
      meaning: 'How often the enroller sweeps for VPCs without flow logs.',
    },
  },
};
