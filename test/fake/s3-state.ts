import { createHash } from 'node:crypto';
import {
  AccessDenied,
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  NoSuchBucket,
  NoSuchKey,
  S3ServiceException,
  type BucketLifecycleConfiguration,
  type PublicAccessBlockConfiguration,
  type ServerSideEncryptionConfiguration,
} from '@aws-sdk/client-s3';
import { ErrorFactory } from './errors';
import { type FakeEnv } from './service';

export interface VersionState {
  versionId: string;
  body: Buffer;
  etag: string;
  modified: Date;
  deleteMarker: boolean;
}

export interface BucketState {
  name: string;
  region: string;
  created: Date;
  tags?: Record<string, string>;
  policy?: string;
  publicAccessBlock: PublicAccessBlockConfiguration;
  encryption: ServerSideEncryptionConfiguration;
  ownership: string;
  lifecycle?: BucketLifecycleConfiguration;
  versioning?: 'Enabled' | 'Suspended';
  /** Key -> versions, oldest first. */
  objects: Map<string, VersionState[]>;
}

export interface S3FakeOptions {
  /** Largest page ListObjectVersions / ListObjectsV2 return, whatever MaxKeys asks (AWS: 1000). */
  pageSize: number;
}

export type Input = Record<string, unknown>;

/** The buckets of the S3 fake and what its commands share: bucket lookup, settings, object versions. */
export abstract class S3Buckets {
  readonly key = 's3' as const;
  readonly errors = new ErrorFactory({
    base: S3ServiceException,
    modeled: {
      AccessDenied: [AccessDenied, 403],
      BucketAlreadyExists: [BucketAlreadyExists, 409],
      BucketAlreadyOwnedByYou: [BucketAlreadyOwnedByYou, 409],
      NoSuchBucket: [NoSuchBucket, 404],
      NoSuchKey: [NoSuchKey, 404],
    },
    protocol: 'restXml',
    throttling: 'SlowDown',
    accessDenied: 'AccessDenied',
    actionPrefix: 's3',
  });
  /**
   * Bucket names taken by other accounts: CreateBucket answers BucketAlreadyExists; any other call on them is
   * AccessDenied (403), as with ExpectedBucketOwner naming our account or without a grant from their owner.
   */
  readonly foreignBuckets = new Set<string>();
  protected readonly buckets = new Map<string, BucketState>();
  protected version = 0;

  constructor(
    protected readonly env: FakeEnv,
    protected readonly opts: S3FakeOptions,
  ) {}

  // ---- helpers ----

  protected bucket(i: Input): BucketState {
    if (this.foreignBuckets.has(String(i.Bucket))) throw this.errors.make('AccessDenied', 'Access Denied', 403);
    const b = this.buckets.get(String(i.Bucket));
    if (!b) throw this.errors.make('NoSuchBucket', 'The specified bucket does not exist');
    return b;
  }

  protected set(i: Input, change: (b: BucketState) => unknown): Record<string, never> {
    change(this.bucket(i));
    return {};
  }

  protected present<T>(i: Input, read: (b: BucketState) => T | undefined, code: string, message: string): T {
    const v = read(this.bucket(i));
    if (v === undefined) throw this.errors.make(code, message, 404);
    return v;
  }

  protected newVersionId(): string {
    this.version++;
    return `${this.env.random(24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._')}${String(this.version).padStart(8, '0')}`;
  }

  protected write(b: BucketState, key: string, body: Buffer): VersionState {
    const v: VersionState = {
      versionId: b.versioning === 'Enabled' ? this.newVersionId() : 'null',
      body,
      etag: `"${createHash('md5').update(body).digest('hex')}"`,
      modified: new Date(this.env.now()),
      deleteMarker: false,
    };
    const versions = (b.objects.get(key) ?? []).filter((x) => v.versionId !== 'null' || x.versionId !== 'null');
    b.objects.set(key, [...versions, v]);
    return v;
  }
}
