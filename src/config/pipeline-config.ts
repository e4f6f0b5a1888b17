export type StreamMode = 'PROVISIONED' | 'ON_DEMAND';
export type SiemAccessKind = 'IamUser' | 'CrossAccountRole';

/**
 * The typed, validated form of the custom resource's properties: the core's settings here; each source module
 * adds its own slice to this interface from its parameters.ts (TypeScript module augmentation), so adding a
 * source edits no file outside its folder.
 */
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
}
