import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectVersionsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import { withRetries } from '../../aws/retry';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError, OwnershipConflictError } from '../../support/errors';
import { defineComponent, type Change, type Component, type ComponentOutputs } from '../../components/component';
import type { PipelineContext } from '../../components/context';
import { leftInPlace, logResource, ownedAfterAlreadyExists, ownedOrLeftAlone, tagList } from '../../components/ownership';
import { policyJson } from '../../components/policies';
import { createsTrail } from '../needs';
import { bucketTags, ForeignBucketError } from './trail-bucket-owner';
import { desiredBucket, diffBucket, readBucket, type BucketFound, type BucketSetting, type BucketWanted } from './trail-bucket-state';

export { PUBLIC_ACCESS_BLOCK, trailBucketLifecycle } from './trail-bucket-state';

/** DeleteObjects takes at most this many keys per request. */
export const DELETE_BATCH = 1000;

/**
 * The S3 bucket the trail stages its log files in: private, encrypted, TLS only, writable by our trail
 * alone, and expiring its objects (the events live on in the stream). Delete empties it, every version
 * included, and deletes it; a bucket without this stack's tag is never touched.
 */
export const trailBucketComponent: Component = defineComponent(
  { id: 'trail-bucket', dependsOn: [], enabled: (config, ctx) => createsTrail(config, ctx.region), remove: removeBucket },
  {
    read: (_config, ctx, purpose) => readBucket(ctx, purpose),
    desired: desiredBucket,
    diff: diffBucket,
    apply: applyBucket,
    details: process.env.SIEM_LAMBDA_BUNDLE ? undefined : (_found, ctx) => ({ bucket: ctx.names.trailBucket }),
  },
);

/** The request that puts one setting of the desired bucket (every call names our account as the owner). */
const PUT: Record<Exclude<BucketSetting, 'tags'>, (s3: S3Client, w: BucketWanted, b: { Bucket: string; ExpectedBucketOwner: string }) => Promise<unknown>> = {
  publicAccessBlock: (s3, w, b) => s3.send(new PutPublicAccessBlockCommand({ ...b, PublicAccessBlockConfiguration: w.publicAccessBlock })),
  objectOwnership: (s3, w, b) =>
    s3.send(new PutBucketOwnershipControlsCommand({ ...b, OwnershipControls: { Rules: [{ ObjectOwnership: w.objectOwnership }] } })),
  encryption: (s3, w, b) =>
    s3.send(
      new PutBucketEncryptionCommand({
        ...b,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: w.sseAlgorithm }, BucketKeyEnabled: true }] },
      }),
    ),
  policy: (s3, w, b) => s3.send(new PutBucketPolicyCommand({ ...b, Policy: policyJson(w.policy) })),
  lifecycle: (s3, w, b) => s3.send(new PutBucketLifecycleConfigurationCommand({ ...b, LifecycleConfiguration: { Rules: w.lifecycle } })),
};

/** Creates the bucket when the diff says so, then puts each setting the diff lists, in its order. */
async function applyBucket(changes: Change<BucketSetting>[], config: PipelineConfig, ctx: PipelineContext, found: BucketFound): Promise<ComponentOutputs> {
  // A bucket of this name in another account is refused by S3 when our account is named as the owner.
  const b = { Bucket: ctx.names.trailBucket, ExpectedBucketOwner: ctx.account };
  const want = desiredBucket(config, ctx);
  const { tags, fresh } = changes.some((c) => c.kind === 'create') ? await createBucket(ctx) : { tags: found.tags ?? {}, fresh: false };
  for (const { action } of changes) {
    if (action === 'tags') {
      // A duplicate delivery's bucket (BucketAlreadyOwnedByYou) may carry our tags already.
      if (!fresh && Object.entries(want.tags).every(([k, v]) => tags[k] === v)) continue;
      // PutBucketTagging replaces the whole set: keep tags others added.
      const tag = () => ctx.clients.s3.send(new PutBucketTaggingCommand({ ...b, Tagging: { TagSet: tagList({ ...tags, ...want.tags }) } }));
      await (fresh ? tagNewBucket(tag, ctx) : tag());
    } else if (action) await PUT[action](ctx.clients.s3, want, b);
  }
  return {};
}

/**
 * Creates the bucket with our tags in the same request, so a failure right after it still leaves a bucket
 * that Delete recognises as ours. Returns the tags the bucket has, and whether this call created it.
 */
async function createBucket(ctx: PipelineContext): Promise<{ tags: Record<string, string>; fresh: boolean }> {
  const Bucket = ctx.names.trailBucket;
  const what = `S3 bucket ${Bucket}`;
  try {
    await ctx.clients.s3.send(
      new CreateBucketCommand({
        Bucket,
        CreateBucketConfiguration: {
          // us-east-1 is S3's default location and refuses to be named as a LocationConstraint.
          ...(ctx.region === 'us-east-1' ? {} : { LocationConstraint: ctx.region as BucketLocationConstraint }),
          Tags: tagList(ctx.tags),
        },
      }),
    );
    logResource(ctx, 'created', what);
    return { tags: { ...ctx.tags }, fresh: true };
  } catch (err) {
    if (isAwsError(err, 'BucketAlreadyExists')) {
      throw new OwnershipConflictError(`${what} exists in another AWS account; bucket names are global, rename the pipeline`, { cause: err });
    }
    if (!isAwsError(err, 'BucketAlreadyOwnedByYou')) throw err;
    return { tags: await ownedAfterAlreadyExists(what, () => bucketTags(ctx), ctx, err), fresh: false };
  }
}

/**
 * Tags the bucket this request has just created. Where CreateBucket drops its tags, a bucket left untagged
 * would never count as ours again (Delete and every later Create refuse it): when tagging fails, the new,
 * still empty bucket is deleted again before the error is thrown.
 */
async function tagNewBucket(tag: () => Promise<unknown>, ctx: PipelineContext): Promise<void> {
  const Bucket = ctx.names.trailBucket;
  const what = `S3 bucket ${Bucket}`;
  try {
    await tag();
  } catch (err) {
    try {
      await ctx.clients.s3.send(new DeleteBucketCommand({ Bucket, ExpectedBucketOwner: ctx.account }));
      ctx.log.warn('deleted again: the new bucket could not be tagged as ours', { resource: what, error: err });
    } catch (undo) {
      ctx.log.error('the new bucket could not be tagged as ours nor deleted: delete it by hand', { resource: what, error: undo });
    }
    throw err;
  }
}

async function removeBucket(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const Bucket = ctx.names.trailBucket;
  const what = `S3 bucket ${Bucket}`;
  let tags: Record<string, string> | undefined;
  try {
    tags = await bucketTags(ctx);
  } catch (err) {
    // A bucket of another account was never ours: Delete leaves it and succeeds.
    if (!(err instanceof ForeignBucketError)) throw err;
    leftInPlace(ctx, what, err.message);
    return;
  }
  if (!ownedOrLeftAlone(what, tags, ctx)) return;
  // A delivery that was in flight when the trail was deleted can land after the emptying: empty again then.
  const deleted = await withRetries(
    async () => {
      await emptyBucket(ctx);
      try {
        await ctx.clients.s3.send(new DeleteBucketCommand({ Bucket, ExpectedBucketOwner: ctx.account }));
        return true;
      } catch (err) {
        if (isAwsError(err, 'NoSuchBucket')) return false;
        throw err;
      }
    },
    (err) => isAwsError(err, 'BucketNotEmpty'),
    { ...ctx.propagationRetry, clock: ctx.clock },
  );
  logResource(ctx, deleted ? 'deleted' : 'already gone', what);
}

/** Deletes every object version and delete marker, page by page, at most DELETE_BATCH keys per request. */
async function emptyBucket(ctx: PipelineContext): Promise<void> {
  const Bucket = ctx.names.trailBucket;
  const ExpectedBucketOwner = ctx.account;
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  let count = 0;
  for (;;) {
    let page;
    try {
      page = await ctx.clients.s3.send(
        new ListObjectVersionsCommand({
          Bucket,
          ExpectedBucketOwner,
          ...(KeyMarker !== undefined ? { KeyMarker } : {}),
          ...(VersionIdMarker !== undefined ? { VersionIdMarker } : {}),
        }),
      );
    } catch (err) {
      if (isAwsError(err, 'NoSuchBucket')) return;
      throw err;
    }
    const keys: ObjectIdentifier[] = [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]
      .filter((v) => v.Key !== undefined)
      .map((v) => ({ Key: v.Key!, ...(v.VersionId ? { VersionId: v.VersionId } : {}) }));
    for (let i = 0; i < keys.length; i += DELETE_BATCH) {
      const Objects = keys.slice(i, i + DELETE_BATCH);
      const out = await ctx.clients.s3.send(new DeleteObjectsCommand({ Bucket, ExpectedBucketOwner, Delete: { Objects, Quiet: true } }));
      const errors = out.Errors ?? [];
      if (errors.length > 0) {
        const sample = errors
          .slice(0, 3)
          .map((e) => `${e.Key ?? '?'} (${e.Code ?? 'error'}: ${e.Message ?? ''})`)
          .join(', ');
        throw new Error(`could not delete ${errors.length} of ${Objects.length} objects of S3 bucket ${Bucket}: ${sample}`);
      }
      count += Objects.length;
    }
    if (!page.IsTruncated) break;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
  if (count > 0) ctx.log.info('emptied', { resource: `S3 bucket ${Bucket}`, objectVersions: count });
}
