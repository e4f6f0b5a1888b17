import { createHash } from 'node:crypto';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  PutResourcePolicyCommand,
  PutSecretValueCommand,
  RestoreSecretCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateSecretCommand,
} from '@aws-sdk/client-secrets-manager';
import type { PipelineConfig } from '../../../config/pipeline-config';
import { isAwsError, NOT_FOUND } from '../../../support/errors';
import type { PipelineContext } from '../../../components/context';
import {
  deleteIgnoringNotFound,
  orUndefinedWhenNotFound,
  ownedAfterAlreadyExists,
  ownedByThisStack,
  ownedOrLeftAlone,
  tagList,
  tagMap,
} from '../../../components/ownership';
import { readerSecretPolicy, type SecretPolicyDocument } from './secret-policy';

/**
 * Secret tag holding a SHA-256 of the access key id the secret holds, so converging needs no GetSecretValue
 * and the tag (visible to anyone who may list tags) does not publish the key id.
 */
export const SECRET_TAG_KEY_HASH = 'siem-pipeline:access-key-sha256';
/** Where older versions kept the key id itself: still read to converge, removed on the next write. */
export const LEGACY_SECRET_TAG_KEY_ID = 'siem-pipeline:access-key-id';
/** Secret tag holding the AccessKeyRotation value the key was made for; a new value rotates the key. */
export const SECRET_TAG_ROTATION = 'siem-pipeline:key-rotation';
/** The key Secrets Manager uses when the secret names none: UpdateSecret takes this alias to go back to it. */
export const AWS_MANAGED_SECRET_KEY = 'alias/aws/secretsmanager';

/** What the secret's JSON holds: everything a SIEM needs to read the stream. */
export interface ReaderSecretValue {
  accessKeyId: string;
  secretAccessKey: string;
  streamName: string;
  streamArn: string;
  region: string;
}

/** The secret as DescribeSecret shows it. */
export interface SecretState {
  arn: string;
  tags: Record<string, string>;
  /** Scheduled for deletion (recoverable until then with RestoreSecret). */
  deleted: boolean;
  /** Undefined for the AWS managed key (DescribeSecret then omits KmsKeyId). */
  kmsKeyId?: string;
}

/** The access key hash recorded on a secret for `accessKeyId`. */
export function keyHash(accessKeyId: string): string {
  return createHash('sha256').update(accessKeyId).digest('hex');
}

/** Which of the user's live keys the secret holds (by hash, or by the legacy id tag), if any. */
export function recordedKey(secret: SecretState | undefined, liveKeys: readonly string[]): string | undefined {
  if (!secret) return undefined;
  const hash = secret.tags[SECRET_TAG_KEY_HASH];
  if (hash !== undefined) return liveKeys.find((k) => keyHash(k) === hash);
  const legacy = secret.tags[LEGACY_SECRET_TAG_KEY_ID];
  return legacy !== undefined && liveKeys.includes(legacy) ? legacy : undefined;
}

/** The KMS key the config wants for the secret; undefined is the AWS managed key. */
export function wantedKmsKey(config: PipelineConfig): string | undefined {
  return config.siemAccess.kind === 'IamUser' ? config.siemAccess.secretKmsKeyArn : undefined;
}

/** True when two KMS key references name the same key (DescribeSecret may give the key id for a key ARN). */
export function sameKmsKey(a: string | undefined, b: string | undefined): boolean {
  const id = (k: string | undefined) => k?.replace(/^arn:[^:]+:kms:[^:]+:\d{12}:key\//, '');
  return id(a) === id(b);
}

/** The secret's resource policy for this config; it needs the provisioner's role, or it would lock the provisioner out. */
export function wantedSecretPolicy(config: PipelineConfig, ctx: PipelineContext): SecretPolicyDocument {
  if (!ctx.provisionerRoleArn) throw new Error("PROVISIONER_ROLE_ARN is not set: the reader's secret needs the provisioner's role in its resource policy");
  const readers = config.siemAccess.kind === 'IamUser' ? config.siemAccess.secretReaders : [];
  return readerSecretPolicy({ provisionerRoleArn: ctx.provisionerRoleArn, readers });
}

/** How the logs name the reader's secret. */
const secretLabel = (ctx: PipelineContext): string => `secret ${ctx.names.siemSecret}`;

/** The secret as DescribeSecret shows it; undefined when there is none. */
export async function describeSecret(ctx: PipelineContext): Promise<SecretState | undefined> {
  const out = await orUndefinedWhenNotFound(() => ctx.clients.secrets.send(new DescribeSecretCommand({ SecretId: ctx.names.siemSecret })), NOT_FOUND);
  if (!out) return undefined;
  return {
    arn: out.ARN ?? ctx.names.siemSecret,
    tags: tagMap(out.Tags),
    deleted: out.DeletedDate !== undefined,
    ...(out.KmsKeyId ? { kmsKeyId: out.KmsKeyId } : {}),
  };
}

export async function restoreSecret(ctx: PipelineContext, secret: SecretState): Promise<SecretState> {
  await ctx.clients.secrets.send(new RestoreSecretCommand({ SecretId: secret.arn }));
  ctx.log.info('restored: it was scheduled for deletion', { resource: secretLabel(ctx) });
  return { ...secret, deleted: false };
}

/**
 * Writes `value` (a new key) into the secret, creating it with its KMS key, or putting a new version; then the
 * rotation state tags. The resource policy is set by `convergeSecretPolicy`.
 */
export async function writeSecret(
  ctx: PipelineContext,
  config: PipelineConfig,
  existing: SecretState | undefined,
  value: ReaderSecretValue,
  rotationToken: string,
): Promise<string> {
  const SecretString = JSON.stringify(value);
  const stateTags = [
    { Key: SECRET_TAG_KEY_HASH, Value: keyHash(value.accessKeyId) },
    { Key: SECRET_TAG_ROTATION, Value: rotationToken },
  ];
  const kmsKey = wantedKmsKey(config);
  let secret = existing;
  if (!secret) {
    try {
      const out = await ctx.clients.secrets.send(
        new CreateSecretCommand({
          Name: ctx.names.siemSecret,
          Description: `Access key of the SIEM reader of Kinesis stream ${ctx.names.streamName}`,
          SecretString,
          ...(kmsKey ? { KmsKeyId: kmsKey } : {}),
          Tags: [...tagList(ctx.tags), ...stateTags],
        }),
      );
      return out.ARN!;
    } catch (err) {
      // A duplicate delivery created it first: take it over if it is ours.
      if (!isAwsError(err, 'ResourceExistsException')) throw err;
      let again: SecretState | undefined;
      await ownedAfterAlreadyExists(secretLabel(ctx), async () => (again = await describeSecret(ctx))?.tags, ctx, err);
      secret = again!.deleted ? await restoreSecret(ctx, again!) : again!;
    }
  }
  if (!sameKmsKey(secret.kmsKeyId, kmsKey)) {
    // Versions written from now on use the new key; the value below is the first of them.
    await ctx.clients.secrets.send(new UpdateSecretCommand({ SecretId: secret.arn, KmsKeyId: kmsKey ?? AWS_MANAGED_SECRET_KEY }));
    ctx.log.info('KMS key of the secret changed', { resource: secretLabel(ctx), kmsKey: kmsKey ?? AWS_MANAGED_SECRET_KEY });
  }
  await ctx.clients.secrets.send(new PutSecretValueCommand({ SecretId: secret.arn, SecretString }));
  await tagKeyState(ctx, secret, stateTags);
  return secret.arn;
}

/** Tags the secret with the state of the key it holds; a legacy tag naming the key id itself goes. */
async function tagKeyState(ctx: PipelineContext, secret: SecretState, Tags: { Key: string; Value: string }[]): Promise<void> {
  await ctx.clients.secrets.send(new TagResourceCommand({ SecretId: secret.arn, Tags }));
  if (secret.tags[LEGACY_SECRET_TAG_KEY_ID] !== undefined) {
    await ctx.clients.secrets.send(new UntagResourceCommand({ SecretId: secret.arn, TagKeys: [LEGACY_SECRET_TAG_KEY_ID] }));
  }
}

/** A secret still naming its key id in the legacy tag gets the hash tag instead; the key itself stays. */
export async function unpublishKeyId(ctx: PipelineContext, secret: SecretState, keyId: string): Promise<void> {
  if (secret.tags[LEGACY_SECRET_TAG_KEY_ID] === undefined) return;
  await tagKeyState(ctx, secret, [{ Key: SECRET_TAG_KEY_HASH, Value: keyHash(keyId) }]);
  ctx.log.info('access key id tag replaced by its hash', { resource: secretLabel(ctx) });
}

/** Puts the secret's resource policy (public policies are refused). */
export async function putSecretPolicy(ctx: PipelineContext, secretArn: string, policy: SecretPolicyDocument): Promise<void> {
  await ctx.clients.secrets.send(new PutResourcePolicyCommand({ SecretId: secretArn, ResourcePolicy: JSON.stringify(policy), BlockPublicPolicy: true }));
  ctx.log.info('resource policy set', { resource: secretLabel(ctx) });
}

/** The secret and, when it is ours and not scheduled for deletion, its resource policy (`null`: none). */
export async function readSecret(ctx: PipelineContext): Promise<{ secret?: SecretState; secretPolicy?: string | null }> {
  const secret = await describeSecret(ctx);
  if (!secret || secret.deleted || !ownedByThisStack(secret.tags, ctx)) return secret ? { secret } : {};
  const out = await ctx.clients.secrets.send(new GetResourcePolicyCommand({ SecretId: secret.arn }));
  return { secret, secretPolicy: out.ResourcePolicy ?? null };
}

export async function removeSecret(ctx: PipelineContext): Promise<void> {
  const what = secretLabel(ctx);
  const secret = await describeSecret(ctx);
  if (!ownedOrLeftAlone(what, secret?.tags, ctx) || !secret) return;
  // Without recovery: a secret left pending deletion would block re-creating the same name for up to 30 days.
  await deleteIgnoringNotFound(ctx, what, () => ctx.clients.secrets.send(new DeleteSecretCommand({ SecretId: secret.arn, ForceDeleteWithoutRecovery: true })), [
    NOT_FOUND,
  ]);
}
