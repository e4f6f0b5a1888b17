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
import { isAwsError } from '../../errors';
import { notInLambda, type Component, type ComponentOutputs, type ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, deleteIgnoringNotFound, orUndefinedWhenNotFound, ownedAfterAlreadyExists, ownedOrLeftAlone, tagList, tagMap } from '../ownership';
import { createsTrail, trailArn } from './sources';

/**
 * Until the new trail role and bucket policy have propagated, CloudTrail refuses them with these errors:
 * they are retried (on ctx.clock), everything else is not.
 */
export const TRAIL_PROPAGATION_ERRORS = [
  'InvalidCloudWatchLogsRoleArnException',
  'InvalidCloudWatchLogsLogGroupArnException',
  'InsufficientS3BucketPolicyException',
] as const;

/**
 * The pipeline's multi-region trail of management events, with log file validation, delivering to the
 * staging bucket and to the CloudTrail log group. Managed from its home region only; reused trails
 * (ExistingTrailLogGroup) are never created or touched.
 */
export const trailComponent: Component = {
  id: 'trail',
  dependsOn: ['trail-bucket', 'trail-log-group', 'trail-role'],
  enabled: (config, ctx) => createsTrail(config, ctx.region),
  ensure: ensureTrail,
  remove: removeTrail,
  inspect: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : inspectTrail,
};

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

async function ensureTrail(_config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
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
    ctx.log.info('created', { resource: what });
  } catch (err) {
    if (isAwsError(err, 'MaximumNumberOfTrailsExceededException')) {
      throw new Error(
        `${ctx.region} already has the most trails CloudTrail allows (5 per region): set ExistingTrailLogGroup to the log group of an existing multi-region trail to reuse it instead (a second trail also costs $2 per 100,000 events)`,
        { cause: err },
      );
    }
    if (!isAwsError(err, 'TrailAlreadyExistsException')) throw err;
    await ownedAfterAlreadyExists(what, () => trailTags(ctx), ctx, err);
    await retry(() => cloudtrail.send(new UpdateTrailCommand(settings)));
  }
  // A new trail does not log until started; starting a logging trail again is harmless.
  await cloudtrail.send(new StartLoggingCommand({ Name: settings.Name }));
  return {};
}

async function removeTrail(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  const Name = ctx.names.trailName;
  const what = `CloudTrail trail ${Name}`;
  const tags = (await getTrail(ctx)) ? await trailTags(ctx) : undefined;
  if (!ownedOrLeftAlone(what, tags, ctx)) return;
  await deleteIgnoringNotFound(ctx, what, () => ctx.clients.cloudtrail.send(new DeleteTrailCommand({ Name })), ['TrailNotFoundException']);
}

async function inspectTrail(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const trail = await getTrail(ctx);
  const tags = trail ? await trailTags(ctx) : undefined;
  if (!trail || tags === undefined) return { state: 'absent' };
  try {
    assertOwned(`CloudTrail trail ${ctx.names.trailName}`, tags, ctx);
  } catch (err) {
    return { state: 'absent', details: { conflict: (err as Error).message } };
  }
  const want = trailSettings(ctx);
  const differences: string[] = [];
  if (!createsTrail(config, ctx.region)) differences.push('not wanted by the config');
  if (trail.S3BucketName !== want.S3BucketName) differences.push('delivers to another bucket');
  if (trail.IsMultiRegionTrail !== true) differences.push('not multi-region');
  if (trail.IncludeGlobalServiceEvents !== true) differences.push('global service events not included');
  if (trail.LogFileValidationEnabled !== true) differences.push('log file validation off');
  if (trail.CloudWatchLogsLogGroupArn !== want.CloudWatchLogsLogGroupArn) differences.push('delivers to another log group');
  if (trail.CloudWatchLogsRoleArn !== want.CloudWatchLogsRoleArn) differences.push('delivers with another role');
  const status = await ctx.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: ctx.names.trailName }));
  if (status.IsLogging !== true) differences.push('not logging');
  const details = { trailArn: trail.TrailARN };
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

async function getTrail(ctx: PipelineContext): Promise<Trail | undefined> {
  return (await orUndefinedWhenNotFound(() => ctx.clients.cloudtrail.send(new GetTrailCommand({ Name: ctx.names.trailName })), 'TrailNotFoundException'))
    ?.Trail;
}

/** The trail's tags, or undefined when it does not exist. */
async function trailTags(ctx: PipelineContext): Promise<Record<string, string> | undefined> {
  const arn = trailArn(ctx);
  const list = () => ctx.clients.cloudtrail.send(new ListTagsCommand({ ResourceIdList: [arn] }));
  const out = await orUndefinedWhenNotFound(list, 'TrailNotFoundException', 'ResourceNotFoundException');
  return out && tagMap(out.ResourceTagList?.find((r) => r.ResourceId === arn)?.TagsList ?? out.ResourceTagList?.[0]?.TagsList);
}
