import {
  CloudTrailServiceException,
  InsufficientS3BucketPolicyException,
  InvalidCloudWatchLogsLogGroupArnException,
  InvalidCloudWatchLogsRoleArnException,
  InvalidHomeRegionException,
  InvalidTrailNameException,
  MaximumNumberOfTrailsExceededException,
  S3BucketDoesNotExistException,
  TrailAlreadyExistsException,
  TrailNotFoundException,
  type EventSelector,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { ErrorFactory } from './errors';
import type { IamFake } from './iam';
import { CALLERS, contextOf } from './caller-context';
import { resourcePolicyAllows } from './iam-policy';
import type { LogsFake } from './logs';
import type { S3Fake } from './s3';
import { type FakeEnv } from './service';

export interface TrailState {
  name: string;
  arn: string;
  homeRegion: string;
  bucket: string;
  prefix?: string;
  multiRegion: boolean;
  globalEvents: boolean;
  validation: boolean;
  logGroupArn?: string;
  roleArn?: string;
  kmsKeyId?: string;
  logging: boolean;
  tags: Record<string, string>;
  selectors: EventSelector[];
}

/** What a trail created elsewhere looks like here (a multi-region trail of another home region, say). */
export interface SeedTrail {
  name: string;
  homeRegion?: string;
  bucket?: string;
  multiRegion?: boolean;
  logGroupArn?: string;
  tags?: Record<string, string>;
}

/** Trails per region, multi-region trails of other home regions included. */
export const TRAILS_PER_REGION = 5;

export type Input = Record<string, unknown>;

/** The trails of the CloudTrail fake and what its commands share: lookup, home-region checks, delivery checks, views. */
export abstract class CloudTrailTrails {
  readonly key = 'cloudtrail' as const;
  readonly errors = new ErrorFactory({
    base: CloudTrailServiceException,
    modeled: {
      InsufficientS3BucketPolicyException: [InsufficientS3BucketPolicyException, 400],
      InvalidCloudWatchLogsLogGroupArnException: [InvalidCloudWatchLogsLogGroupArnException, 400],
      InvalidCloudWatchLogsRoleArnException: [InvalidCloudWatchLogsRoleArnException, 400],
      InvalidHomeRegionException: [InvalidHomeRegionException, 400],
      InvalidTrailNameException: [InvalidTrailNameException, 400],
      MaximumNumberOfTrailsExceededException: [MaximumNumberOfTrailsExceededException, 400],
      S3BucketDoesNotExistException: [S3BucketDoesNotExistException, 400],
      TrailAlreadyExistsException: [TrailAlreadyExistsException, 400],
      TrailNotFoundException: [TrailNotFoundException, 400],
    },
    protocol: 'json',
    throttling: 'ThrottlingException',
    accessDenied: 'AccessDeniedException',
    actionPrefix: 'cloudtrail',
  });
  /** Trails by ARN; other regions of the same account share this map (see FakeAccount.inRegion). */
  readonly trails: Map<string, TrailState>;

  constructor(
    protected readonly env: FakeEnv,
    protected readonly links: { s3: S3Fake; logs: LogsFake; iam: IamFake },
    shared?: CloudTrailTrails,
  ) {
    this.trails = shared?.trails ?? new Map<string, TrailState>();
  }

  // ---- checks ----

  /** What CloudTrail verifies before it accepts a trail: the bucket, its policy, the log group and the role. */
  protected checkDelivery(t: TrailState): void {
    if (!this.links.s3.hasBucket(t.bucket)) throw this.errors.make('S3BucketDoesNotExistException', `S3 bucket does not exist: ${t.bucket}`);
    const facts = { sourceArn: t.arn, sourceAccount: this.env.account };
    const context = contextOf('cloudtrail->s3', facts);
    const principal = CALLERS['cloudtrail->s3'].principal;
    const policy = this.links.s3.policyOf(t.bucket) ?? '';
    const objects = `arn:${this.env.partition}:s3:::${t.bucket}/${t.prefix ? `${t.prefix}/` : ''}AWSLogs/${this.env.account}/CloudTrail/log.json.gz`;
    const bucketArn = `arn:${this.env.partition}:s3:::${t.bucket}`;
    if (
      !resourcePolicyAllows(policy, principal, 's3:GetBucketAcl', bucketArn, context) ||
      !resourcePolicyAllows(policy, principal, 's3:PutObject', objects, context)
    ) {
      throw this.errors.make('InsufficientS3BucketPolicyException', `Incorrect S3 bucket policy is detected for bucket: ${t.bucket}`);
    }
    if (!t.logGroupArn && !t.roleArn) return;
    if (!t.logGroupArn || !t.roleArn) {
      throw this.errors.make('InvalidCloudWatchLogsLogGroupArnException', 'You must specify a log group and a role ARN together.');
    }
    const m = new RegExp(`^arn:aws[a-z-]*:logs:${this.env.region}:${this.env.account}:log-group:(.+):\\*$`).exec(t.logGroupArn);
    if (!m || !this.links.logs.hasGroup(m[1])) {
      throw this.errors.make('InvalidCloudWatchLogsLogGroupArnException', `CloudWatch Logs log group ARN is invalid: ${t.logGroupArn}`);
    }
    const stream = `${t.logGroupArn.slice(0, -2)}:log-stream:${this.env.account}_CloudTrail_${this.env.region}`;
    const use = this.links.iam.useRole(t.roleArn, 'cloudtrail->logs', facts, ['logs:CreateLogStream', 'logs:PutLogEvents'], stream);
    if (!use.ok) throw this.errors.make('InvalidCloudWatchLogsRoleArnException', 'Access denied. Verify in IAM that the role has adequate permissions.');
  }

  protected visible(): TrailState[] {
    return [...this.trails.values()].filter((t) => t.homeRegion === this.env.region || t.multiRegion).sort((a, b) => a.name.localeCompare(b.name));
  }

  protected trail(id: unknown): TrailState {
    const key = String(id ?? '');
    const t = this.visible().find((x) => x.name === key || x.arn === key);
    if (!t) {
      throw this.errors.make(
        'TrailNotFoundException',
        `Unknown trail: ${key.startsWith('arn:') ? key : `arn:${this.env.partition}:cloudtrail:${this.env.region}:${this.env.account}:trail/${key}`} for the user: ${this.env.account}`,
      );
    }
    return t;
  }

  /** A trail this region may change: multi-region trails are managed from their home region only. */
  protected managed(id: unknown): TrailState {
    const t = this.trail(id);
    if (t.homeRegion !== this.env.region) {
      throw this.errors.make('InvalidHomeRegionException', `This operation must be called from the trail's home region ${t.homeRegion}.`);
    }
    return t;
  }

  protected view(t: TrailState, full = true): Trail {
    return {
      Name: t.name,
      S3BucketName: t.bucket,
      ...(t.prefix ? { S3KeyPrefix: t.prefix } : {}),
      IncludeGlobalServiceEvents: t.globalEvents,
      IsMultiRegionTrail: t.multiRegion,
      ...(full ? { HomeRegion: t.homeRegion, HasCustomEventSelectors: false, HasInsightSelectors: false } : {}),
      TrailARN: t.arn,
      LogFileValidationEnabled: t.validation,
      ...(t.logGroupArn ? { CloudWatchLogsLogGroupArn: t.logGroupArn } : {}),
      ...(t.roleArn ? { CloudWatchLogsRoleArn: t.roleArn } : {}),
      ...(t.kmsKeyId ? { KmsKeyId: t.kmsKeyId } : {}),
      IsOrganizationTrail: false,
    };
  }
}
