import { ListTagsForStreamCommand, type Tag } from '@aws-sdk/client-kinesis';
import { TAG_STACK } from '../config/names';
import { isAwsError, NOT_FOUND } from '../support/errors';
import type { PipelineContext } from './context';
import { tagMap } from './ownership';

/**
 * Kinesis tag keys and values may hold only Unicode letters, digits, white space and `_ . / = + - @`
 * (https://docs.aws.amazon.com/streams/latest/dev/tagging.html#tagging-restrictions): no `:`. Our tag keys
 * (`siem-pipeline:name`) and the stack id (an ARN) have colons, so the stream carries them with `/` instead.
 */
export function kinesisTagText(text: string): string {
  return text.replace(/:/g, '/');
}

/** The pipeline's ownership tags spelt the way Kinesis accepts them. */
export function streamOwnerTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [kinesisTagText(k), kinesisTagText(v)]));
}

/**
 * The stream's tags read back under our usual keys, for the ownership checks: the stack tag holds this stack's id
 * when it matches this stack in its Kinesis spelling, and the stored text otherwise (named in the conflict). A stream
 * tagged by an earlier version with the colon spelling (should Kinesis have taken it) is still recognised.
 */
export function streamOwnershipTags(tags: Record<string, string>, stackId: string): Record<string, string> {
  const stored = tags[kinesisTagText(TAG_STACK)];
  if (stored === undefined) return tags[TAG_STACK] === undefined ? {} : { [TAG_STACK]: tags[TAG_STACK] };
  return { [TAG_STACK]: stored === kinesisTagText(stackId) ? stackId : stored };
}

/** All tags of a stream (ListTagsForStream pages at 50), or undefined when the stream is gone. */
export async function streamTags(ctx: PipelineContext, streamName = ctx.names.streamName): Promise<Record<string, string> | undefined> {
  const tags: Tag[] = [];
  let ExclusiveStartTagKey: string | undefined;
  try {
    for (;;) {
      const out = await ctx.clients.kinesis.send(
        new ListTagsForStreamCommand({ StreamName: streamName, ...(ExclusiveStartTagKey ? { ExclusiveStartTagKey } : {}) }),
      );
      tags.push(...(out.Tags ?? []));
      if (!out.HasMoreTags || !out.Tags?.length) break;
      ExclusiveStartTagKey = out.Tags[out.Tags.length - 1].Key;
    }
  } catch (err) {
    if (isAwsError(err, NOT_FOUND)) return undefined;
    throw err;
  }
  return tagMap(tags);
}
