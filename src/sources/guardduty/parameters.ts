import type { PipelineConfig } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';

export type FindingFrequency = 'FIFTEEN_MINUTES' | 'ONE_HOUR' | 'SIX_HOURS';

declare module '../../config/pipeline-config' {
  /** This module's slice of the config (see PipelineConfig). */
  interface PipelineConfig {
    guardDuty: {
      enabled: boolean;
      createDetector: boolean;
      findingFrequency: FindingFrequency;
      onDelete: 'Retain' | 'Delete';
    };
  }
}

const PIPELINE: ParameterSpec['targets'] = ['pipeline'];

const EnableGuardDuty: ParameterSpec = {
  name: 'EnableGuardDuty',
  rule: { kind: 'bool' },
  default: 'true',
  targets: PIPELINE,
};

const CreateGuardDutyDetector: ParameterSpec = {
  name: 'CreateGuardDutyDetector',
  rule: { kind: 'bool' },
  default: 'true',
  targets: PIPELINE,
};

const GuardDutyFindingFrequency: ParameterSpec = {
  name: 'GuardDutyFindingFrequency',
  rule: { kind: 'choice', values: ['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS'] },
  default: 'FIFTEEN_MINUTES',
  targets: PIPELINE,
};

const GuardDutyOnDelete: ParameterSpec = {
  name: 'GuardDutyOnDelete',
  rule: { kind: 'choice', values: ['Retain', 'Delete'] },
  default: 'Retain',
  targets: PIPELINE,
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
