import { GetBucketTaggingCommand } from '@aws-sdk/client-s3';
import { describeError, isAwsError, OwnershipConflictError } from '../../support/errors';
import type { PipelineContext } from '../../components/context';
import { tagMap } from '../../components/ownership';

/** Our deterministic bucket name is taken by another account (names are global and predictable). */
export class ForeignBucketError extends OwnershipConflictError {}

/**
 * The bucket's tags ({} when it has none), or undefined when the bucket does not exist. A 403 to a call that
 * names our account as ExpectedBucketOwner means another account owns the name: ForeignBucketError, before
 * anything is written to it.
 */
export async function bucketTags(ctx: PipelineContext): Promise<Record<string, string> | undefined> {
  const Bucket = ctx.names.trailBucket;
  try {
    const out = await ctx.clients.s3.send(new GetBucketTaggingCommand({ Bucket, ExpectedBucketOwner: ctx.account }));
    return tagMap(out.TagSet);
  } catch (err) {
    if (isAwsError(err, 'NoSuchBucket')) return undefined;
    if (isAwsError(err, 'NoSuchTagSet')) return {};
    if (isAwsError(err, 'AccessDenied', 'Forbidden')) {
      throw new ForeignBucketError(
        `S3 bucket ${Bucket} is not owned by account ${ctx.account} (S3 answered 403 to a request naming it as the expected owner): ` +
          'another account has taken this name, or this function may not read the bucket; nothing was written to it. ' +
          `Rename the pipeline (PipelineName) to use another bucket name (S3: ${describeError(err)})`,
        { cause: err },
      );
    }
    throw err;
  }
}
