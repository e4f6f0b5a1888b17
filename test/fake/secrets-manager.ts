import {
  type CreateSecretCommandInput,
  type CreateSecretCommandOutput,
  type DeleteSecretCommandInput,
  type DeleteSecretCommandOutput,
  type DescribeSecretCommandInput,
  type DescribeSecretCommandOutput,
  type GetResourcePolicyCommandInput,
  type GetResourcePolicyCommandOutput,
  type PutResourcePolicyCommandInput,
  type PutResourcePolicyCommandOutput,
  type GetSecretValueCommandInput,
  type GetSecretValueCommandOutput,
  type PutSecretValueCommandInput,
  type PutSecretValueCommandOutput,
  type RestoreSecretCommandInput,
  type RestoreSecretCommandOutput,
  type TagResourceCommandInput,
  type UntagResourceCommandInput,
  type UpdateSecretCommandInput,
  type UpdateSecretCommandOutput,
} from '@aws-sdk/client-secrets-manager';
import { checkedTags } from './tag-rules';
import {
  ALNUM,
  fromTagList,
  matchesOwner,
  notModelled,
  toTagList,
  type FakeService,
  type Handlers,
  type Out,
  type OwnedResource,
  type OwnerMatch,
} from './service';
import { MARKED_FOR_DELETION, NAME, SecretsStore, type SecretState } from './secrets-manager-state';

/**
 * Secrets Manager: secrets with versions and staging labels (AWSCURRENT / AWSPREVIOUS), tags, scheduled
 * deletion with a recovery window, forced deletion and restore; ARNs carry the random 6-character suffix.
 */
export class SecretsManagerFake extends SecretsStore implements FakeService {
  private readonly handlers = {
    CreateSecret: (i: CreateSecretCommandInput): Out<CreateSecretCommandOutput> => this.create(i),
    DescribeSecret: (i: DescribeSecretCommandInput): Out<DescribeSecretCommandOutput> => this.describe(i),
    PutSecretValue: (i: PutSecretValueCommandInput): Out<PutSecretValueCommandOutput> => this.putValue(i),
    GetSecretValue: (i: GetSecretValueCommandInput): Out<GetSecretValueCommandOutput> => this.getValue(i),
    UpdateSecret: (i: UpdateSecretCommandInput): Out<UpdateSecretCommandOutput> => this.update(i),
    TagResource: (i: TagResourceCommandInput) => this.tag(i),
    UntagResource: (i: UntagResourceCommandInput) => this.untag(i),
    DeleteSecret: (i: DeleteSecretCommandInput): Out<DeleteSecretCommandOutput> => this.delete(i),
    RestoreSecret: (i: RestoreSecretCommandInput): Out<RestoreSecretCommandOutput> => this.restore(i),
    PutResourcePolicy: (i: PutResourcePolicyCommandInput): Out<PutResourcePolicyCommandOutput> => this.putPolicy(i),
    GetResourcePolicy: (i: GetResourcePolicyCommandInput): Out<GetResourcePolicyCommandOutput> => {
      const s = this.find(i.SecretId);
      return { ARN: s.arn, Name: s.name, ...(s.policy !== undefined ? { ResourcePolicy: s.policy } : {}) };
    },
  } satisfies Handlers;

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = (this.handlers as Handlers)[command];
    if (!h) return notModelled(this.key, command);
    return h(input as never);
  }

  /** The AWSCURRENT value of a secret, read without a call (for test assertions). */
  currentValue(nameOrArn: string): string | undefined {
    const s = this.lookup(nameOrArn);
    return s?.versions.find((v) => v.stages.includes('AWSCURRENT'))?.value;
  }

  snapshot(): unknown {
    return [...this.secrets.values()].map((s) => ({
      name: s.name,
      arn: s.arn,
      tags: { ...s.tags },
      versions: s.versions.length,
      ...(s.kmsKeyId !== undefined ? { kmsKeyId: s.kmsKeyId } : {}),
      ...(s.policy !== undefined ? { policy: JSON.parse(s.policy) as unknown } : {}),
      ...(s.deletionDate ? { scheduledForDeletion: s.deletionDate.toISOString() } : {}),
    }));
  }

  /** Secrets scheduled for deletion count: their name stays taken until the recovery window ends. */
  owned(match: OwnerMatch): OwnedResource[] {
    return [...this.secrets.values()]
      .filter((s) => matchesOwner(match, s.name, s.tags))
      .map((s) => ({ service: this.key, type: s.deletionDate ? 'secret (scheduled for deletion)' : 'secret', id: s.name }));
  }

  // ---- commands ----

  private create(i: CreateSecretCommandInput): Out<CreateSecretCommandOutput> {
    const name = i.Name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw this.errors.make(
        'InvalidParameterException',
        'Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!',
      );
    }
    const existing = this.secrets.get(name);
    if (existing?.deletionDate) {
      throw this.errors.make('InvalidRequestException', "You can't create this secret because a secret with this name is already scheduled for deletion.");
    }
    if (existing) throw this.errors.make('ResourceExistsException', `The operation failed because the secret ${name} already exists.`);
    if (i.SecretString !== undefined && i.SecretBinary !== undefined) {
      throw this.errors.make('InvalidParameterException', 'You must provide either SecretString or SecretBinary, but not both.');
    }
    const now = new Date(this.env.now());
    const s: SecretState = {
      name,
      arn: `arn:${this.env.partition}:secretsmanager:${this.env.region}:${this.env.account}:secret:${name}-${this.env.random(6, ALNUM)}`,
      ...(i.Description !== undefined ? { description: i.Description } : {}),
      ...(i.KmsKeyId !== undefined ? { kmsKeyId: i.KmsKeyId } : {}),
      tags: checkedTags('secrets', fromTagList(i.Tags), (m) => this.errors.make('InvalidParameterException', m)),
      versions: [],
      created: now,
      changed: now,
    };
    this.secrets.set(name, s);
    if (i.SecretString === undefined) return { ARN: s.arn, Name: s.name };
    const v = this.addVersion(s, i.SecretString, i.ClientRequestToken, ['AWSCURRENT']);
    return { ARN: s.arn, Name: s.name, VersionId: v.id };
  }

  private describe(i: DescribeSecretCommandInput): Out<DescribeSecretCommandOutput> {
    const s = this.find(i.SecretId);
    return {
      ARN: s.arn,
      Name: s.name,
      ...(s.description !== undefined ? { Description: s.description } : {}),
      ...(s.kmsKeyId !== undefined ? { KmsKeyId: s.kmsKeyId } : {}),
      LastChangedDate: s.changed,
      ...(s.deletionDate ? { DeletedDate: s.deletionDate } : {}),
      ...(Object.keys(s.tags).length > 0 ? { Tags: toTagList(s.tags) } : {}),
      VersionIdsToStages: Object.fromEntries(s.versions.filter((v) => v.stages.length > 0).map((v) => [v.id, [...v.stages]])),
      CreatedDate: s.created,
    };
  }

  private putValue(i: PutSecretValueCommandInput): Out<PutSecretValueCommandOutput> {
    const s = this.live(i.SecretId);
    if (typeof i.SecretString !== 'string') {
      throw this.errors.make('InvalidParameterException', 'You must provide either SecretString or SecretBinary.');
    }
    const same = i.ClientRequestToken ? s.versions.find((v) => v.id === i.ClientRequestToken) : undefined;
    if (same) {
      // A retried request with the same token is idempotent; a different value under that token is refused.
      if (same.value !== i.SecretString) {
        throw this.errors.make('ResourceExistsException', "You can't modify an existing version, you can only create a new version.");
      }
      return { ARN: s.arn, Name: s.name, VersionId: same.id, VersionStages: [...same.stages] };
    }
    const v = this.addVersion(s, i.SecretString, i.ClientRequestToken, i.VersionStages ?? ['AWSCURRENT']);
    return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: [...v.stages] };
  }

  private getValue(i: GetSecretValueCommandInput): Out<GetSecretValueCommandOutput> {
    const s = this.live(i.SecretId);
    const stage = i.VersionStage ?? (i.VersionId ? undefined : 'AWSCURRENT');
    const v = s.versions.find((x) => (i.VersionId ? x.id === i.VersionId : true) && (stage ? x.stages.includes(stage) : true));
    if (!v) {
      throw this.errors.make(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${i.VersionId ? `VersionId: ${i.VersionId}` : `staging label: ${stage}`}`,
      );
    }
    return { ARN: s.arn, Name: s.name, VersionId: v.id, SecretString: v.value, VersionStages: [...v.stages], CreatedDate: v.created };
  }

  private update(i: UpdateSecretCommandInput): Out<UpdateSecretCommandOutput> {
    const s = this.live(i.SecretId);
    if (i.Description !== undefined) s.description = i.Description;
    // The AWS managed key is the default: DescribeSecret then omits KmsKeyId.
    if (i.KmsKeyId === 'alias/aws/secretsmanager') delete s.kmsKeyId;
    else if (i.KmsKeyId !== undefined) s.kmsKeyId = i.KmsKeyId;
    s.changed = new Date(this.env.now());
    if (i.SecretString === undefined) return { ARN: s.arn, Name: s.name };
    const v = this.addVersion(s, i.SecretString, i.ClientRequestToken, ['AWSCURRENT']);
    return { ARN: s.arn, Name: s.name, VersionId: v.id };
  }

  private putPolicy(i: PutResourcePolicyCommandInput): Out<PutResourcePolicyCommandOutput> {
    const s = this.live(i.SecretId);
    try {
      const doc = JSON.parse(i.ResourcePolicy ?? '') as { Statement?: unknown };
      if (!Array.isArray(doc.Statement)) throw new Error('no Statement list');
    } catch {
      throw this.errors.make('MalformedPolicyDocumentException', "The policy document you provided isn't valid.");
    }
    s.policy = i.ResourcePolicy;
    return { ARN: s.arn, Name: s.name };
  }

  private tag(i: TagResourceCommandInput): Record<string, never> {
    const s = this.live(i.SecretId);
    s.tags = { ...s.tags, ...checkedTags('secrets', fromTagList(i.Tags), (m) => this.errors.make('InvalidParameterException', m)) };
    if (Object.keys(s.tags).length > 50) throw this.errors.make('InvalidParameterException', 'Too many tags: a secret can have at most 50.');
    return {};
  }

  private untag(i: UntagResourceCommandInput): Record<string, never> {
    const s = this.live(i.SecretId);
    for (const k of i.TagKeys ?? []) delete s.tags[k];
    return {};
  }

  private delete(i: DeleteSecretCommandInput): Out<DeleteSecretCommandOutput> {
    const s = this.find(i.SecretId);
    if (i.ForceDeleteWithoutRecovery && i.RecoveryWindowInDays !== undefined) {
      throw this.errors.make('InvalidParameterException', "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.");
    }
    const now = this.env.now();
    if (i.ForceDeleteWithoutRecovery) {
      this.secrets.delete(s.name);
      return { ARN: s.arn, Name: s.name, DeletionDate: new Date(now) };
    }
    if (s.deletionDate) throw this.errors.make('InvalidRequestException', MARKED_FOR_DELETION);
    const days = i.RecoveryWindowInDays ?? 30;
    if (days < 7 || days > 30) {
      throw this.errors.make('InvalidParameterException', 'The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).');
    }
    s.deletionDate = new Date(now + days * 86_400_000);
    return { ARN: s.arn, Name: s.name, DeletionDate: s.deletionDate };
  }

  private restore(i: RestoreSecretCommandInput): Out<RestoreSecretCommandOutput> {
    const s = this.find(i.SecretId);
    delete s.deletionDate;
    return { ARN: s.arn, Name: s.name };
  }
}
