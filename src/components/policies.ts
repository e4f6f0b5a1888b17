/**
 * Every IAM policy document the pipeline writes, built from typed parts.
 *
 * One home for all of them so that least privilege can be reviewed (and unit-tested: no `*` action,
 * every resource scoped) in one place.
 */

export type PolicyEffect = 'Allow' | 'Deny';

/** `StringEquals: { 'sts:ExternalId': '...' }` and the like. */
export type PolicyCondition = Record<string, Record<string, string | string[]>>;

export interface PolicyPrincipal {
  AWS?: string | string[];
  Service?: string | string[];
}

export interface PolicyStatement {
  Sid?: string;
  Effect: PolicyEffect;
  Action: string[];
  /** Identity policies name resources; trust policies name a Principal instead. */
  Resource?: string[];
  Principal?: PolicyPrincipal;
  Condition?: PolicyCondition;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** CloudTrail's service principal (its delivery role's trust, the staging bucket's policy). */
const CLOUDTRAIL = 'cloudtrail.amazonaws.com';

/** Stream-level read actions: the shard iterator API (GetRecords) and the listing a KCL consumer does. */
export const STREAM_READ_ACTIONS = [
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
  'kinesis:ListStreamConsumers',
] as const;

/** Enhanced fan-out reads, authorized on the consumer ARN (`<stream ARN>/consumer/<name>:<ts>`), not the stream. */
export const CONSUMER_READ_ACTIONS = ['kinesis:DescribeStreamConsumer', 'kinesis:SubscribeToShard'] as const;

/**
 * What the SIEM may do: read this one stream, nothing else.
 * No RegisterStreamConsumer: enhanced fan-out consumers are registered by the stream owner, not the reader.
 */
export function streamReaderPolicy(streamArn: string): PolicyDocument {
  return policyOf(
    allow('ReadStream', [...STREAM_READ_ACTIONS], streamArn),
    allow('ReadThroughConsumers', [...CONSUMER_READ_ACTIONS], `${streamArn}/consumer/*`),
  );
}

/** A policy document of these statements, in the policy language version IAM documents. */
function policyOf(...Statement: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement };
}

/** An Allow statement of an identity policy: its Sid, actions and resources. */
function allow(Sid: string, Action: string[], ...Resource: string[]): PolicyStatement {
  return { Sid, Effect: 'Allow', Action, Resource };
}

export interface CrossAccountTrust {
  partition: string;
  /** The SIEM vendor's (or SOC's) 12-digit account. */
  trustedAccountId: string;
  /** Required on AssumeRole: guards against the confused deputy. A secret: never log it. */
  externalId: string;
}

/** Trust policy of the SIEM reader role: the given account may assume it, only with the ExternalId. */
export function crossAccountTrustPolicy(trust: CrossAccountTrust): PolicyDocument {
  return policyOf({
    Effect: 'Allow',
    Principal: { AWS: `arn:${trust.partition}:iam::${trust.trustedAccountId}:root` },
    Action: ['sts:AssumeRole'],
    Condition: { StringEquals: { 'sts:ExternalId': trust.externalId } },
  });
}

/** The JSON text IAM takes for a policy document. */
export function policyJson(doc: PolicyDocument): string {
  return JSON.stringify(doc);
}

/**
 * Parses a policy document as IAM returns it: GetRole, GetUserPolicy and GetRolePolicy give it
 * URL-encoded (RFC 3986), while other callers may hold plain JSON.
 */
export function parsePolicyText(text: string): unknown {
  const trimmed = text.trim();
  return JSON.parse(trimmed.startsWith('{') ? trimmed : decodeURIComponent(trimmed));
}

/**
 * True when the text IAM holds says the same as `doc`: key order and whitespace do not matter, and a
 * single-value list equals its lone value (IAM accepts both spellings).
 */
export function samePolicy(text: string | undefined, doc: PolicyDocument): boolean {
  if (text === undefined) return false;
  try {
    return canonicalJson(parsePolicyText(text)) === canonicalJson(doc);
  } catch {
    return false;
  }
}

/**
 * JSON text that is equal for values IAM and EventBridge treat as equal: keys sorted at every level, and a
 * single-value list spelled as its lone value (neither service tells the two apart where both are allowed).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    return items.length === 1 ? items[0] : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, normalize((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * A service principal may assume the role, only on behalf of the given source (the confused-deputy guard), with
 * exactly the condition keys that service documents sending; no condition where it documents none.
 */
export function serviceTrustPolicy(service: string, condition?: PolicyCondition): PolicyDocument {
  return policyOf({ Effect: 'Allow', Principal: { Service: service }, Action: ['sts:AssumeRole'], ...(condition ? { Condition: condition } : {}) });
}

/** The confused-deputy condition of a delivery role's trust: this account, and sources matching `sourceArn`. */
function onBehalfOf(scope: SourceScope, sourceArn: string | string[]): PolicyCondition {
  return { StringEquals: { 'aws:SourceAccount': scope.account }, ArnLike: { 'aws:SourceArn': sourceArn } };
}

/** Where a delivery role is used: the account, region and partition its source runs in. */
export interface SourceScope {
  partition: string;
  region: string;
  account: string;
}

/**
 * CloudWatch Logs -> Kinesis: only subscription filters of the pipeline's own log groups (`logGroupArns`, without
 * the `:*` suffix; the source may be named with or without it), never any other group of the account.
 */
export function logsToKinesisTrustPolicy(scope: SourceScope, logGroupArns: readonly string[]): PolicyDocument {
  return serviceTrustPolicy(
    'logs.amazonaws.com',
    onBehalfOf(
      scope,
      logGroupArns.flatMap((arn) => [arn, `${arn}:*`]),
    ),
  );
}

/** EventBridge -> Kinesis: only the pipeline's own rules (`<rulePrefix>*`) on this region's buses. */
export function eventsToKinesisTrustPolicy(scope: SourceScope, rulePrefix: string): PolicyDocument {
  return serviceTrustPolicy('events.amazonaws.com', onBehalfOf(scope, `arn:${scope.partition}:events:${scope.region}:${scope.account}:rule/${rulePrefix}*`));
}

/** VPC Flow Logs -> CloudWatch Logs: only flow logs of this account in this region. */
export function flowLogsTrustPolicy(scope: SourceScope): PolicyDocument {
  return serviceTrustPolicy('vpc-flow-logs.amazonaws.com', onBehalfOf(scope, `arn:${scope.partition}:ec2:${scope.region}:${scope.account}:vpc-flow-log/*`));
}

/**
 * CloudTrail -> CloudWatch Logs: a plain trust, because CloudTrail sends no aws:SourceArn / aws:SourceAccount when it
 * assumes this role ("The role policy doesn't support the use of aws:SourceArn and aws:SourceAccount",
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-required-policy-for-cloudwatch-logs.html).
 * A condition would make every CreateTrail/UpdateTrail fail; trailDeliveryPolicy scopes what the role may write instead.
 */
export function trailTrustPolicy(): PolicyDocument {
  return serviceTrustPolicy(CLOUDTRAIL);
}

/** What a delivery into the stream may do: put records into this one stream. */
export function streamWriterPolicy(streamArn: string): PolicyDocument {
  return policyOf(allow('PutIntoStream', ['kinesis:PutRecord', 'kinesis:PutRecords'], streamArn));
}

/** What VPC Flow Logs may do: write the streams of the flow-log group (it never creates the group itself). */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
  return policyOf(allow('WriteFlowLogGroup', ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'], `${logGroupArn}:*`));
}

/**
 * What CloudTrail may do: write its own streams of the trail's log group. A multi-region trail writes one
 * stream per region, each named `<account>_CloudTrail_<region>`.
 */
export function trailDeliveryPolicy(logGroupArn: string, account: string): PolicyDocument {
  return policyOf(allow('WriteTrailLogStreams', ['logs:CreateLogStream', 'logs:PutLogEvents'], `${logGroupArn}:log-stream:${account}_CloudTrail_*`));
}

export interface TrailBucketScope {
  partition: string;
  account: string;
  bucket: string;
  trailArn: string;
}

/**
 * The staging bucket's policy: TLS only for everyone, and CloudTrail may check the ACL and write this
 * account's log files only on behalf of the pipeline's trail. The TLS deny names `s3:*` on purpose: a deny
 * must cover every action, including ones S3 adds later (it is the one wildcard action we write).
 */
export function trailBucketPolicy(scope: TrailBucketScope): PolicyDocument {
  const bucketArn = `arn:${scope.partition}:s3:::${scope.bucket}`;
  const fromOurTrail: PolicyCondition = { StringEquals: { 'aws:SourceArn': scope.trailArn } };
  return policyOf(
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:*'],
      Resource: [bucketArn, `${bucketArn}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'CloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: CLOUDTRAIL },
      Action: ['s3:GetBucketAcl'],
      Resource: [bucketArn],
      Condition: fromOurTrail,
    },
    {
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: CLOUDTRAIL },
      Action: ['s3:PutObject'],
      Resource: [`${bucketArn}/AWSLogs/${scope.account}/*`],
      Condition: fromOurTrail,
    },
  );
}
