import type { PipelineConfig } from '../../config/pipeline-config';
import type { ParameterReader } from '../parameter-reader';
import type { ModuleParameters, ParameterSpec } from '../types';
import { cloudTrailInThisRegion, createsTrail } from './scope';

const GROUP = 'CloudTrail';
const PIPELINE: ParameterSpec['targets'] = ['pipeline'];

const EnableCloudTrail: ParameterSpec = {
  name: 'EnableCloudTrail',
  rule: { kind: 'bool' },
  default: 'true',
  description:
    "Management events of the account, from a multi-region trail (or an existing trail's log group). Cost: the first copy of management events is free; a second trail costs $2.00 per 100,000 events, so reuse an existing trail with ExistingTrailLogGroup. Plus CloudWatch Logs ingestion ($0.50 per GB) and S3 staging ($0.023 per GB-month).",
  label: 'Send CloudTrail management events',
  group: GROUP,
  config: 'cloudTrail.enabled',
  targets: PIPELINE,
  doc: { default: '`true`', allowed: '`true`, `false`', meaning: 'Management events from a multi-region trail into the stream.' },
};

const ExistingTrailLogGroup: ParameterSpec = {
  name: 'ExistingTrailLogGroup',
  rule: {
    kind: 'pattern',
    pattern: /^[\w\-/.#]{1,512}$/,
    rule: 'a CloudWatch Logs group name (letters, digits, _ - / . #)',
    allowedPattern: '^[\\w\\-/.#]{0,512}$',
    constraint: 'a CloudWatch Logs group name, or empty.',
  },
  default: '',
  description:
    'Log group of a trail you already have, in its home region. The stack then subscribes it and creates no trail and no bucket (a second trail costs $2 per 100,000 events).',
  label: 'Reuse the log group of an existing trail (empty = create a trail)',
  group: GROUP,
  config: 'cloudTrail.existingLogGroup',
  targets: PIPELINE,
  doc: {
    default: 'empty',
    allowed: 'a log group name',
    meaning: 'Reuse the log group of a trail you already have (in its home region): the stack only subscribes it, and creates no trail and no bucket.',
  },
};

const TrailHomeRegion: ParameterSpec = {
  name: 'TrailHomeRegion',
  rule: {
    kind: 'pattern',
    pattern: /^[a-z]{2}(-[a-z]+)+-\d$/,
    rule: 'an AWS region name such as us-east-1, or empty for this region',
    allowedPattern: '^([a-z]{2}(-[a-z]+)+-\\d)?$',
    constraint: 'a region name such as us-east-1, or empty.',
  },
  default: '',
  description:
    "The one region that owns the multi-region trail; stacks in other regions skip CloudTrail (StackSets pass it). Empty: this region, unless this pipeline's trail already exists with another home region, which is then used.",
  label: "Home region of the multi-region trail (empty = this region or the existing trail's)",
  group: GROUP,
  config: 'cloudTrail.homeRegion',
  targets: PIPELINE,
  doc: {
    default: 'empty (this region)',
    allowed: 'a region name',
    meaning:
      "The one region that owns the multi-region trail; stacks in other regions skip CloudTrail. Empty means this region, unless this pipeline's multi-region trail already exists with another home region (a stack of another region made it): that region is then used, so an account never gets a second trail. `npm run stackset` always sets it.",
  },
};

const TrailBucketExpirationDays: ParameterSpec = {
  name: 'TrailBucketExpirationDays',
  rule: { kind: 'int', min: 1, max: 3650 },
  default: '7',
  description: "Days before the trail's staged files in S3 expire (the SIEM reads from Kinesis).",
  label: 'Days before staged trail files expire',
  group: GROUP,
  config: 'cloudTrail.bucketExpirationDays',
  targets: PIPELINE,
  doc: { default: '`7`', allowed: '1–3650', meaning: 'Days before staged trail files in S3 expire.' },
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
