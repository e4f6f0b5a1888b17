import type { ModuleDocs } from '../types';

/** The console text and README rows of CloudTrail's parameters (not in the Lambda bundles). */
export const cloudTrailDocs: ModuleDocs = {
  EnableCloudTrail: {
    description:
      "Management events of the account, from a multi-region trail (or an existing trail's log group). Cost: the first copy of management events is free; a second trail costs $2.00 per 100,000 events, so reuse an existing trail with ExistingTrailLogGroup. Plus CloudWatch Logs ingestion ($0.50 per GB) and S3 staging ($0.023 per GB-month).",
    label: 'Send CloudTrail management events',
    group: 'CloudTrail',
    config: 'cloudTrail.enabled',
    doc: {
      default: '`true`',
      allowed: '`true`, `false`',
      meaning: 'Management events from a multi-region trail into the stream.',
    },
  },
  ExistingTrailLogGroup: {
    description:
      'Log group of a trail you already have, in its home region. The stack then subscribes it and creates no trail and no bucket (a second trail costs $2 per 100,000 events).',
    label: 'Reuse the log group of an existing trail (empty = create a trail)',
    group: 'CloudTrail',
    config: 'cloudTrail.existingLogGroup',
    allowedPattern: '^[\\w\\-/.#]{0,512}$',
    constraint: 'a CloudWatch Logs group name, or empty.',
    doc: {
      default: 'empty',
      allowed: 'a log group name',
      meaning: 'Reuse the log group of a trail you already have (in its home region): the stack only subscribes it, and creates no trail and no bucket.',
    },
  },
  TrailHomeRegion: {
    description:
      "The one region that owns the multi-region trail; stacks in other regions skip CloudTrail (StackSets pass it). Empty: this region, unless this pipeline's trail already exists with another home region, which is then used.",
    label: "Home region of the multi-region trail (empty = this region or the existing trail's)",
    group: 'CloudTrail',
    config: 'cloudTrail.homeRegion',
    allowedPattern: '^([a-z]{2}(-[a-z]+)+-\\d)?$',
    constraint: 'a region name such as us-east-1, or empty.',
    doc: {
      default: 'empty (this region)',
      allowed: 'a region name',
      meaning:
        "The one region that owns the multi-region trail; stacks in other regions skip CloudTrail. Empty means this region, unless this pipeline's multi-region trail already exists with another home region (a stack of another region made it): that region is then used, so an account never gets a second trail. `npm run stackset` always sets it.",
    },
  },
  TrailBucketExpirationDays: {
    description: "Days before the trail's staged files in S3 expire (the SIEM reads from Kinesis).",
    label: 'Days before staged trail files expire',
    group: 'CloudTrail',
    config: 'cloudTrail.bucketExpirationDays',
    doc: {
      default: '`7`',
      allowed: '1–3650',
      meaning: 'Days before staged trail files in S3 expire.',
    },
  },
};
