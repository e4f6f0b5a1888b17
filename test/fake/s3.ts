import { createHash } from 'node:crypto';
import {
  AccessDenied,
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  NoSuchBucket,
  NoSuchKey,
  NotFound,
  S3ServiceException,
  type BucketLifecycleConfiguration,
  type DeleteObjectsCommandOutput,
  type ListObjectVersionsCommandOutput,
  type ListObjectsV2CommandOutput,
  type PublicAccessBlockConfiguration,
  type ServerSideEncryptionConfiguration,
  type Tag,
} from '@aws-sdk/client-s3';
import { ErrorFactory } from './errors';
import { checkedTags } from './tag-rules';
import { fromTagList, matchesOwner, notModelled, toTagList, type FakeEnv, type FakeService, type Out, type OwnedResource, type OwnerMatch } from './service';

interface VersionState {
  versionId: string;
  body: Buffer;
  etag: string;
  modified: Date;
  deleteMarker: boolean;
}

interface BucketState {
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

type Input = Record<string, unknown>;

/**
 * S3: buckets with tags, policy, public access block, encryption, ownership controls, lifecycle and
 * versioning; objects with versions and delete markers; paginated listings; BucketNotEmpty on delete.
 */
export class S3Fake implements FakeService {
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
  private readonly buckets = new Map<string, BucketState>();
  private version = 0;

  constructor(
    private readonly env: FakeEnv,
    private readonly opts: S3FakeOptions,
  ) {}

  private readonly handlers: Record<string, (i: Input) => unknown> = {
    CreateBucket: (i) => this.createBucket(i),
    HeadBucket: (i) => this.headBucket(i),
    GetBucketLocation: (i) => ({ LocationConstraint: this.bucket(i).region === 'us-east-1' ? undefined : this.bucket(i).region }),
    DeleteBucket: (i) => this.deleteBucket(i),
    ListBuckets: () => ({ Buckets: [...this.buckets.values()].map((b) => ({ Name: b.name, CreationDate: b.created, BucketRegion: b.region })) }),
    PutBucketTagging: (i) =>
      this.set(
        i,
        (b) => (b.tags = checkedTags('s3', fromTagList((i.Tagging as { TagSet?: Tag[] } | undefined)?.TagSet), (m) => this.errors.make('InvalidTag', m))),
      ),
    GetBucketTagging: (i) => ({ TagSet: toTagList(this.present(i, (b) => b.tags, 'NoSuchTagSet', 'The TagSet does not exist')) }),
    DeleteBucketTagging: (i) => this.set(i, (b) => delete b.tags),
    PutBucketPolicy: (i) => this.putPolicy(i),
    GetBucketPolicy: (i) => ({ Policy: this.present(i, (b) => b.policy, 'NoSuchBucketPolicy', 'The bucket policy does not exist') }),
    DeleteBucketPolicy: (i) => this.set(i, (b) => delete b.policy),
    PutPublicAccessBlock: (i) => this.set(i, (b) => (b.publicAccessBlock = { ...(i.PublicAccessBlockConfiguration as PublicAccessBlockConfiguration) })),
    GetPublicAccessBlock: (i) => ({ PublicAccessBlockConfiguration: { ...this.bucket(i).publicAccessBlock } }),
    PutBucketEncryption: (i) => this.set(i, (b) => (b.encryption = i.ServerSideEncryptionConfiguration as ServerSideEncryptionConfiguration)),
    GetBucketEncryption: (i) => ({ ServerSideEncryptionConfiguration: this.bucket(i).encryption }),
    PutBucketOwnershipControls: (i) =>
      this.set(
        i,
        (b) => (b.ownership = (i.OwnershipControls as { Rules?: { ObjectOwnership?: string }[] }).Rules?.[0]?.ObjectOwnership ?? 'BucketOwnerEnforced'),
      ),
    GetBucketOwnershipControls: (i) => ({ OwnershipControls: { Rules: [{ ObjectOwnership: this.bucket(i).ownership }] } }),
    PutBucketLifecycleConfiguration: (i) => this.putLifecycle(i),
    GetBucketLifecycleConfiguration: (i) => ({
      Rules: this.present(i, (b) => b.lifecycle?.Rules, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist'),
    }),
    DeleteBucketLifecycle: (i) => this.set(i, (b) => delete b.lifecycle),
    PutBucketVersioning: (i) => this.set(i, (b) => (b.versioning = (i.VersioningConfiguration as { Status: 'Enabled' | 'Suspended' }).Status)),
    GetBucketVersioning: (i) => (this.bucket(i).versioning ? { Status: this.bucket(i).versioning } : {}),
    PutObject: (i) => this.putObject(i),
    DeleteObject: (i) => this.deleteObject(this.bucket(i), String(i.Key), i.VersionId as string | undefined),
    DeleteObjects: (i) => this.deleteObjects(i),
    ListObjectsV2: (i) => this.listObjects(i),
    ListObjectVersions: (i) => this.listVersions(i),
  };

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = this.handlers[command];
    if (!h) return notModelled(this.key, command);
    return h(input);
  }

  /** A bucket's policy, for services that write into it (CloudTrail). */
  policyOf(name: string): string | undefined {
    return this.buckets.get(name)?.policy;
  }

  hasBucket(name: string): boolean {
    return this.buckets.has(name);
  }

  /** Writes an object the way a delivering service does (CloudTrail log files): no call is logged. */
  deliver(bucket: string, key: string, body: string): void {
    const b = this.buckets.get(bucket);
    if (!b) throw new Error(`fake account: no bucket ${bucket}`);
    this.write(b, key, Buffer.from(body));
  }

  snapshot(): unknown {
    return [...this.buckets.values()].map((b) => ({
      name: b.name,
      tags: { ...(b.tags ?? {}) },
      ...(b.policy ? { policy: b.policy } : {}),
      ...(b.lifecycle ? { lifecycle: b.lifecycle } : {}),
      versioning: b.versioning ?? 'Off',
      publicAccessBlock: { ...b.publicAccessBlock },
      objects: [...b.objects].map(([key, versions]) => ({ key, versions: versions.length })),
    }));
  }

  owned(match: OwnerMatch): OwnedResource[] {
    return [...this.buckets.values()].filter((b) => matchesOwner(match, b.name, b.tags ?? {})).map((b) => ({ service: this.key, type: 'bucket', id: b.name }));
  }

  // ---- buckets ----

  private createBucket(i: Input): unknown {
    const name = String(i.Bucket);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) throw this.errors.make('InvalidBucketName', 'The specified bucket is not valid.');
    const config = i.CreateBucketConfiguration as { LocationConstraint?: string; Tags?: Tag[] } | undefined;
    const constraint = config?.LocationConstraint;
    // General purpose buckets take tags on create (CreateBucketConfiguration.Tags, authorised as s3:TagResource).
    const tags = config?.Tags ? checkedTags('s3', fromTagList(config.Tags), (m) => this.errors.make('InvalidTag', m)) : undefined;
    if (this.env.region === 'us-east-1' && constraint !== undefined) {
      throw this.errors.make('InvalidLocationConstraint', 'The specified location-constraint is not valid');
    }
    if (this.env.region !== 'us-east-1' && constraint !== this.env.region) {
      throw this.errors.make(
        'IllegalLocationConstraintException',
        `The ${constraint ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to.`,
      );
    }
    if (this.foreignBuckets.has(name)) {
      throw this.errors.make(
        'BucketAlreadyExists',
        'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.',
      );
    }
    const location = this.env.region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/`;
    if (this.buckets.has(name)) {
      // us-east-1 keeps its legacy answer: re-creating a bucket you own succeeds there.
      if (this.env.region === 'us-east-1') return { Location: location };
      throw this.errors.make('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.');
    }
    this.buckets.set(name, {
      name,
      region: this.env.region,
      created: new Date(this.env.now()),
      // Defaults of a bucket created since April 2023.
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
      encryption: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
      ownership: 'BucketOwnerEnforced',
      objects: new Map(),
      ...(tags ? { tags } : {}),
    });
    return { Location: location };
  }

  private headBucket(i: Input): unknown {
    const b = this.buckets.get(String(i.Bucket));
    // HEAD responses carry no body: the SDK reports a bare NotFound.
    if (!b) throw new NotFound({ $metadata: { httpStatusCode: 404, requestId: this.env.uuid() }, message: 'UnknownError' });
    return { BucketRegion: b.region, AccessPointAlias: false };
  }

  private deleteBucket(i: Input): Record<string, never> {
    const b = this.bucket(i);
    if (b.objects.size > 0) throw this.errors.make('BucketNotEmpty', 'The bucket you tried to delete is not empty', 409);
    this.buckets.delete(b.name);
    return {};
  }

  private putPolicy(i: Input): Record<string, never> {
    const b = this.bucket(i);
    const text = String(i.Policy ?? '');
    try {
      JSON.parse(text);
    } catch {
      throw this.errors.make('MalformedPolicy', "Policies must be valid JSON and the first byte must be '{'");
    }
    b.policy = text;
    return {};
  }

  private putLifecycle(i: Input): Record<string, never> {
    const b = this.bucket(i);
    const config = i.LifecycleConfiguration as BucketLifecycleConfiguration | undefined;
    const rules = config?.Rules ?? [];
    if (rules.length === 0 || rules.some((r) => r.Status !== 'Enabled' && r.Status !== 'Disabled')) {
      throw this.errors.make('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    }
    if (rules.some((r) => r.Expiration?.Days !== undefined && r.Expiration.Days < 1)) {
      throw this.errors.make('InvalidArgument', "'Days' for Expiration action must be a positive integer");
    }
    b.lifecycle = config;
    return {};
  }

  // ---- objects ----

  private putObject(i: Input): unknown {
    const b = this.bucket(i);
    const body = i.Body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new Error('fake account: PutObject takes a string or bytes body');
    }
    const v = this.write(b, String(i.Key), Buffer.from(body ?? ''));
    return { ETag: v.etag, ...(b.versioning === 'Enabled' ? { VersionId: v.versionId } : {}) };
  }

  private write(b: BucketState, key: string, body: Buffer): VersionState {
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

  private deleteObject(b: BucketState, key: string, versionId: string | undefined): { DeleteMarker?: boolean; VersionId?: string } {
    const versions = b.objects.get(key) ?? [];
    if (versionId !== undefined) {
      const gone = versions.find((v) => v.versionId === versionId);
      const left = versions.filter((v) => v !== gone);
      if (left.length > 0) b.objects.set(key, left);
      else b.objects.delete(key);
      return { VersionId: versionId, ...(gone?.deleteMarker ? { DeleteMarker: true } : {}) };
    }
    if (b.versioning === 'Enabled') {
      const marker: VersionState = { versionId: this.newVersionId(), body: Buffer.alloc(0), etag: '', modified: new Date(this.env.now()), deleteMarker: true };
      b.objects.set(key, [...versions, marker]);
      return { DeleteMarker: true, VersionId: marker.versionId };
    }
    const left = versions.filter((v) => v.versionId !== 'null');
    if (left.length > 0) b.objects.set(key, left);
    else b.objects.delete(key);
    return {};
  }

  private deleteObjects(i: Input): Out<DeleteObjectsCommandOutput> {
    const b = this.bucket(i);
    const objects = (i.Delete as { Objects?: { Key?: string; VersionId?: string }[]; Quiet?: boolean } | undefined)?.Objects ?? [];
    if (objects.length > 1000)
      throw this.errors.make('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    const Deleted = objects.map((o) => {
      const r = this.deleteObject(b, o.Key ?? '', o.VersionId);
      return {
        Key: o.Key,
        ...(o.VersionId ? { VersionId: o.VersionId } : {}),
        ...(r.DeleteMarker ? { DeleteMarker: true, ...(o.VersionId ? {} : { DeleteMarkerVersionId: r.VersionId }) } : {}),
      };
    });
    const quiet = (i.Delete as { Quiet?: boolean } | undefined)?.Quiet;
    return quiet ? {} : { Deleted };
  }

  private listObjects(i: Input): Out<ListObjectsV2CommandOutput> {
    const b = this.bucket(i);
    const prefix = String(i.Prefix ?? '');
    const keys = [...b.objects]
      .filter(([k, vs]) => k.startsWith(prefix) && !vs[vs.length - 1]!.deleteMarker)
      .map(([k, vs]) => ({ k, v: vs[vs.length - 1]! }))
      .sort((x, y) => (x.k < y.k ? -1 : 1));
    const start = i.ContinuationToken ? Number(Buffer.from(String(i.ContinuationToken), 'base64').toString()) : 0;
    const size = Math.min(Number(i.MaxKeys ?? 1000), this.opts.pageSize);
    const page = keys.slice(start, start + size);
    const truncated = start + size < keys.length;
    return {
      Name: b.name,
      Prefix: prefix,
      KeyCount: page.length,
      MaxKeys: Number(i.MaxKeys ?? 1000),
      IsTruncated: truncated,
      Contents: page.map(({ k, v }) => ({ Key: k, LastModified: v.modified, ETag: v.etag, Size: v.body.length, StorageClass: 'STANDARD' })),
      ...(truncated ? { NextContinuationToken: Buffer.from(String(start + size)).toString('base64') } : {}),
    };
  }

  private listVersions(i: Input): Out<ListObjectVersionsCommandOutput> {
    const b = this.bucket(i);
    const prefix = String(i.Prefix ?? '');
    // Keys ascending; within a key, newest first: the order S3 lists versions in.
    const entries = [...b.objects]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .flatMap(([k, vs]) => [...vs].reverse().map((v, ix) => ({ k, v, latest: ix === 0 })));
    let start = 0;
    if (i.KeyMarker !== undefined) {
      const at = entries.findIndex((e) => e.k === i.KeyMarker && (i.VersionIdMarker === undefined || e.v.versionId === i.VersionIdMarker));
      start = i.VersionIdMarker === undefined ? entries.findIndex((e) => e.k > String(i.KeyMarker)) : at + 1;
      if (start < 0) start = entries.length;
    }
    const size = Math.min(Number(i.MaxKeys ?? 1000), this.opts.pageSize);
    const page = entries.slice(start, start + size);
    const truncated = start + size < entries.length;
    const last = page[page.length - 1];
    return {
      Name: b.name,
      Prefix: prefix,
      MaxKeys: Number(i.MaxKeys ?? 1000),
      IsTruncated: truncated,
      Versions: page
        .filter((e) => !e.v.deleteMarker)
        .map((e) => ({
          Key: e.k,
          VersionId: e.v.versionId,
          IsLatest: e.latest,
          LastModified: e.v.modified,
          ETag: e.v.etag,
          Size: e.v.body.length,
          StorageClass: 'STANDARD',
        })),
      DeleteMarkers: page.filter((e) => e.v.deleteMarker).map((e) => ({ Key: e.k, VersionId: e.v.versionId, IsLatest: e.latest, LastModified: e.v.modified })),
      ...(truncated && last ? { NextKeyMarker: last.k, NextVersionIdMarker: last.v.versionId } : {}),
    };
  }

  // ---- helpers ----

  private bucket(i: Input): BucketState {
    if (this.foreignBuckets.has(String(i.Bucket))) throw this.errors.make('AccessDenied', 'Access Denied', 403);
    const b = this.buckets.get(String(i.Bucket));
    if (!b) throw this.errors.make('NoSuchBucket', 'The specified bucket does not exist');
    return b;
  }

  private set(i: Input, change: (b: BucketState) => unknown): Record<string, never> {
    change(this.bucket(i));
    return {};
  }

  private present<T>(i: Input, read: (b: BucketState) => T | undefined, code: string, message: string): T {
    const v = read(this.bucket(i));
    if (v === undefined) throw this.errors.make(code, message, 404);
    return v;
  }

  private newVersionId(): string {
    this.version++;
    return `${this.env.random(24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._')}${String(this.version).padStart(8, '0')}`;
  }
}
