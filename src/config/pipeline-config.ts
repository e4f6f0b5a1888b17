import { ConfigError } from '../errors';
import { PropertyReader } from './props';

export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';
export type SiemAccessKind = 'IamUser' | 'CrossAccountRole';
export type FlowLogTrafficType = 'ALL' | 'ACCEPT' | 'REJECT';
export type FindingFrequency = 'FIFTEEN_MINUTES' | 'ONE_HOUR' | 'SIX_HOURS';

/** The typed, validated form of the custom resource's properties. */
export interface PipelineConfig {
  /** Lowercase, 2–20 characters: every resource name derives from it. */
  name: string;
  stream: {
    mode: StreamMode;
    /** Used when mode is PROVISIONED. */
    shardCount: number;
    retentionHours: number;
  };
  siemAccess:
    | {
        kind: 'IamUser';
        rotationToken: string;
        /** IAM roles and users that may read the key's secret (its resource policy denies everyone else). */
        secretReaders: string[];
        /** Customer managed KMS key of the secret; undefined means the AWS managed key aws/secretsmanager. */
        secretKmsKeyArn?: string;
      }
    | { kind: 'CrossAccountRole'; trustedAccountId: string; externalId: string };
  /** Retention of the pipeline's CloudWatch Logs groups: the data lives on in Kinesis. */
  logRetentionDays: number;
  cloudTrail: {
    enabled: boolean;
    /** Reuse an existing trail: subscribe this log group and create no trail or bucket. */
    existingLogGroup?: string;
    /** The one region that owns the multi-region trail; other regions skip it. */
    homeRegion?: string;
    bucketExpirationDays: number;
  };
  flowLogs: {
    enabled: boolean;
    trafficType: FlowLogTrafficType;
    maxAggregationInterval: 60 | 600;
    /** Custom log format; undefined means the AWS default (v2) format. */
    logFormat?: string;
    dropNoData: boolean;
  };
  guardDuty: {
    enabled: boolean;
    createDetector: boolean;
    findingFrequency: FindingFrequency;
    onDelete: 'Retain' | 'Delete';
  };
  /** Extra EventBridge sources (aws.securityhub, ...) routed to the stream. */
  eventSources: string[];
}

/** CloudWatch Logs' allowed retention values, in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Properties CloudFormation adds that are not ours to validate. */
const IGNORED = ['ServiceToken', 'ServiceTimeout'];

export const PIPELINE_NAME_PATTERN = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;
const EVENT_SOURCE_PATTERN = /^aws\.[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const LOG_GROUP_PATTERN = /^[\w\-/.#]{1,512}$/;
/** An IAM role or user ARN (any path); aws:PrincipalArn of a role session is its role's ARN. */
const PRINCIPAL_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const KMS_KEY_ARN_PATTERN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;
const MAX_SECRET_READERS = 10;

/**
 * Parses the custom resource properties once, at the edge.
 * Throws ConfigError listing every bad property with its allowed values; nothing downstream re-validates.
 */
export function parseConfig(props: Readonly<Record<string, unknown>> | undefined): PipelineConfig {
  const r = new PropertyReader(props ?? {});
  const nameRule = '2-20 characters: lowercase letters, digits and hyphens, starting with a letter, not ending with a hyphen';
  const name = r.pattern('PipelineName', PIPELINE_NAME_PATTERN, nameRule, '');
  r.require(name !== '' || r.problems.some((p) => p.startsWith('PipelineName')), `PipelineName is required; allowed values: ${nameRule}`);

  const stream = {
    mode: r.choice<StreamMode>('StreamMode', ['PROVISIONED', 'ON_DEMAND'], 'PROVISIONED'),
    shardCount: r.int('ShardCount', 1, 500, 1),
    retentionHours: r.int('RetentionHours', 24, 8760, 24),
  };

  const accessKind = r.choice<SiemAccessKind>('SiemAccess', ['IamUser', 'CrossAccountRole'], 'IamUser');
  const rotationToken = r.pattern('AccessKeyRotation', /^[A-Za-z0-9._:-]{0,64}$/, 'up to 64 letters, digits and . _ : -', '');
  const trustedAccountId = r.pattern('SiemAccountId', /^\d{12}$/, 'a 12-digit AWS account id', '');
  const externalId = r.pattern('SiemExternalId', /^[\w+=,.@:/-]{2,1224}$/, '2-1224 characters of letters, digits and +=,.@:/-_', '', {
    secret: true,
  });
  if (accessKind === 'CrossAccountRole') {
    r.require(trustedAccountId !== '' || r.problems.some((p) => p.startsWith('SiemAccountId')), 'SiemAccountId is required when SiemAccess is CrossAccountRole');
    r.require(externalId !== '' || r.problems.some((p) => p.startsWith('SiemExternalId')), 'SiemExternalId is required when SiemAccess is CrossAccountRole');
  }
  const secretReaders = r.list('SecretReaderArns', PRINCIPAL_ARN_PATTERN, 'comma-separated IAM role or user ARNs such as arn:aws:iam::123456789012:role/siem-connector');
  r.require(secretReaders.length <= MAX_SECRET_READERS, `SecretReaderArns allows at most ${MAX_SECRET_READERS} principals`);
  const secretKmsKeyArn = r.pattern('SecretKmsKeyArn', KMS_KEY_ARN_PATTERN, 'a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), or empty for the AWS managed key', '');
  if (accessKind !== 'IamUser') {
    r.require(secretReaders.length === 0, 'SecretReaderArns applies only when SiemAccess is IamUser (CrossAccountRole keeps no secret)');
    r.require(secretKmsKeyArn === '', 'SecretKmsKeyArn applies only when SiemAccess is IamUser (CrossAccountRole keeps no secret)');
  }
  const siemAccess: PipelineConfig['siemAccess'] =
    accessKind === 'IamUser'
      ? { kind: 'IamUser', rotationToken, secretReaders, ...(secretKmsKeyArn ? { secretKmsKeyArn } : {}) }
      : { kind: 'CrossAccountRole', trustedAccountId, externalId };

  const logRetentionDays = r.intChoice('LogRetentionDays', LOG_RETENTION_DAYS, 1);

  const existingLogGroup = r.pattern('ExistingTrailLogGroup', LOG_GROUP_PATTERN, 'a CloudWatch Logs group name (letters, digits, _ - / . #)', '');
  const homeRegion = r.pattern('TrailHomeRegion', REGION_PATTERN, 'an AWS region name such as us-east-1, or empty for this region', '');
  const cloudTrail = {
    enabled: r.bool('EnableCloudTrail', true),
    ...(existingLogGroup ? { existingLogGroup } : {}),
    ...(homeRegion ? { homeRegion } : {}),
    bucketExpirationDays: r.int('TrailBucketExpirationDays', 1, 3650, 7),
  };

  const logFormat = r.pattern('FlowLogFormat', /^(\$\{[a-z0-9-]+\}( \$\{[a-z0-9-]+\})*)?$/, 'space-separated ${field} names, or empty for the AWS default format', '');
  const flowLogs = {
    enabled: r.bool('EnableFlowLogs', true),
    trafficType: r.choice<FlowLogTrafficType>('FlowLogTrafficType', ['ALL', 'ACCEPT', 'REJECT'], 'ALL'),
    maxAggregationInterval: r.intChoice('FlowLogAggregationInterval', [60, 600], 600) as 60 | 600,
    ...(logFormat ? { logFormat } : {}),
    dropNoData: r.bool('FlowLogDropNoData', true),
  };

  const guardDuty = {
    enabled: r.bool('EnableGuardDuty', true),
    createDetector: r.bool('CreateGuardDutyDetector', true),
    findingFrequency: r.choice<FindingFrequency>('GuardDutyFindingFrequency', ['FIFTEEN_MINUTES', 'ONE_HOUR', 'SIX_HOURS'], 'FIFTEEN_MINUTES'),
    onDelete: r.choice<'Retain' | 'Delete'>('GuardDutyOnDelete', ['Retain', 'Delete'], 'Retain'),
  };

  const eventSources = r
    .list('ExtraEventSources', EVENT_SOURCE_PATTERN, 'comma-separated EventBridge sources such as aws.securityhub, aws.access-analyzer, aws.health')
    .filter((s) => s !== 'aws.guardduty');
  r.require(eventSources.length <= 20, 'ExtraEventSources allows at most 20 sources');

  const unknown = r.unknown(IGNORED);
  r.require(unknown.length === 0, `unknown properties ${unknown.join(', ')}; allowed properties: ${ALLOWED_PROPERTIES.join(', ')}`);

  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return { name, stream, siemAccess, logRetentionDays, cloudTrail, flowLogs, guardDuty, eventSources };
}

/** Every property parseConfig reads, for error messages and the template test. */
export const ALLOWED_PROPERTIES = [
  'PipelineName',
  'StreamMode',
  'ShardCount',
  'RetentionHours',
  'SiemAccess',
  'AccessKeyRotation',
  'SiemAccountId',
  'SiemExternalId',
  'SecretReaderArns',
  'SecretKmsKeyArn',
  'LogRetentionDays',
  'EnableCloudTrail',
  'ExistingTrailLogGroup',
  'TrailHomeRegion',
  'TrailBucketExpirationDays',
  'EnableFlowLogs',
  'FlowLogTrafficType',
  'FlowLogAggregationInterval',
  'FlowLogFormat',
  'FlowLogDropNoData',
  'EnableGuardDuty',
  'CreateGuardDutyDetector',
  'GuardDutyFindingFrequency',
  'GuardDutyOnDelete',
  'ExtraEventSources',
] as const;
