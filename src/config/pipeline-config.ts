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
