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
import { withRetries } from '../../aws/retry';
import type { PipelineConfig } from '../../config/pipeline-config';
import { isAwsError } from '../../support/errors';
import { notInLambda, type Component, type ComponentOutputs, type ComponentStatus } from '../component';
import type { PipelineContext } from '../context';
import { assertOwned, deleteIgnoringNotFound, orUndefinedWhenNotFound, ownedOrLeftAlone, ownershipConflict, tagList, tagMap } from '../ownership';
import { policyJson, samePolicy, streamReaderPolicy } from '../policies';
import { settleAll } from '../../support/settle';
import {
  convergeSecretPolicy,
  describeSecret,
  recordedKey,
  removeSecret,
  restoreSecret,
  sameKmsKey,
  secretDifferences,
  SECRET_TAG_ROTATION,
  unpublishKeyId,
  wantedKmsKey,
  writeSecret,
  type ReaderSecretValue,
  type SecretState,
} from './reader-secret';

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
  inspect: process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : inspectSiemUser,
};

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
    convergeAccessKey(ctx, config, secret, rotationToken, call),
  ]);
  await convergeSecretPolicy(ctx, config, secretArn);
  return { SecretArn: secretArn, ReaderUserArn: user.arn };
}

/**
 * Makes the secret hold a live key of the user made for `rotationToken`. Order matters for a run that is
 * interrupted at any point: leftovers first, then the new key, then the secret, and only then the old key.
 */
async function convergeAccessKey(
  ctx: PipelineContext,
  config: PipelineConfig,
  found: SecretState | undefined,
  rotationToken: string,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<string> {
  const secret = found?.deleted ? await restoreSecret(ctx, found) : found;
  const keys = await listAccessKeys(ctx);
  const recorded = recordedKey(secret, keys);
  // A new KMS key takes a new key too: the value written under it is then the only current one.
  const upToDate = secret?.tags[SECRET_TAG_ROTATION] === rotationToken && sameKmsKey(secret.kmsKeyId, wantedKmsKey(config));
  if (secret && recorded !== undefined && upToDate) {
    await unpublishKeyId(ctx, secret, recorded);
    return secret.arn;
  }

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
  const arn = await writeSecret(ctx, config, secret, value, rotationToken);
  if (recorded !== undefined) await deleteAccessKey(ctx, recorded);
  ctx.log.info(secret ? 'access key rotated' : 'access key created', { resource: `IAM user ${ctx.names.siemUser}` });
  return arn;
}

async function removeSiemUser(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  await settleAll([removeUser(ctx), removeSecret(ctx)]);
}

async function removeUser(ctx: PipelineContext): Promise<void> {
  const { iam } = ctx.clients;
  const UserName = ctx.names.siemUser;
  const what = `IAM user ${UserName}`;
  const user = await getUser(ctx);
  if (!ownedOrLeftAlone(what, user && tagMap(user.Tags), ctx)) return;
  for (const id of await listAccessKeys(ctx)) await deleteAccessKey(ctx, id);
  await deleteIgnoringNotFound(ctx, `${what} policy`, () => iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: ctx.names.policyName })), [
    'NoSuchEntity',
  ]);
  await deleteIgnoringNotFound(ctx, what, () => iam.send(new DeleteUserCommand({ UserName })), ['NoSuchEntity']);
}

async function inspectSiemUser(config: PipelineConfig, ctx: PipelineContext): Promise<ComponentStatus> {
  const [user, secret] = await Promise.all([getUser(ctx), describeSecret(ctx)]);
  const userConflict = user && ownershipConflict(`IAM user ${ctx.names.siemUser}`, tagMap(user.Tags), ctx);
  const secretConflict = secret && ownershipConflict(`secret ${ctx.names.siemSecret}`, secret.tags, ctx);
  const userOurs = user !== undefined && !userConflict;
  const secretOurs = secret !== undefined && !secretConflict;
  const conflicts = [userConflict, secretConflict].filter((c): c is string => !!c);
  if (!userOurs && !secretOurs) return conflicts.length > 0 ? { state: 'absent', details: { conflicts } } : { state: 'absent' };

  const differences: string[] = [...conflicts];
  if (config.siemAccess.kind !== 'IamUser') differences.push(`not wanted: SiemAccess is ${config.siemAccess.kind}`);
  if (!user) differences.push('user missing');
  if (userOurs && !samePolicy(await getUserPolicy(ctx), streamReaderPolicy(ctx.names.streamArn))) differences.push('reader policy missing or changed');
  if (!secret) differences.push('secret missing');
  if (secretOurs) differences.push(...(await secretDifferences(ctx, config, secret, userOurs ? await listAccessKeys(ctx) : [])));
  const details = { ...(user ? { userArn: user.Arn } : {}), ...(secret ? { secretArn: secret.arn } : {}) };
  return differences.length > 0 ? { state: 'drifted', details: { ...details, differences } } : { state: 'present', details };
}

async function ensureUser(ctx: PipelineContext): Promise<{ arn: string; fresh: boolean }> {
  const what = `IAM user ${ctx.names.siemUser}`;
  const existing = await getUser(ctx);
  if (existing) {
    assertOwned(what, tagMap(existing.Tags), ctx);
    if (existing.PermissionsBoundary?.PermissionsBoundaryArn === ctx.readerBoundaryArn) return { arn: existing.Arn!, fresh: false };
    // A boundary cannot be changed by this role (by design): a reader made with another boundary (an older
    // version's) is deleted with its keys and made again; the secret then gets the new user's key.
    ctx.log.warn('re-creating: its permissions boundary is not the one the template sets now', { resource: what });
    await removeUser(ctx);
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
  return (await orUndefinedWhenNotFound(() => ctx.clients.iam.send(new GetUserCommand({ UserName: ctx.names.siemUser })), 'NoSuchEntity'))?.User;
}

async function getUserPolicy(ctx: PipelineContext): Promise<string | undefined> {
  const get = () => ctx.clients.iam.send(new GetUserPolicyCommand({ UserName: ctx.names.siemUser, PolicyName: ctx.names.policyName }));
  return (await orUndefinedWhenNotFound(get, 'NoSuchEntity'))?.PolicyDocument;
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

function afterPropagation<T>(ctx: PipelineContext, fn: () => Promise<T>): Promise<T> {
  return withRetries(fn, (err) => isAwsError(err, 'NoSuchEntity'), { ...ctx.propagationRetry, clock: ctx.clock });
}
