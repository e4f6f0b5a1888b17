import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  ListAccessKeysCommand,
  PutUserPolicyCommand,
  type User,
} from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
} from '@aws-sdk/client-secrets-manager';
import { withRetries } from '../../aws/retry';
import type { PipelineConfig } from '../../config/pipeline-config';
import { TAG_STACK } from '../../config/names';
import { isAwsError } from '../../errors';
import type { Component, ComponentOutputs, ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, deleteIgnoringNotFound, ownedOrLeftAlone, tagList, tagMap } from '../ownership';
import { policyJson, samePolicy, streamReaderPolicy } from '../policies';
import { settleAll } from '../settle';

/** Secret tag naming the access key the secret holds, so converging never needs GetSecretValue. */
export const SECRET_TAG_KEY_ID = 'siem-pipeline:access-key-id';
/** Secret tag holding the AccessKeyRotation value the key was made for; a new value rotates the key. */
export const SECRET_TAG_ROTATION = 'siem-pipeline:key-rotation';

/** What the secret's JSON holds: everything a SIEM needs to read the stream. */
export interface ReaderSecretValue {
  accessKeyId: string;
  secretAccessKey: string;
  streamName: string;
  streamArn: string;
  region: string;
}

/**
 * SIEM read access by IAM user: a user allowed only to read the stream, its access key kept in a
 * Secrets Manager secret (never in outputs, logs or the custom resource Data).
 * The stream ARN is deterministic, so this runs alongside the stream's creation rather than after it.
 */
export const siemUserComponent: Component = {
  id: 'siem-user',
  dependsOn: [],
  enabled: (config) => config.siemAccess.kind === 'IamUser',
  ensure: ensureSiemUser,
  remove: removeSiemUser,
  inspect: inspectSiemUser,
};

interface SecretState {
  arn: string;
  tags: Record<string, string>;
  /** Scheduled for deletion (recoverable until then with RestoreSecret). */
  deleted: boolean;
}

async function ensureSiemUser(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentOutputs> {
  const rotationToken = config.siemAccess.kind === 'IamUser' ? config.siemAccess.rotationToken : '';
  const [user, secret] = await settleAll([ensureUser(ctx), describeSecret(ctx)]);
  if (secret) assertOwned(`secret ${ctx.names.siemSecret}`, secret.tags, ctx);
  // A user IAM has only just created may not be visible to the next call yet.
  const call = <T>(fn: () => Promise<T>) => (user.fresh ? afterPropagation(ctx, fn) : fn());
  const [, secretArn] = await settleAll([
    call(() =>
      ctx.clients.iam.send(
        new PutUserPolicyCommand({
          UserName: ctx.names.siemUser,
          PolicyName: ctx.names.policyName,
          PolicyDocument: policyJson(streamReaderPolicy(ctx.names.streamArn)),
        }),
      ),
    ),
    convergeAccessKey(ctx, secret, rotationToken, call),
  ]);
  return { SecretArn: secretArn, ReaderUserArn: user.arn };
}

/**
 * Makes the secret hold a live key of the user made for `rotationToken`. Order matters for a run that is
 * interrupted at any point: leftovers first, then the new key, then the secret, and only then the old key.
 */
async function convergeAccessKey(
  ctx: PipelineContext,
  found: SecretState | undefined,
  rotationToken: string,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<string> {
  const secret = found?.deleted ? await restoreSecret(ctx, found) : found;
  const keys = await listAccessKeys(ctx);
  const recorded = secret?.tags[SECRET_TAG_KEY_ID];
  const recordedLive = recorded !== undefined && keys.includes(recorded);
  if (secret && recordedLive && secret.tags[SECRET_TAG_ROTATION] === rotationToken) return secret.arn;

  // Keys the secret does not name are leftovers of an interrupted run; IAM allows two keys per user.
  for (const id of keys.filter((k) => k !== recorded)) await deleteAccessKey(ctx, id);
  const created = await call(() => ctx.clients.iam.send(new CreateAccessKeyCommand({ UserName: ctx.names.siemUser })));
  const key = created.AccessKey;
  if (!key?.AccessKeyId || !key.SecretAccessKey) throw new Error('CreateAccessKey returned no access key');
  const value: ReaderSecretValue = {
    accessKeyId: key.AccessKeyId,
    secretAccessKey: key.SecretAccessKey,
    streamName: ctx.names.streamName,
    streamArn: ctx.names.streamArn,
    region: ctx.region,
  };
  const arn = await writeSecret(ctx, secret, value, rotationToken);
  if (recordedLive) await deleteAccessKey(ctx, recorded);
  ctx.log.info(secret ? 'access key rotated' : 'access key created', { resource: `IAM user ${ctx.names.siemUser}` });
  return arn;
}

async function writeSecret(ctx: PipelineContext, existing: SecretState | undefined, value: ReaderSecretValue, rotationToken: string): Promise<string> {
  const SecretString = JSON.stringify(value);
  const keyTags = [
    { Key: SECRET_TAG_KEY_ID, Value: value.accessKeyId },
    { Key: SECRET_TAG_ROTATION, Value: rotationToken },
  ];
  let secret = existing;
  if (!secret) {
    try {
      const out = await ctx.clients.secrets.send(
        new CreateSecretCommand({
          Name: ctx.names.siemSecret,
          Description: `Access key of the SIEM reader of Kinesis stream ${ctx.names.streamName}`,
          SecretString,
          Tags: [...tagList(ctx.tags), ...keyTags],
        }),
      );
      if (!out.ARN) throw new Error('CreateSecret returned no ARN');
      return out.ARN;
    } catch (err) {
      // A duplicate delivery created it first: take it over if it is ours.
      if (!isAwsError(err, 'ResourceExistsException')) throw err;
      secret = await describeSecret(ctx);
      if (!secret) throw err;
      assertOwned(`secret ${ctx.names.siemSecret}`, secret.tags, ctx);
      if (secret.deleted) secret = await restoreSecret(ctx, secret);
    }
  }
  await ctx.clients.secrets.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString }));
  await ctx.clients.secrets.send(new TagResourceCommand({ SecretId: secret.arn, Tags: keyTags }));
  return secret.arn;
}

async function removeSiemUser(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  await settleAll([removeUser(ctx), removeSecret(ctx)]);
}

async function removeUser(ctx: PipelineContext): Promise<void> {
  const { iam } = ctx.clients;
  const UserName = ctx.names.siemUser;
  const what = `IAM user ${UserName}`;
  const user = await getUser(ctx);
  if (!user) {
    ctx.log.info('already gone', { resource: what });
    return;
  }
  if (!ownedOrLeftAlone(what, tagMap(user.Tags), ctx)) return;
  for (const id of await listAccessKeys(ctx)) await deleteAccessKey(ctx, id);
  await deleteIgnoringNotFound(ctx, `${what} policy`, () => iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: ctx.names.policyName })), ['NoSuchEntity']);
  await deleteIgnoringNotFound(ctx, what, () => iam.send(new DeleteUserCommand({ UserName })), ['NoSuchEntity']);
}

async function removeSecret(ctx: PipelineContext): Promise<void> {
  const what = `secret ${ctx.names.siemSecret}`;
  const secret = await describeSecret(ctx);
  if (!secret) {
    ctx.log.info('already gone', { resource: what });
    return;
  }
  if (!ownedOrLeftAlone(what, secret.tags, ctx)) return;
  // Without recovery: a secret left pending deletion would block re-creating the same name for up to 30 days.
  await deleteIgnoringNotFound(
    ctx,
    what,
    () => ctx.clients.secrets.send(new DeleteSecretCommand({ SecretId: secret.arn, ForceDeleteWithoutRecovery: true })),
    ['ResourceNotFoundException'],
  );
}

async function inspectSiemUser(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const [user, secret] = await Promise.all([getUser(ctx), describeSecret(ctx)]);
  const userOurs = user !== undefined && tagMap(user.Tags)[TAG_STACK] === ctx.stackId;
  const secretOurs = secret !== undefined && secret.tags[TAG_STACK] === ctx.stackId;
  const conflicts = [
    ...(user && !userOurs ? [`IAM user ${ctx.names.siemUser} is not managed by this stack`] : []),
    ...(secret && !secretOurs ? [`secret ${ctx.names.siemSecret} is not managed by this stack`] : []),
  ];
  if (!userOurs && !secretOurs) return conflicts.length > 0 ? { state: 'absent', details: { conflicts } } : { state: 'absent' };

  const differences: string[] = [...conflicts];
  if (config.siemAccess.kind !== 'IamUser') differences.push(`not wanted: SiemAccess is ${config.siemAccess.kind}`);
  if (!user) differences.push('user missing');
  if (userOurs && !samePolicy(await getUserPolicy(ctx), streamReaderPolicy(ctx.names.streamArn))) differences.push('reader policy missing or changed');
  if (!secret) differences.push('secret missing');
  if (secretOurs) {
    if (secret.deleted) differences.push('secret scheduled for deletion');
    const recorded = secret.tags[SECRET_TAG_KEY_ID];
    const keys = userOurs ? await listAccessKeys(ctx) : [];
    if (recorded === undefined || !keys.includes(recorded)) differences.push('secret names no live access key of the user');
    if (config.siemAccess.kind === 'IamUser' && secret.tags[SECRET_TAG_ROTATION] !== config.siemAccess.rotationToken) {
      differences.push('access key rotation pending');
    }
  }
  const details = { ...(user ? { userArn: user.Arn } : {}), ...(secret ? { secretArn: secret.arn } : {}) };
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

async function ensureUser(ctx: PipelineContext): Promise<{ arn: string; fresh: boolean }> {
  const what = `IAM user ${ctx.names.siemUser}`;
  const existing = await getUser(ctx);
  if (existing) {
    assertOwned(what, tagMap(existing.Tags), ctx);
    return { arn: existing.Arn!, fresh: false };
  }
  try {
    const out = await ctx.clients.iam.send(
      new CreateUserCommand({
        UserName: ctx.names.siemUser,
        Path: ctx.names.iamPath,
        PermissionsBoundary: ctx.readerBoundaryArn,
        Tags: tagList(ctx.tags),
      }),
    );
    ctx.log.info('created', { resource: what });
    return { arn: out.User!.Arn!, fresh: true };
  } catch (err) {
    if (!isAwsError(err, 'EntityAlreadyExists')) throw err;
    // A duplicate delivery of the same request created it a moment ago.
    const again = await getUser(ctx);
    if (!again) throw err;
    assertOwned(what, tagMap(again.Tags), ctx);
    ctx.log.info('already exists', { resource: what });
    return { arn: again.Arn!, fresh: true };
  }
}

async function getUser(ctx: PipelineContext): Promise<User | undefined> {
  try {
    return (await ctx.clients.iam.send(new GetUserCommand({ UserName: ctx.names.siemUser }))).User;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return undefined;
    throw err;
  }
}

async function getUserPolicy(ctx: PipelineContext): Promise<string | undefined> {
  try {
    const out = await ctx.clients.iam.send(new GetUserPolicyCommand({ UserName: ctx.names.siemUser, PolicyName: ctx.names.policyName }));
    return out.PolicyDocument;
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return undefined;
    throw err;
  }
}

/** Ids of the user's access keys (at most two: no paging needed); none when the user is gone. */
async function listAccessKeys(ctx: PipelineContext): Promise<string[]> {
  try {
    const out = await ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: ctx.names.siemUser }));
    return (out.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId).filter((id): id is string => id !== undefined);
  } catch (err) {
    if (isAwsError(err, 'NoSuchEntity')) return [];
    throw err;
  }
}

async function deleteAccessKey(ctx: PipelineContext, AccessKeyId: string): Promise<void> {
  // The resource label never carries the key id: access key ids stay out of the logs.
  await deleteIgnoringNotFound(
    ctx,
    `access key of IAM user ${ctx.names.siemUser}`,
    () => ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: ctx.names.siemUser, AccessKeyId })),
    ['NoSuchEntity'],
  );
}

async function describeSecret(ctx: PipelineContext): Promise<SecretState | undefined> {
  try {
    const out = await ctx.clients.secrets.send(new DescribeSecretCommand({ SecretId: ctx.names.siemSecret }));
    return { arn: out.ARN ?? ctx.names.siemSecret, tags: tagMap(out.Tags), deleted: out.DeletedDate !== undefined };
  } catch (err) {
    if (isAwsError(err, 'ResourceNotFoundException')) return undefined;
    throw err;
  }
}

async function restoreSecret(ctx: PipelineContext, secret: SecretState): Promise<SecretState> {
  await ctx.clients.secrets.send(new RestoreSecretCommand({ SecretId: secret.arn }));
  ctx.log.info('restored: it was scheduled for deletion', { resource: `secret ${ctx.names.siemSecret}` });
  return { ...secret, deleted: false };
}

function afterPropagation<T>(ctx: PipelineContext, fn: () => Promise<T>): Promise<T> {
  return withRetries(fn, (err) => isAwsError(err, 'NoSuchEntity'), { ...ctx.propagationRetry, clock: ctx.clock });
}
