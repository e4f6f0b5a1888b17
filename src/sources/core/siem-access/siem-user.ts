import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  PutUserPolicyCommand,
  type User,
} from '@aws-sdk/client-iam';
import type { PipelineConfig } from '../../../config/pipeline-config';
import { defineComponent, type Change, type Component, type ComponentOutputs } from '../../../components/component';
import type { PipelineContext } from '../../../components/context';
import { afterIamPropagation, createIamEntity, deleteIamEntity, NO_SUCH_ENTITY, RECREATE } from '../../../components/iam/service-role';
import { assertOwned, deleteIgnoringNotFound, ownedOrLeftAlone, tagList, tagMap } from '../../../components/ownership';
import { policyJson } from '../../../components/policies';
import { settleAll } from '../../../support/settle';
import {
  putSecretPolicy,
  recordedKey,
  removeSecret,
  restoreSecret,
  unpublishKeyId,
  wantedSecretPolicy,
  writeSecret,
  type ReaderSecretValue,
  type SecretState,
} from './reader-secret';
import { desiredReader, diffReader, getUser, listAccessKeys, readReader, rotationReasons, type ReaderAction, type ReaderFound } from './siem-user-state';

/**
 * SIEM read access by IAM user: a user allowed only to read the stream, its access key kept in a
 * Secrets Manager secret (never in outputs, logs, changes or the custom resource Data).
 * The stream ARN is deterministic, so this runs alongside the stream's creation rather than after it.
 */
export const siemUserComponent: Component = defineComponent(
  { id: 'siem-user', dependsOn: [], enabled: (config) => config.siemAccess.kind === 'IamUser', remove: removeSiemUser },
  {
    read: (_config, ctx, purpose) => readReader(ctx, purpose),
    desired: desiredReader,
    diff: diffReader,
    apply: applyReader,
    details: process.env.SIEM_LAMBDA_BUNDLE
      ? undefined
      : ({ user, secret }) => ({ ...(user ? { userArn: user.Arn } : {}), ...(secret ? { secretArn: secret.arn } : {}) }),
  },
);

type Call = <T>(fn: () => Promise<T>) => Promise<T>;

/** Makes or re-makes the user, then puts its policy beside the key's rotation, then the secret's policy. */
async function applyReader(changes: Change<ReaderAction>[], config: PipelineConfig, ctx: PipelineContext, found: ReaderFound): Promise<ComponentOutputs> {
  const actions = new Set(changes.map((c) => c.action));
  // Before the first write: a secret policy without the provisioner's role would lock the provisioner out.
  const secretPolicy = wantedSecretPolicy(config, ctx);
  const want = desiredReader(config, ctx);
  let { user, keys } = found;
  let rotate = actions.has('rotate');
  const fresh = actions.has('user') || actions.has('recreate');
  if (fresh) {
    if (user) {
      ctx.log.warn(RECREATE, { resource: userLabel(ctx) });
      await deleteUser(ctx, keys);
    }
    const made = await createUser(ctx);
    user = made.made;
    if (!made.created) assertOwned(userLabel(ctx), tagMap(user.Tags), ctx);
    // A duplicate delivery made it first: its key may be in the secret already, so converge it like any existing user.
    keys = made.created ? [] : await listAccessKeys(ctx);
    rotate = !found.secret || rotationReasons(found.secret, keys, want).length > 0;
  }
  // A user IAM has only just created may not be visible to the next call yet.
  const call: Call = afterIamPropagation(ctx, fresh);
  const UserName = ctx.names.siemUser;
  const [, secretArn] = await settleAll([
    actions.has('userPolicy')
      ? call(() => ctx.clients.iam.send(new PutUserPolicyCommand({ UserName, PolicyName: ctx.names.policyName, PolicyDocument: policyJson(want.userPolicy) })))
      : undefined,
    convergeKey(ctx, config, found.secret, { keys, rotate, restore: actions.has('restore'), rotationToken: want.rotationToken }, call),
  ]);
  if (actions.has('secretPolicy')) await putSecretPolicy(ctx, secretArn, secretPolicy);
  return { SecretArn: secretArn, ReaderUserArn: user!.Arn! };
}

/**
 * Makes the secret hold a live key of the user made for the rotation value, when `rotate` says it does not.
 * Order matters for a run that is interrupted at any point: leftovers first, then the new key, then the
 * secret, and only then the old key. Key ids never reach a log line (the resource label names the user).
 */
async function convergeKey(
  ctx: PipelineContext,
  config: PipelineConfig,
  found: SecretState | undefined,
  { keys, rotate, restore, rotationToken }: { keys: readonly string[]; rotate: boolean; restore: boolean; rotationToken: string },
  call: Call,
): Promise<string> {
  const secret = restore && found ? await restoreSecret(ctx, found) : found;
  const recorded = recordedKey(secret, keys);
  if (secret && recorded !== undefined && !rotate) {
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
  ctx.log.info(secret ? 'access key rotated' : 'access key created', { resource: userLabel(ctx) });
  return arn;
}

async function removeSiemUser(_config: PipelineConfig, ctx: PipelineContext): Promise<void> {
  await settleAll([removeUser(ctx), removeSecret(ctx)]);
}

async function removeUser(ctx: PipelineContext): Promise<void> {
  const user = await getUser(ctx);
  if (!ownedOrLeftAlone(userLabel(ctx), user && tagMap(user.Tags), ctx)) return;
  await deleteUser(ctx, await listAccessKeys(ctx));
}

/** Deletes the user's keys, its policy and the user (each not-found is done). */
async function deleteUser(ctx: PipelineContext, keys: readonly string[]): Promise<void> {
  const { iam } = ctx.clients;
  const UserName = ctx.names.siemUser;
  for (const id of keys) await deleteAccessKey(ctx, id);
  await deleteIamEntity(
    ctx,
    userLabel(ctx),
    () => iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName: ctx.names.policyName })),
    () => iam.send(new DeleteUserCommand({ UserName })),
  );
}

/** Creates the user; `created` is false when a duplicate delivery of the same request made it a moment ago. */
async function createUser(ctx: PipelineContext): Promise<{ made: User; created: boolean }> {
  const UserName = ctx.names.siemUser;
  const create = async () =>
    (
      await ctx.clients.iam.send(
        new CreateUserCommand({ UserName, Path: ctx.names.iamPath, PermissionsBoundary: ctx.readerBoundaryArn, Tags: tagList(ctx.tags) }),
      )
    ).User;
  return createIamEntity(userLabel(ctx), ctx, create, () => getUser(ctx));
}

async function deleteAccessKey(ctx: PipelineContext, AccessKeyId: string): Promise<void> {
  // The resource label never carries the key id: access key ids stay out of the logs.
  await deleteIgnoringNotFound(
    ctx,
    `access key of ${userLabel(ctx)}`,
    () => ctx.clients.iam.send(new DeleteAccessKeyCommand({ UserName: ctx.names.siemUser, AccessKeyId })),
    [NO_SUCH_ENTITY],
  );
}

/** How the logs name the SIEM reader's IAM user. */
function userLabel(ctx: PipelineContext): string {
  return `IAM user ${ctx.names.siemUser}`;
}
