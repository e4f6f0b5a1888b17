import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import type { PipelineConfig } from '../../config/pipeline-config';
import { NOT_WANTED, updateOf, type Change, type ReadPurpose } from '../../components/component';
import type { PipelineContext } from '../../components/context';
import { orUndefinedWhenNotFound, ownershipConflict } from '../../components/ownership';
import { samePolicy, trailBucketPolicy, type PolicyDocument } from '../../components/policies';
import { createsTrail, trailArn } from '../needs';
import { bucketTags, ForeignBucketError } from './trail-bucket-owner';

export const PUBLIC_ACCESS_BLOCK: Required<PublicAccessBlockConfiguration> = {
  BlockPublicAcls: true,
  IgnorePublicAcls: true,
  BlockPublicPolicy: true,
  RestrictPublicBuckets: true,
};

/** The lifecycle rule: objects expire after the configured days; stray versions and uploads go after one. */
export function trailBucketLifecycle(expirationDays: number): LifecycleRule[] {
  return [
    {
      ID: 'expire-staged-trail-logs',
      Status: 'Enabled',
      Filter: { Prefix: '' },
      Expiration: { Days: expirationDays },
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    },
  ];
}

/** The bucket the config asks for: the one place its settings are written. */
export interface BucketWanted {
  name: string;
  stackId: string;
  /** False when the config makes no trail here (inspect then reports the bucket as unwanted). */
  wanted: boolean;
  tags: Record<string, string>;
  publicAccessBlock: Required<PublicAccessBlockConfiguration>;
  objectOwnership: 'BucketOwnerEnforced';
  sseAlgorithm: 'AES256';
  policy: PolicyDocument;
  lifecycle: LifecycleRule[];
}

/**
 * What read found. `tags` undefined: no bucket; `foreign`: another account holds the name. A setting left
 * out was not read (ensure writes it anyway); `null`: read, and not set.
 */
export interface BucketFound {
  foreign?: string;
  tags?: Record<string, string>;
  publicAccessBlock?: PublicAccessBlockConfiguration | null;
  objectOwnership?: string | null;
  sseAlgorithm?: string | null;
  policy?: string | null;
  lifecycle?: LifecycleRule[] | null;
}

/** The setting one change puts. */
export type BucketSetting = 'tags' | 'publicAccessBlock' | 'objectOwnership' | 'encryption' | 'policy' | 'lifecycle';

/** The desired bucket: a pure function of config and context. */
export function desiredBucket(config: PipelineConfig, ctx: PipelineContext): BucketWanted {
  const name = ctx.names.trailBucket;
  return {
    name,
    stackId: ctx.stackId,
    wanted: createsTrail(config, ctx.region),
    tags: ctx.tags,
    publicAccessBlock: PUBLIC_ACCESS_BLOCK,
    objectOwnership: 'BucketOwnerEnforced',
    sseAlgorithm: 'AES256',
    policy: trailBucketPolicy({ partition: ctx.partition, account: ctx.account, bucket: name, trailArn: trailArn(ctx) }),
    lifecycle: trailBucketLifecycle(config.cloudTrail.bucketExpirationDays),
  };
}

/** The bucket's tags and, unless for ensure, its settings; every call names our account as the owner. */
export async function readBucket(ctx: PipelineContext, purpose: ReadPurpose): Promise<BucketFound> {
  let tags: Record<string, string> | undefined;
  try {
    tags = await bucketTags(ctx);
  } catch (err) {
    if (err instanceof ForeignBucketError) return { foreign: err.message };
    throw err;
  }
  // The Lambda bundles only ensure (SIEM_LAMBDA_BUNDLE, see notInLambda): the rest is left out of them.
  if (process.env.SIEM_LAMBDA_BUNDLE || tags === undefined || purpose === 'ensure' || ownershipConflict('', tags, ctx)) return tags ? { tags } : {};
  const { s3 } = ctx.clients;
  const input = { Bucket: ctx.names.trailBucket, ExpectedBucketOwner: ctx.account };
  const get = async <T>(call: () => Promise<T>, notSet: string) => (await orUndefinedWhenNotFound(call, notSet)) ?? null;
  const block = await get(() => s3.send(new GetPublicAccessBlockCommand(input)), 'NoSuchPublicAccessBlockConfiguration');
  const ownership = await get(() => s3.send(new GetBucketOwnershipControlsCommand(input)), 'OwnershipControlsNotFoundError');
  const encryption = await get(() => s3.send(new GetBucketEncryptionCommand(input)), 'ServerSideEncryptionConfigurationNotFoundError');
  const policy = await get(() => s3.send(new GetBucketPolicyCommand(input)), 'NoSuchBucketPolicy');
  const lifecycle = await get(() => s3.send(new GetBucketLifecycleConfigurationCommand(input)), 'NoSuchLifecycleConfiguration');
  const byDefault = encryption?.ServerSideEncryptionConfiguration?.Rules?.find((r) => r.ApplyServerSideEncryptionByDefault)?.ApplyServerSideEncryptionByDefault;
  return {
    tags,
    publicAccessBlock: block?.PublicAccessBlockConfiguration ?? null,
    objectOwnership: ownership?.OwnershipControls?.Rules?.[0]?.ObjectOwnership ?? null,
    sseAlgorithm: byDefault?.SSEAlgorithm ?? null,
    policy: policy?.Policy ?? null,
    lifecycle: lifecycle?.Rules ?? null,
  };
}

/** Pure: create when absent, conflict when not ours, then one update per setting that is unread or differs. */
export function diffBucket(found: BucketFound, want: BucketWanted): Change<BucketSetting>[] {
  const resource = `S3 bucket ${want.name}`;
  if (found.foreign) return [{ kind: 'conflict', resource, description: found.foreign }];
  const conflict = found.tags && ownershipConflict(resource, found.tags, want);
  if (conflict) return [{ kind: 'conflict', resource, description: conflict }];
  const changes: Change<BucketSetting>[] = [];
  if (!found.tags) changes.push({ kind: 'create', resource, description: 'create' });
  if (!want.wanted) changes.push({ kind: 'delete', resource, description: NOT_WANTED });
  const update = (action: BucketSetting, from: unknown, to: unknown, difference: string) =>
    changes.push(updateOf(resource, action, from, to, difference, action));
  // Tagged again after a create: emulators, and partitions without create-time tags, drop the CreateBucket tags.
  if (!found.tags || Object.entries(want.tags).some(([k, v]) => found.tags![k] !== v)) update('tags', found.tags, want.tags, 'our tags missing');
  // The Lambda bundles read no setting (see readBucket): each is put, and the comparison is left out of them.
  if (process.env.SIEM_LAMBDA_BUNDLE) {
    for (const [setting, to] of Object.entries(settingsOf(want))) update(setting as BucketSetting, undefined, to, `${setting} unread`);
    return changes;
  }
  const block = found.publicAccessBlock;
  if (!block || Object.keys(want.publicAccessBlock).some((k) => block[k as keyof PublicAccessBlockConfiguration] !== true)) {
    update('publicAccessBlock', block, want.publicAccessBlock, 'public access not fully blocked');
  }
  if (found.objectOwnership !== want.objectOwnership)
    update('objectOwnership', found.objectOwnership, want.objectOwnership, 'ACLs not disabled (BucketOwnerEnforced)');
  const sse = found.sseAlgorithm;
  if (sse !== want.sseAlgorithm)
    update('encryption', sse, want.sseAlgorithm, sse ? `default encryption is ${sse}, want ${want.sseAlgorithm}` : 'default encryption missing');
  if (found.policy === undefined || !samePolicy(found.policy ?? undefined, want.policy))
    update('policy', found.policy, want.policy, 'bucket policy missing or changed');
  const rule = want.lifecycle[0];
  if (!sameLifecycle(found.lifecycle, rule)) {
    const days = found.lifecycle?.find((r) => r.ID === rule.ID && r.Status === 'Enabled')?.Expiration?.Days;
    const wantDays = rule.Expiration?.Days;
    update(
      'lifecycle',
      found.lifecycle,
      want.lifecycle,
      days === wantDays ? 'lifecycle rule changed' : `objects expire after ${days ?? 'never'} days, want ${wantDays}`,
    );
  }
  return changes;
}

/** The settings ensure puts after the tags, in their order, with the value each puts. */
function settingsOf(want: BucketWanted): Record<Exclude<BucketSetting, 'tags'>, unknown> {
  const { publicAccessBlock, objectOwnership, sseAlgorithm, policy, lifecycle } = want;
  return { publicAccessBlock, objectOwnership, encryption: sseAlgorithm, policy, lifecycle };
}

function sameLifecycle(rules: LifecycleRule[] | null | undefined, want: LifecycleRule): boolean {
  const rule = rules?.find((r) => r.ID === want.ID);
  return (
    rule !== undefined &&
    rule.Status === want.Status &&
    rule.Expiration?.Days === want.Expiration?.Days &&
    rule.NoncurrentVersionExpiration?.NoncurrentDays === want.NoncurrentVersionExpiration?.NoncurrentDays &&
    rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation === want.AbortIncompleteMultipartUpload?.DaysAfterInitiation
  );
}
