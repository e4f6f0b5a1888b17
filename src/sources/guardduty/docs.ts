import type { ModuleDocs } from '../types';

/** The console text and README rows of GuardDuty's parameters (not in the Lambda bundles). */
export const guardDutyDocs: ModuleDocs = {
  EnableGuardDuty: {
    description:
      'Route GuardDuty findings to the stream. Cost: a detector (created with CreateGuardDutyDetector) is billed by analysed volume, about $4.00 per million CloudTrail management events and $1.00 per GB of VPC flow and DNS logs, after a 30-day free trial per account and region; the EventBridge rule is free.',
    label: 'Send GuardDuty findings',
    group: 'GuardDuty and other EventBridge sources',
    config: 'guardDuty.enabled',
    doc: {
      default: '`true`',
      allowed: '`true`, `false`',
      meaning: 'GuardDuty findings into the stream.',
    },
  },
  CreateGuardDutyDetector: {
    description: 'Create a detector when the region has none (an existing detector is always adopted, never deleted).',
    label: 'Create a detector when none exists',
    group: 'GuardDuty and other EventBridge sources',
    config: 'guardDuty.createDetector',
    doc: {
      default: '`true`',
      allowed: '`true`, `false`',
      meaning:
        'Create a detector when the region has none. An existing detector is adopted: only its finding frequency is set (recorded on it first, restored on Delete).',
    },
  },
  GuardDutyFindingFrequency: {
    description: 'How often GuardDuty publishes updates of existing findings.',
    label: 'Finding publishing frequency',
    group: 'GuardDuty and other EventBridge sources',
    config: 'guardDuty.findingFrequency',
    doc: {
      default: '`FIFTEEN_MINUTES`',
      allowed: '`FIFTEEN_MINUTES`, `ONE_HOUR`, `SIX_HOURS`',
      meaning: 'How often updates of existing findings are published.',
    },
  },
  GuardDutyOnDelete: {
    description: 'Whether deleting the stack deletes a detector the stack created (findings history is lost).',
    label: 'Detector on stack deletion (only one this stack created)',
    group: 'GuardDuty and other EventBridge sources',
    config: 'guardDuty.onDelete',
    doc: {
      default: '`Retain`',
      allowed: '`Retain`, `Delete`',
      meaning: 'Whether deleting the stack deletes a detector the stack created (never one it adopted).',
    },
  },
};
