import {
  NotFound,
  type BucketLifecycleConfiguration,
  type PublicAccessBlockConfiguration,
  type ServerSideEncryptionConfiguration,
  type Tag,
} from '@aws-sdk/client-s3';
import { checkedTags } from './tag-rules';
import { fromTagList, matchesOwner, notModelled, toTagList, type FakeService, type OwnedResource, type OwnerMatch } from './service';
import { S3Objects } from './s3-objects';
import { type Input } from './s3-state';

export type { S3FakeOptions } from './s3-state';

/**
 * S3: buckets with tags, policy, public access block, encryption, ownership controls, lifecycle and
 * versioning; objects with versions and delete markers; paginated listings; BucketNotEmpty on delete.
 */
export class S3Fake extends S3Objects implements FakeService {
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
}
