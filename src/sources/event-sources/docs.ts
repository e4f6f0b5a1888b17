import type { ModuleDocs } from '../types';

/** The console text and README rows of the extra EventBridge sources' parameter (not in the Lambda bundles). */
export const eventSourceDocs: ModuleDocs = {
  ExtraEventSources: {
    description: 'Other EventBridge sources routed to the stream, e.g. aws.securityhub,aws.access-analyzer,aws.health,aws.inspector2.',
    label: 'Other EventBridge sources (comma-separated)',
    group: 'GuardDuty and other EventBridge sources',
    config: 'eventSources',
    allowedPattern: '^(aws\\.[a-z0-9-]+(\\.[a-z0-9-]+)*(,\\s*aws\\.[a-z0-9-]+(\\.[a-z0-9-]+)*)*)?$',
    constraint: 'comma-separated EventBridge sources such as aws.securityhub,aws.health (no leading or trailing comma), or empty.',
    doc: {
      default: 'empty',
      allowed: 'comma-separated `aws.*` sources, no leading or trailing comma',
      meaning: 'Other EventBridge sources, one rule each, e.g. `aws.securityhub,aws.access-analyzer,aws.health,aws.inspector2`.',
    },
  },
};
