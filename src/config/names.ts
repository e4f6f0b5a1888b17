import { createHash } from 'node:crypto';

/**
 * Deterministic names for everything the pipeline creates, from the pipeline name, region and account.
 *
 * Every name starts with a fixed prefix (`siem-`, IAM path `/siem-pipeline/`, `/siem-pipeline/` log groups)
 * so the function's role can be scoped to that prefix and this region: after a PipelineName change
 * (a replacement), the cleanup Delete of the old names still has the rights it needs.
 */
export interface PipelineNames {
  streamName: string;
  streamArn: string;
  iamPath: string;
  /** Inline policy name used on every role and user we create. */
  policyName: string;
  siemUser: string;
  siemRole: string;
  siemSecret: string;
  logsRole: string;
  eventsRole: string;
  flowLogsRole: string;
  trailRole: string;
  trailName: string;
  trailBucket: string;
  cloudTrailLogGroup: string;
  flowLogGroup: string;
  subscriptionFilter: string;
  guardDutyRule: string;
  /** Rule name for one extra EventBridge source. */
  sourceRule(source: string): string;
  /** The prefix every sourceRule name starts with: ListRules by it finds the source rules of this pipeline. */
  sourceRulePrefix: string;
  roleArn(roleName: string): string;
  logGroupArn(logGroup: string): string;
}

export const NAME_PREFIX = 'siem-';
export const IAM_PATH = '/siem-pipeline/';
export const LOG_GROUP_PREFIX = '/siem-pipeline/';
export const SECRET_PREFIX = 'siem-pipeline/';

/** Limits AWS enforces on the names we build. */
export const NAME_LIMITS = { iamName: 64, bucket: 63, rule: 64, logGroup: 512, stream: 128, trail: 128 } as const;

/** Tag keys that mark what the pipeline owns. */
export const TAG_NAME = 'siem-pipeline:name';
export const TAG_STACK = 'siem-pipeline:stack';

export function ownershipTags(pipelineName: string, stackId: string): Record<string, string> {
  return { [TAG_NAME]: pipelineName, [TAG_STACK]: stackId };
}

/** The ARN partition of a region: aws, aws-cn, aws-us-gov, or the isolated aws-iso(-b, -e, -f) partitions. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] ? `aws-iso-${iso[1]}` : 'aws-iso';
  return 'aws';
}

export function pipelineNames(name: string, region: string, account: string): PipelineNames {
  const partition = partitionOf(region);
  const iam = (suffix: string) => checked(`${NAME_PREFIX}${name}-${region}-${suffix}`, NAME_LIMITS.iamName, 'IAM name');
  const rule = (suffix: string) => checked(`${NAME_PREFIX}${name}-${suffix}`, NAME_LIMITS.rule, 'EventBridge rule name');
  const streamName = `${NAME_PREFIX}${name}`;
  const sourceRulePrefix = `${NAME_PREFIX}${name}-src-`;
  return {
    streamName,
    streamArn: `arn:${partition}:kinesis:${region}:${account}:stream/${streamName}`,
    iamPath: IAM_PATH,
    policyName: 'siem-pipeline',
    siemUser: iam('reader'),
    siemRole: iam('reader'),
    siemSecret: `${SECRET_PREFIX}${name}/reader-access-key`,
    logsRole: iam('cwl-to-kinesis'),
    eventsRole: iam('events-to-kinesis'),
    flowLogsRole: iam('flowlogs-to-cwl'),
    trailRole: iam('trail-to-cwl'),
    trailName: `${NAME_PREFIX}${name}`,
    trailBucket: checked(`${NAME_PREFIX}${name}-${account}-${region}`, NAME_LIMITS.bucket, 'S3 bucket name'),
    cloudTrailLogGroup: `${LOG_GROUP_PREFIX}${name}/cloudtrail`,
    flowLogGroup: `${LOG_GROUP_PREFIX}${name}/vpc-flow-logs`,
    subscriptionFilter: `${NAME_PREFIX}${name}-to-kinesis`,
    guardDutyRule: rule('guardduty'),
    sourceRule: (source) => sourceRuleName(sourceRulePrefix, source),
    sourceRulePrefix,
    roleArn: (roleName) => `arn:${partition}:iam::${account}:role${IAM_PATH}${roleName}`,
    logGroupArn: (logGroup) => `arn:${partition}:logs:${region}:${account}:log-group:${logGroup}`,
  };
}

/**
 * `<prefix><source without "aws.">`, kept readable when it fits; otherwise (or when characters had to be
 * replaced) cut and suffixed with a hash of the whole source, so every source keeps its own rule.
 */
function sourceRuleName(prefix: string, source: string): string {
  const slug = source.replace(/^aws\./, '');
  const clean = slug.replace(/[^a-z0-9.-]/g, '-');
  const full = `${prefix}${clean}`;
  if (full.length <= NAME_LIMITS.rule && clean === slug && source.startsWith('aws.')) return full;
  const suffix = `-${createHash('sha256').update(source).digest('hex').slice(0, 8)}`;
  return checked(full.slice(0, NAME_LIMITS.rule - suffix.length) + suffix, NAME_LIMITS.rule, 'EventBridge rule name');
}

function checked(value: string, limit: number, what: string): string {
  if (value.length > limit) throw new Error(`${what} '${value}' is ${value.length} characters; the limit is ${limit}`);
  return value;
}
