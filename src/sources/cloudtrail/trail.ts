import {
  CreateTrailCommand,
  DeleteTrailCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { withRetries } from '../../aws/retry';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError, NOT_FOUND } from '../../support/errors';
import {
  defineComponent,
  NOT_WANTED,
  notInLambda,
  updateOf,
  type Change,
  type Component,
  type ComponentOutputs,
  type ReadPurpose,
} from '../../components/component';
import type { PipelineContext } from '../../components/context';
import {
  deleteIgnoringNotFound,
  logResource,
  orUndefinedWhenNotFound,
  ownedAfterAlreadyExists,
  ownedOrLeftAlone,
  ownershipConflict,
  tagList,
  tagMap,
} from '../../components/ownership';
import { createsTrail, trailArn } from '../needs';

/**
 * Until the new trail role and bucket policy have propagated, CloudTrail refuses them with these errors:
 * they are retried (on ctx.clock), everything else is not.
 */
export const TRAIL_PROPAGATION_ERRORS = [
  'InvalidCloudWatchLogsRoleArnException',
  'InvalidCloudWatchLogsLogGroupArnException',
  'InsufficientS3BucketPolicyException',
] as const;

/** What read found: nothing for ensure (it creates or updates the trail and starts it anyway); all else for inspect and plan. */
export interface TrailFound {
  /** False for ensure: then the trail is put and started unread. */
  read: boolean;
  trail?: Trail;
  tags?: Record<string, string>;
  /** Read only for a trail of ours. */
  logging?: boolean;
}

/** The trail the config asks for: the one place its settings are written. */
export interface TrailWanted {
  stackId: string;
  /** False when the config does not ask for our trail (inspect reports one of ours as drifted). */
  wanted: boolean;
  settings: ReturnType<typeof trailSettings>;
}

/** What one change does: put the trail (CreateTrail, or UpdateTrail when it exists), or start logging. */
export type TrailAction = 'put' | 'start';

/**
 * The pipeline's multi-region trail of management events, with log file validation, delivering to the
 * staging bucket and to the CloudTrail log group. Managed from its home region only; reused trails
 * (ExistingTrailLogGroup) are never created or touched.
 */
export const trailComponent: Component = defineComponent(
  {
    id: 'trail',
    dependsOn: ['trail-bucket', 'trail-log-group', 'trail-role'],
    enabled: (config, ctx) => createsTrail(config, ctx.region),
    remove: removeTrail,
  },
  {
    read: (_config, ctx, purpose) => readTrail(ctx, purpose),
    desired: (config, ctx) => ({ stackId: ctx.stackId, wanted: createsTrail(config, ctx.region), settings: trailSettings(ctx) }),
    diff: diffTrail,
    apply: applyTrail,
    details: process.env.SIEM_LAMBDA_BUNDLE ? undefined : ({ trail }) => ({ trailArn: trail?.TrailARN }),
  },
);

/** The trail's settings, as CreateTrail and UpdateTrail both take them. */
export function trailSettings(ctx: PipelineContext) {
  return {
    Name: ctx.names.trailName,
    S3BucketName: ctx.names.trailBucket,
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    EnableLogFileValidation: true,
    // CloudTrail wants the log group ARN with the `:*` suffix (its streams), not the bare group ARN.
    CloudWatchLogsLogGroupArn: `${ctx.names.logGroupArn(ctx.names.cloudTrailLogGroup)}:*`,
    CloudWatchLogsRoleArn: ctx.names.roleArn(ctx.names.trailRole),
  };
}

/** Ensure reads nothing (CreateTrail answers for an existing trail); inspect reads the trail, its tags and, when ours, its status. */
async function readTrail(ctx: PipelineContext, purpose: ReadPurpose): Promise<TrailFound> {
  // The Lambda bundles only ensure (SIEM_LAMBDA_BUNDLE, see notInLambda): the rest is left out of them.
  if (process.env.SIEM_LAMBDA_BUNDLE || purpose === 'ensure') return { read: false };
  const trail = await getTrail(ctx);
  const tags = trail ? await trailTags(ctx) : undefined;
  if (!trail || tags === undefined || ownershipConflict('', tags, ctx)) return { read: true, trail, tags };
  const status = await ctx.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: ctx.names.trailName }));
  return { read: true, trail, tags, logging: status.IsLogging === true };
}

/** The settings inspect compares: how it reports a difference, the trail's field, and the value wanted. */
const COMPARED: [string, keyof Trail, (w: TrailWanted['settings']) => unknown][] = [
  ['delivers to another bucket', 'S3BucketName', (w) => w.S3BucketName],
  ['not multi-region', 'IsMultiRegionTrail', () => true],
  ['global service events not included', 'IncludeGlobalServiceEvents', () => true],
  ['log file validation off', 'LogFileValidationEnabled', () => true],
  ['delivers to another log group', 'CloudWatchLogsLogGroupArn', (w) => w.CloudWatchLogsLogGroupArn],
  ['delivers with another role', 'CloudWatchLogsRoleArn', (w) => w.CloudWatchLogsRoleArn],
];

/**
 * Pure: unread (ensure) or absent and wanted, create-or-update and start; not ours, a conflict; else one change per
 * setting that differs, and a start when it does not log.
 */
export function diffTrail(found: TrailFound, want: TrailWanted): Change<TrailAction>[] {
  const resource = `CloudTrail trail ${want.settings.Name}`;
  // No fields: the plan shows the description (a stopped trail has no setting to put, only a start).
  const start: Change<TrailAction> = { kind: 'update', resource, description: 'not logging', action: 'start', fields: [] };
  const create: Change<TrailAction>[] = [{ kind: 'create', resource, description: 'create', action: 'put' }, start];
  // Absent and not wanted (a reused trail, a region other than the trail's home): inspect reports it absent, the plan drops the create.
  if (!found.read || !found.trail || found.tags === undefined) return found.read && !want.wanted ? create.slice(0, 1) : create;
  // Only inspect and plan read the trail: the comparison is left out of the Lambda bundles.
  return (process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : diffFoundTrail)(found.trail, found.tags, found.logging, want, resource, start);
}

/** The changes for a trail that read found: a conflict when not ours, else the settings that differ and a start. */
function diffFoundTrail(
  trail: Trail,
  tags: Record<string, string>,
  logging: boolean | undefined,
  want: TrailWanted,
  resource: string,
  start: Change<TrailAction>,
): Change<TrailAction>[] {
  const conflict = ownershipConflict(resource, tags, want);
  if (conflict) return [{ kind: 'conflict', resource, description: conflict }];
  const changes: Change<TrailAction>[] = [];
  if (!want.wanted) changes.push({ kind: 'delete', resource, description: NOT_WANTED });
  for (const [description, field, wanted] of COMPARED) {
    const to = wanted(want.settings);
    if (trail[field] !== to) changes.push(updateOf(resource, field, trail[field], to, description, 'put' as const));
  }
  if (logging !== true) changes.push(start);
  return changes;
}

/** Puts the trail (creates it, or updates the one that exists), then starts it, as the changes ask. */
async function applyTrail(changes: Change<TrailAction>[], _config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  // One put for any number of settings; the diff lists the start last.
  for (const action of new Set(changes.map((c) => c.action))) {
    if (action === 'put') await putTrail(ctx);
    // A new trail does not log until started; starting a logging trail again is harmless.
    if (action === 'start') await ctx.clients.cloudtrail.send(new StartLoggingCommand({ Name: ctx.names.trailName }));
  }
  return {};
}

const TRAIL_NOT_FOUND = 'TrailNotFoundException';

/** CloudTrail: "You can create up to five trails per AWS Region"; a multi-region trail counts in every region. Not adjustable. */
export const TRAILS_PER_REGION = 5;

/** Why no trail can be created in `region`: it has TRAILS_PER_REGION (preflight, and CreateTrail's refusal). */
export function trailQuotaReached(region: string): string {
  return `${region} already has the most trails CloudTrail allows (${TRAILS_PER_REGION} per region): set ExistingTrailLogGroup to the log group of an existing multi-region trail to reuse it instead (a second trail also costs $2 per 100,000 events)`;
}

/** CreateTrail, or on TrailAlreadyExists (when ours) UpdateTrail, each retried until the role and bucket policy have propagated. */
async function putTrail(ctx: PipelineContext): Promise<void> {
  const { cloudtrail } = ctx.clients;
  const settings = trailSettings(ctx);
  const what = `CloudTrail trail ${settings.Name}`;
  const retry = <T>(call: () => Promise<T>) =>
    withRetries(call, (err) => isAwsError(err, ...TRAIL_PROPAGATION_ERRORS), {
      ...ctx.propagationRetry,
      clock: ctx.clock,
      onRetry: (err, attempt, delayMs) =>
        ctx.log.info('trail role or bucket policy not yet usable; retrying', { resource: what, error: (err as Error).name, attempt, delayMs }),
    });
  try {
    await retry(() => cloudtrail.send(new CreateTrailCommand({ ...settings, TagsList: tagList(ctx.tags) })));
    logResource(ctx, 'created', what);
  } catch (err) {
    if (isAwsError(err, 'MaximumNumberOfTrailsExceededException')) {
      throw new Error(trailQuotaReached(ctx.region), { cause: err });
    }
    if (!isAwsError(err, 'TrailAlreadyExistsException')) throw err;
    await ownedAfterAlreadyExists(what, () => trailTags(ctx), ctx, err);
    await retry(() => cloudtrail.send(new UpdateTrailCommand(settings)));
  }
}

async function removeTrail(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const Name = ctx.names.trailName;
  const what = `CloudTrail trail ${Name}`;
  const tags = (await getTrail(ctx)) ? await trailTags(ctx) : undefined;
  if (!ownedOrLeftAlone(what, tags, ctx)) return;
  await deleteIgnoringNotFound(ctx, what, () => ctx.clients.cloudtrail.send(new DeleteTrailCommand({ Name })), [TRAIL_NOT_FOUND]);
}

async function getTrail(ctx: PipelineContext): Promise<Trail | undefined> {
  return (await orUndefinedWhenNotFound(() => ctx.clients.cloudtrail.send(new GetTrailCommand({ Name: ctx.names.trailName })), TRAIL_NOT_FOUND))?.Trail;
}

/** The trail's tags, or undefined when it does not exist. */
async function trailTags(ctx: PipelineContext): Promise<Record<string, string> | undefined> {
  const arn = trailArn(ctx);
  const list = () => ctx.clients.cloudtrail.send(new ListTagsCommand({ ResourceIdList: [arn] }));
  const out = await orUndefinedWhenNotFound(list, TRAIL_NOT_FOUND, NOT_FOUND);
  return out && tagMap(out.ResourceTagList?.find((r) => r.ResourceId === arn)?.TagsList ?? out.ResourceTagList?.[0]?.TagsList);
}
