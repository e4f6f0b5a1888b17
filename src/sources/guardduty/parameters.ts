import type { FindingFrequency, PipelineConfig } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

/** The console group GuardDuty shares with the extra EventBridge sources. */
export const EVENTS_GROUP = 'GuardDuty and other EventBridge sources';
const PIPELINE: ParameterSpec['targets'] = ['pipeline'];

const EnableGuardDuty: ParameterSpec = {
  name: 'EnableGuardDuty',
  rule: { kind: 'bool' },
  default: 'true',
  description:
    'Route GuardDuty findings to the stream. Cost: a detector (created with CreateGuardDutyDetector) is billed by analysed volume, about $4.00 per million CloudTrail management events and $1.00 per GB of VPC flow and DNS logs, after a 30-day free trial per account and region; the EventBridge rule is free.',
  label: 'Send GuardDuty findings',
  group: EVENTS_GROUP,
  config: 'guardDuty.enabled',
  targets: PIPELINE,
  doc: { default: '`true`', allowed: '`true`, `false`', meaning: 'GuardDuty findings into the stream.' },
};

const CreateGuardDutyDetector: ParameterSpec = {
  name: 'CreateGuardDutyDetector',
  rule: { kind: 'bool' },
  default: 'true',
  description: 'Create a detector when the region has none (an existing detector is always adopted, never deleted).',
  label: 'Create a detector when none exists',
  group: EVENTS_GROUP,
  config: 'guardDuty.createDetector',
  targets: PIPELINE,
  doc: {
    default: '`true`',
    allowed: '`true`, `false`',
    meaning: 'Create a detector when the region has none. An existing detector is adopted: only its finding frequency is set (recorded on it first, restored on Delete).',
  },
};

const GuardDutyFindingFrequency: ParameterSpec = {
  name: 'GuardDutyFindingFrequency',
  rule: { kind: 'choice', values: ['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS'] },
  default: 'FIFTEEN_MINUTES',
  description: 'How often GuardDuty publishes updates of existing findings.',
  label: 'Finding publishing frequency',
  group: EVENTS_GROUP,
  config: 'guardDuty.findingFrequency',
  targets: PIPELINE,
  doc: { default: '`FIFTEEN_MINUTES`', allowed: '`FIFTEEN_MINUTES`, `ONE_HOUR`, `SIX_HOURS`', meaning: 'How often updates of existing findings are published.' },
};

const GuardDutyOnDelete: ParameterSpec = {
  name: 'GuardDutyOnDelete',
  rule: { kind: 'choice', values: ['Retain', 'Delete'] },
  default: 'Retain',
  description: 'Whether deleting the stack deletes a detector the stack created (findings history is lost).',
  label: 'Detector on stack deletion (only one this stack created)',
  group: EVENTS_GROUP,
  config: 'guardDuty.onDelete',
  targets: PIPELINE,
  doc: { default: '`Retain`', allowed: '`Retain`, `Delete`', meaning: 'Whether deleting the stack deletes a detector the stack created (never one it adopted).' },
};

/** GuardDuty's parameters: the findings rule, and a detector created or adopted. */
export const guardDutyParameters: ModuleParameters = {
  id: 'guardduty',
  parameters: [EnableGuardDuty, CreateGuardDutyDetector, GuardDutyFindingFrequency, GuardDutyOnDelete],
  parse: (read: ParameterReader): Pick<PipelineConfig, 'guardDuty'> => ({
    guardDuty: {
      enabled: read.bool(EnableGuardDuty),
      createDetector: read.bool(CreateGuardDutyDetector),
      findingFrequency: read.choice<FindingFrequency>(GuardDutyFindingFrequency),
      onDelete: read.choice<'Retain' | 'Delete'>(GuardDutyOnDelete),
    },
  }),
  needs: (config) => (config.guardDuty.enabled ? ['events-role'] : []),
};
