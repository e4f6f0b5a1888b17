import type { ModuleDocs } from '../types';

/** The console text and README rows of the stack's own settings (not in the Lambda bundles). */
export const operationsDocs: ModuleDocs = {
  LogRetentionDays: {
    description: "Retention of the pipeline's CloudWatch Logs groups (the data lives on in Kinesis).",
    label: 'Pipeline log group retention (days)',
    group: 'Operations',
    config: 'logRetentionDays',
    consoleValues: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365],
    doc: {
      default: '`1`',
      allowed: 'CloudWatch Logs values 1–365',
      meaning: "Retention of the pipeline's log groups (the data lives on in Kinesis).",
    },
  },
  FunctionLogRetentionDays: {
    description: "Retention of the provisioner function's own logs.",
    label: 'Function log retention (days)',
    group: 'Operations',
    config: "(template: the functions' log groups)",
    doc: {
      default: '`30`',
      allowed: '1–365 (CloudWatch values)',
      meaning: "Retention of the functions' own log groups.",
    },
  },
};
