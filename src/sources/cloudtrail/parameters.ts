import type { PipelineConfig } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';
import { cloudTrailInThisRegion, createsTrail } from './scope';

declare module '../../config/pipeline-config' {
  /** This module's slice of the config (see PipelineConfig). */
  interface PipelineConfig {
    cloudTrail: {
      enabled: boolean;
      /** Reuse an existing trail: subscribe this log group and create no trail or bucket. */
      existingLogGroup?: string;
      /** The one region that owns the multi-region trail; other regions skip it. */
      homeRegion?: string;
      bucketExpirationDays: number;
    };
  }
}

const PIPELINE: ParameterSpec['targets'] = ['pipeline'];

const EnableCloudTrail: ParameterSpec = {
  name: 'EnableCloudTrail',
  rule: { kind: 'bool' },
  default: 'true',
  targets: PIPELINE,
};

const ExistingTrailLogGroup: ParameterSpec = {
  name: 'ExistingTrailLogGroup',
  rule: {
    kind: 'pattern',
    pattern: /^[\w\-/.#]{1,512}$/,
    rule: 'a CloudWatch Logs group name (letters, digits, _ - / . #)',
  },
  default: '',
  targets: PIPELINE,
};

const TrailHomeRegion: ParameterSpec = {
  name: 'TrailHomeRegion',
  rule: {
    kind: 'pattern',
    pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
    rule: 'an AWS region name such as us-east-1, or empty for this region',
  },
  default: '',
  targets: PIPELINE,
};

const TrailBucketExpirationDays: ParameterSpec = {
  name: 'TrailBucketExpirationDays',
  rule: { kind: 'int', min: 1, max: 3650 },
  default: '7',
  targets: PIPELINE,
};

/** CloudTrail's parameters: a trail of our own or an existing trail's log group, in the trail's home region. */
export const cloudTrailParameters: ModuleParameters = {
  id: 'cloudtrail',
  parameters: [EnableCloudTrail, ExistingTrailLogGroup, TrailHomeRegion, TrailBucketExpirationDays],
  parse: (read: ParameterReader): Pick<PipelineConfig, 'cloudTrail'> => {
    const existingLogGroup = read.string(ExistingTrailLogGroup);
    const homeRegion = read.string(TrailHomeRegion);
    return {
      cloudTrail: {
        enabled: read.bool(EnableCloudTrail),
        ...(existingLogGroup ? { existingLogGroup } : {}),
        ...(homeRegion ? { homeRegion } : {}),
        bucketExpirationDays: read.int(TrailBucketExpirationDays),
      },
    };
  },
  // The trail's log group is subscribed (logs role); a trail of our own also delivers with the trail role.
  logGroups: (config, names) => ({ own: [names.cloudTrailLogGroup], reused: config.cloudTrail.existingLogGroup ? [config.cloudTrail.existingLogGroup] : [] }),
  needs: (config, region) => [...(cloudTrailInThisRegion(config, region) ? ['logs-role'] : []), ...(createsTrail(config, region) ? ['trail-role'] : [])],
};
