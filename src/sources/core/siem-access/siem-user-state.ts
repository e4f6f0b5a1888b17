import { GetUserCommand, GetUserPolicyCommand, ListAccessKeysCommand, type User } from '@aws-sdk/client-iam';
import type { PipelineConfig } from '../../../config/pipeline-config';
import { notInLambda, type Change, type ReadPurpose } from '../../../components/component';
import type { PipelineContext } from '../../../components/context';
import { orUndefinedWhenNotFound, ownedByThisStack, ownershipConflict, tagMap } from '../../../components/ownership';
import { samePolicy, streamReaderPolicy, type PolicyDocument } from '../../../components/policies';
import { sameSecretPolicy, type SecretPolicyDocument } from './secret-policy';
import { settleAll } from '../../../support/settle';
import {
  LEGACY_SECRET_TAG_KEY_ID,
  readSecret,
  recordedKey,
  sameKmsKey,
  SECRET_TAG_ROTATION,
  wantedKmsKey,
  wantedSecretPolicy,
  type SecretState,
} from './reader-secret';
import { knownBoundary, NO_SUCH_ENTITY, RECREATE } from '../../../components/iam/service-role';

/**
 * What read found. `keys`: ids of the user's live access keys, to converge and never to report (none when
 * the user is absent or not ours). A policy left out was not read; `null`: read, and none.
 */
export interface ReaderFound {
  user?: User;
  /** The user's inline reader policy: inspect and plan only (ensure puts it anyway). */
  userPolicy?: string | null;
  keys: string[];
  secret?: SecretState;
  secretPolicy?: string | null;
}

/** The reader the config asks for: the one place its user, key and secret settings are written. */
export interface ReaderWanted {
  userName: string;
  secretName: string;
  stackId: string;
  /** Why the config does not want the reader; undefined when it does. */
  unwanted?: string;
  /** Undefined in a read-only context (audit), which knows no boundary: then it is not compared. */
  boundary?: string;
  userPolicy: PolicyDocument;
  /** The AccessKeyRotation value the key must be made for. */
  rotationToken: string;
  /** The secret's KMS key; undefined is the AWS managed key. */
  kmsKey: string | undefined;
  /** Undefined outside the stack (audit), which does not know the provisioner's role: then only presence counts. */
  secretPolicy?: SecretPolicyDocument;
}

/** What one change does: make or re-make the user, put its policy, restore the secret, rotate the key, untag the key id, put the secret's policy. */
export type ReaderAction = 'user' | 'recreate' | 'userPolicy' | 'restore' | 'rotate' | 'unpublish' | 'secretPolicy';

/** The desired reader: a pure function of config and context. */
export function desiredReader(config: PipelineConfig, ctx: PipelineContext): ReaderWanted {
  const access = config.siemAccess;
  const boundary = knownBoundary(() => ctx.readerBoundaryArn);
  return {
    userName: ctx.names.siemUser,
    secretName: ctx.names.siemSecret,
    stackId: ctx.stackId,
    // Ensure runs only when wanted: the Lambda bundles (SIEM_LAMBDA_BUNDLE, see notInLambda) leave this out.
    ...(process.env.SIEM_LAMBDA_BUNDLE || access.kind === 'IamUser' ? {} : { unwanted: `not wanted: SiemAccess is ${access.kind}` }),
    ...(boundary ? { boundary } : {}),
    userPolicy: streamReaderPolicy(ctx.names.streamArn),
    rotationToken: access.kind === 'IamUser' ? access.rotationToken : '',
    kmsKey: wantedKmsKey(config),
    ...(ctx.provisionerRoleArn ? { secretPolicy: wantedSecretPolicy(config, ctx) } : {}),
  };
}

/** User and secret side by side; the user's keys (and, unless for ensure, its policy) when the user is ours. */
export async function readReader(ctx: PipelineContext, purpose: ReadPurpose): Promise<ReaderFound> {
  const readUser = async (): Promise<Omit<ReaderFound, 'secret' | 'secretPolicy'>> => {
    const user = await getUser(ctx);
    if (!user || !ownedByThisStack(tagMap(user.Tags), ctx)) return { ...(user ? { user } : {}), keys: [] };
    // The Lambda bundles only ensure (SIEM_LAMBDA_BUNDLE, see notInLambda): the rest is left out of them
    // (the `if` drops the code below, the ternary the function it calls).
    if (process.env.SIEM_LAMBDA_BUNDLE || purpose === 'ensure') return { user, keys: await listAccessKeys(ctx) };
    const readPolicy = process.env.SIEM_LAMBDA_BUNDLE ? notInLambda : getUserPolicy;
    const [keys, userPolicy] = await settleAll([listAccessKeys(ctx), readPolicy(ctx)]);
    return { user, keys, userPolicy: userPolicy ?? null };
  };
  const [user, secret] = await settleAll([readUser(), readSecret(ctx)]);
  return { ...user, ...secret };
}

/**
 * What a plan and inspect's differences say for each action and rotation reason. CLI text: the Lambda bundles
 * (SIEM_LAMBDA_BUNDLE, see notInLambda) leave it out; ensure needs only the actions.
 */
const SAYS: Partial<Record<ReaderAction | RotationReason | 'missing' | 'changed' | 'publish', string>> = process.env.SIEM_LAMBDA_BUNDLE
  ? {}
  : {
      userPolicy: 'reader policy missing or changed',
      restore: 'secret scheduled for deletion',
      unpublish: 'secret publishes the access key id in a tag',
      noLiveKey: 'secret names no live access key of the user',
      rotation: 'access key rotation pending',
      kmsKey: 'KMS key of the secret differs',
      secretPolicy: 'resource policy: put',
      rotate: 'rotate access key, secret value: replace',
      publish: 'tag the access key id by its hash',
      missing: 'resource policy missing',
      changed: 'resource policy changed',
    };

/** Why the secret needs a new access key and value. */
export type RotationReason = 'noLiveKey' | 'rotation' | 'kmsKey';

/** Why the secret needs a new access key; none when it holds a live key made for this rotation value under the wanted KMS key. */
export function rotationReasons(secret: SecretState, liveKeys: readonly string[], want: Pick<ReaderWanted, 'rotationToken' | 'kmsKey'>): RotationReason[] {
  const reasons: RotationReason[] = [];
  if (recordedKey(secret, liveKeys) === undefined) reasons.push('noLiveKey');
  if (secret.tags[SECRET_TAG_ROTATION] !== want.rotationToken) reasons.push('rotation');
  if (!sameKmsKey(secret.kmsKeyId, want.kmsKey)) reasons.push('kmsKey');
  return reasons;
}

/**
 * Pure: a conflict for a user or secret not ours; a delete when unwanted; else create or re-create the user
 * (a boundary cannot be changed by this role, by design), put its policy when unread or changed, restore the
 * secret, rotate the key (a new key and secret value: never named here) and put the secret's policy.
 */
export function diffReader({ user, secret, keys, userPolicy, secretPolicy }: ReaderFound, want: ReaderWanted): Change<ReaderAction>[] {
  const userRes = `IAM user ${want.userName}`;
  const secretRes = `secret ${want.secretName}`;
  const changes: Change<ReaderAction>[] = [];
  for (const [resource, tags] of [
    [userRes, user && tagMap(user.Tags)],
    [secretRes, secret?.tags],
  ] as const) {
    const description = tags && ownershipConflict(resource, tags, want);
    if (description) changes.push({ kind: 'conflict', resource, description });
  }
  if (changes[0]) return changes;
  const createUser: Change<ReaderAction> = { kind: 'create', resource: userRes, description: 'create', action: 'user' };
  // Unwanted and absent: a create, which the plan of a component the config does not enable leaves out. Ensure
  // runs only when wanted: the Lambda bundles (SIEM_LAMBDA_BUNDLE, see notInLambda) leave this out.
  if (!process.env.SIEM_LAMBDA_BUNDLE && want.unwanted) {
    return user || secret ? [{ kind: 'delete', resource: user ? userRes : secretRes, description: want.unwanted }] : [createUser];
  }
  // With `fromTo` the change names its field (a plan shows from -> to); without, a plan shows its description.
  const add = (resource: string, action: ReaderAction, fromTo?: [unknown, unknown], description = SAYS[action]!, difference?: string) =>
    changes.push({ kind: 'update', resource, description, fields: fromTo ? [{ field: action, from: fromTo[0], to: fromTo[1] }] : [], action, difference });

  const boundary = user?.PermissionsBoundary?.PermissionsBoundaryArn;
  const newUser = !user || (want.boundary !== undefined && boundary !== want.boundary);
  if (!user) changes.push(createUser);
  else if (newUser) add(userRes, 'recreate', [boundary, want.boundary], RECREATE);
  if (newUser || !samePolicy(userPolicy ?? undefined, want.userPolicy)) add(userRes, 'userPolicy', [userPolicy, want.userPolicy]);
  if (!secret) changes.push({ kind: 'create', resource: secretRes, description: 'create', action: 'rotate' });
  else {
    if (secret.deleted) add(secretRes, 'restore');
    const reasons = rotationReasons(secret, newUser ? [] : keys, want);
    const why = reasons.map((r) => SAYS[r]).join('; ');
    if (reasons[0]) add(secretRes, 'rotate', undefined, `${SAYS.rotate} (${why})`, why);
    // A rotation's new value drops the tag too (writeSecret); reported either way.
    if (secret.tags[LEGACY_SECRET_TAG_KEY_ID] !== undefined) add(secretRes, 'unpublish', undefined, SAYS.publish, SAYS.unpublish);
  }
  // Unread (ensure, or a secret to create or restore): put, when the stack knows the policy it wants.
  const wanted = want.secretPolicy;
  const policy =
    secretPolicy === undefined ? wanted && 'secretPolicy' : secretPolicy === null ? 'missing' : wanted && !sameSecretPolicy(secretPolicy, wanted) && 'changed';
  if (policy) add(secretRes, 'secretPolicy', [secretPolicy, wanted], SAYS[policy]);
  return changes;
}

export async function getUser(ctx: PipelineContext): Promise<User | undefined> {
  return (await orUndefinedWhenNotFound(() => ctx.clients.iam.send(new GetUserCommand({ UserName: ctx.names.siemUser })), NO_SUCH_ENTITY))?.User;
}

async function getUserPolicy(ctx: PipelineContext): Promise<string | undefined> {
  const get = () => ctx.clients.iam.send(new GetUserPolicyCommand({ UserName: ctx.names.siemUser, PolicyName: ctx.names.policyName }));
  return (await orUndefinedWhenNotFound(get, NO_SUCH_ENTITY))?.PolicyDocument;
}

/** Ids of the user's access keys (at most two: no paging needed); none when the user is gone. */
export async function listAccessKeys(ctx: PipelineContext): Promise<string[]> {
  const out = await orUndefinedWhenNotFound(() => ctx.clients.iam.send(new ListAccessKeysCommand({ UserName: ctx.names.siemUser })), NO_SUCH_ENTITY);
  return (out?.AccessKeyMetadata ?? []).map((k) => k.AccessKeyId).filter((id): id is string => id !== undefined);
}
