import { GetDetectorCommand, ListDetectorsCommand, TagResourceCommand, UntagResourceCommand, type GetDetectorCommandOutput } from '@aws-sdk/client-guardduty';
import { isAwsError } from '../../support/errors';
import { allPages } from '../../aws/pages';
import type { PipelineContext } from '../../components/context';

/** GuardDuty answers most failures, "not found" and "already exists" included, with this one error name. */
export const BAD_REQUEST = 'BadRequestException';

/** The region's detector id; there is at most one. */
export async function findDetector(ctx: PipelineContext): Promise<string | undefined> {
  return (await listDetectorIds(ctx))[0];
}

/** Every detector id of the region, reading every page. */
export async function listDetectorIds(ctx: PipelineContext): Promise<string[]> {
  return allPages(
    'NextToken',
    (paging) => ctx.clients.guardduty.send(new ListDetectorsCommand(paging)),
    (page) => page.DetectorIds,
  );
}

export function getDetector(detectorId: string, ctx: PipelineContext): Promise<GetDetectorCommandOutput> {
  return ctx.clients.guardduty.send(new GetDetectorCommand({ DetectorId: detectorId }));
}

/** GuardDuty has no "not found" error: a BadRequest on a detector we listed means gone only if it no longer lists. */
export async function isGone(detectorId: string, ctx: PipelineContext): Promise<boolean> {
  return !(await listDetectorIds(ctx)).includes(detectorId);
}

export function isAlreadyExists(err: unknown): boolean {
  return isAwsError(err, BAD_REQUEST) && /already exists/i.test((err as Error).message);
}

export function detectorArn(detectorId: string, ctx: Pick<PipelineContext, 'partition' | 'region' | 'account'>): string {
  return `arn:${ctx.partition}:guardduty:${ctx.region}:${ctx.account}:detector/${detectorId}`;
}

/** Puts tags on the detector (TagResource overwrites the values of keys it already has). */
export async function tagDetector(detectorId: string, tags: Record<string, string>, ctx: PipelineContext): Promise<void> {
  await ctx.clients.guardduty.send(new TagResourceCommand({ ResourceArn: detectorArn(detectorId, ctx), Tags: tags }));
}

/** Takes the given keys off the detector; does nothing when the list is empty. */
export async function untagDetector(detectorId: string, keys: readonly string[], ctx: PipelineContext): Promise<void> {
  if (keys.length === 0) return;
  await ctx.clients.guardduty.send(new UntagResourceCommand({ ResourceArn: detectorArn(detectorId, ctx), TagKeys: [...keys] }));
}

/** How the logs and the plan name a detector. */
export function detectorLabel(id: string): string {
  return `GuardDuty detector ${id}`;
}
