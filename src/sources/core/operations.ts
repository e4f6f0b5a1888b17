import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

/** CloudWatch Logs' allowed retention values, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const GROUP = 'Operations';

const LogRetentionDays: ParameterSpec = {
  name: 'LogRetentionDays',
  // The console offers the values up to a year; the provisioner (and the CLI) accept every CloudWatch Logs value.
  rule: { kind: 'intChoice', values: LOG_RETENTION_DAYS, consoleValues: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365] },
  default: '1',
  description: "Retention of the pipeline's CloudWatch Logs groups (the data lives on in Kinesis).",
  label: 'Pipeline log group retention (days)',
  group: GROUP,
  config: 'logRetentionDays',
  targets: ['pipeline'],
  doc: { default: '`1`', allowed: 'CloudWatch Logs values 1–365', meaning: "Retention of the pipeline's log groups (the data lives on in Kinesis)." },
};

const FunctionLogRetentionDays: ParameterSpec = {
  name: 'FunctionLogRetentionDays',
  rule: { kind: 'intChoice', values: [1, 3, 5, 7, 14, 30, 60, 90, 180, 365] },
  default: '30',
  description: "Retention of the provisioner function's own logs.",
  label: 'Function log retention (days)',
  group: GROUP,
  config: '(template: the functions\' log groups)',
  targets: [],
  doc: { default: '`30`', allowed: '1–365 (CloudWatch values)', meaning: "Retention of the functions' own log groups." },
};

/** Settings of the stack's own operation; listed last, as in the console. */
export const operationsParameters: ModuleParameters = {
  id: 'operations',
  parameters: [LogRetentionDays, FunctionLogRetentionDays],
  parse: (read: ParameterReader) => ({ logRetentionDays: read.intChoice(LogRetentionDays) }),
  needs: () => [],
};
