import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

/** CloudWatch Logs' allowed retention values, in days. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

const LogRetentionDays: ParameterSpec = {
  name: 'LogRetentionDays',
  // The provisioner (and the CLI) accept every CloudWatch Logs value; the console offers a year at most (docs).
  rule: { kind: 'intChoice', values: LOG_RETENTION_DAYS },
  default: '1',
  targets: ['pipeline'],
};

const FunctionLogRetentionDays: ParameterSpec = {
  name: 'FunctionLogRetentionDays',
  rule: { kind: 'intChoice', values: [1, 3, 5, 7, 14, 30, 60, 90, 180, 365] },
  default: '30',
  targets: [],
};

/** Settings of the stack's own operation; listed last, as in the console. */
export const operationsParameters: ModuleParameters = {
  id: 'operations',
  parameters: [LogRetentionDays, FunctionLogRetentionDays],
  parse: (read: ParameterReader) => ({ logRetentionDays: read.intChoice(LogRetentionDays) }),
  needs: () => [],
};
