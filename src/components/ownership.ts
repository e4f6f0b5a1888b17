import { TAG_NAME, TAG_STACK } from '../config/names';
import { isAwsError, OwnershipConflictError } from '../support/errors';
import type { PipelineContext } from './context';

/** `{Key, Value}` tag lists, the shape IAM, Secrets Manager, S3, CloudTrail and EventBridge take. */
export function tagList(tags: Record<string, string>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** Tags as a map, whatever shape the service returned them in. */
export function tagMap(tags: readonly { Key?: string; Value?: string }[] | Record<string, string> | undefined): Record<string, string> {
  if (!tags) return {};
  if (!Array.isArray(tags)) return { ...(tags as Record<string, string>) };
  return Object.fromEntries((tags as readonly { Key?: string; Value?: string }[]).filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
}

/**
 * A resource with our deterministic name must carry this stack's tag; anything else (made by hand or by
 * another stack with the same PipelineName) is never adopted or changed. With `pipeline`, it must also
 * carry that pipeline's name tag (for names that another pipeline's names can start with).
 */
export function assertOwned(what: string, tags: Record<string, string>, ctx: Pick<PipelineContext, 'stackId'>, pipeline?: string): void {
  const owner = tags[TAG_STACK];
  if (!ownedByThisStack(tags, ctx)) {
    throw new OwnershipConflictError(
      `${what} exists but is not managed by this stack (${owner ? `tag ${TAG_STACK}=${owner}` : `no ${TAG_STACK} tag`}); rename the pipeline or remove it`,
    );
  }
  if (pipeline !== undefined && tags[TAG_NAME] !== pipeline) {
    throw new OwnershipConflictError(`${what} exists but belongs to pipeline ${tags[TAG_NAME] ?? '(none)'} of this stack, not ${pipeline}`);
  }
}

/** True when the tags name this stack as the resource's maker (the one ownership test; names aside). */
export function ownedByThisStack(tags: Record<string, string>, ctx: Pick<PipelineContext, 'stackId'>): boolean {
  return tags[TAG_STACK] === ctx.stackId;
}

/** Why `tags` do not make the resource this stack's (inspect and plan report it), or undefined when it is ours. */
export function ownershipConflict(what: string, tags: Record<string, string>, ctx: Pick<PipelineContext, 'stackId'>, pipeline?: string): string | undefined {
  try {
    assertOwned(what, tags, ctx, pipeline);
    return undefined;
  } catch (err) {
    if (!(err instanceof OwnershipConflictError)) throw err;
    return err.message;
  }
}

/**
 * For remove: true when this stack owns the resource; otherwise logs that it is already gone (no tags: it
 * does not exist) or left in place, and returns false, so a Delete never touches what it did not make.
 */
export function ownedOrLeftAlone(
  what: string,
  tags: Record<string, string> | undefined,
  ctx: Pick<PipelineContext, 'stackId' | 'log'>,
  pipeline?: string,
): boolean {
  if (tags === undefined) {
    alreadyGone(ctx, what);
    return false;
  }
  const reason = ownershipConflict(what, tags, ctx, pipeline);
  if (reason !== undefined) leftInPlace(ctx, what, reason);
  return reason === undefined;
}

/**
 * After an "already exists" (a duplicate delivery of the request got there first): the resource must be
 * this stack's. Returns its tags; throws when it is not ours or is gone again.
 */
export async function ownedAfterAlreadyExists(
  what: string,
  readTags: () => Promise<Record<string, string> | undefined>,
  ctx: Pick<PipelineContext, 'stackId' | 'log'>,
  cause: unknown,
): Promise<Record<string, string>> {
  const tags = await readTags();
  if (tags === undefined) throw new Error(`${what} disappeared while it was being created`, { cause });
  assertOwned(what, tags, ctx);
  logResource(ctx, 'already exists', what);
  return tags;
}

/** The call's result, or undefined when it fails with one of the named "not found" errors. */
export async function orUndefinedWhenNotFound<T>(call: () => Promise<T>, ...notFound: string[]): Promise<T | undefined> {
  try {
    return await call();
  } catch (err) {
    if (isAwsError(err, ...notFound)) return undefined;
    throw err;
  }
}

/** Runs a delete, treating the named "not found" errors as done (and saying so in the log). */
export async function deleteIgnoringNotFound(
  ctx: Pick<PipelineContext, 'log'>,
  what: string,
  call: () => Promise<unknown>,
  notFound: readonly string[],
): Promise<boolean> {
  try {
    await call();
    logResource(ctx, 'deleted', what);
    return true;
  } catch (err) {
    if (!isAwsError(err, ...notFound)) throw err;
    alreadyGone(ctx, what);
    return false;
  }
}

/** Says in the log what happened to `what`. */
export function logResource(ctx: Pick<PipelineContext, 'log'>, happened: 'created' | 'deleted' | 'already exists' | 'already gone', what: string): void {
  ctx.log.info(happened, { resource: what });
}

/** Says in the log that `what` is already gone: for a remove, not found is done. */
export function alreadyGone(ctx: Pick<PipelineContext, 'log'>, what: string): void {
  logResource(ctx, 'already gone', what);
}

/** Says in the log that a remove leaves `what` where it is: it is not ours (`reason` says why). */
export function leftInPlace(ctx: Pick<PipelineContext, 'log'>, what: string, reason: string): void {
  ctx.log.warn('left in place: not ours', { resource: what, reason });
}
