import type {
  AddTagsToStreamCommandInput,
  DecreaseStreamRetentionPeriodCommandInput,
  IncreaseStreamRetentionPeriodCommandInput,
  ListTagsForStreamCommandInput,
  ListTagsForStreamCommandOutput,
  RemoveTagsFromStreamCommandInput,
  StartStreamEncryptionCommandInput,
  StopStreamEncryptionCommandInput,
  UpdateShardCountCommandInput,
  UpdateShardCountCommandOutput,
  UpdateStreamModeCommandInput,
} from '@aws-sdk/client-kinesis';
import { checkedTags } from './tag-rules';
import { toTagList, type Out } from './service';
import { KinesisStreams, MAX_TAGS, ON_DEMAND_INITIAL_SHARDS, required } from './kinesis-state';

/** Kinesis commands that change an existing stream: tags, shard count, mode, retention and encryption. */
export abstract class KinesisStreamSettings extends KinesisStreams {
  protected listTags(i: ListTagsForStreamCommandInput): Out<ListTagsForStreamCommandOutput> {
    const s = this.get(i);
    return { Tags: toTagList(s.tags).sort((a, b) => a.Key.localeCompare(b.Key)), HasMoreTags: false };
  }

  protected addTags(i: AddTagsToStreamCommandInput): Record<string, never> {
    const s = this.get(i);
    this.requireUsable(s);
    // "A set of up to 10 key-value pairs to use to create the tags" per AddTagsToStream call.
    if (Object.keys(i.Tags ?? {}).length > 10) throw this.errors.make('InvalidArgumentException', 'AddTagsToStream takes at most 10 tags per call.');
    const merged = { ...s.tags, ...checkedTags('kinesis', { ...(i.Tags ?? {}) }, (m) => this.errors.make('InvalidArgumentException', m)) };
    if (Object.keys(merged).length > MAX_TAGS) {
      throw this.errors.make(
        'InvalidArgumentException',
        `Failed to add tags to stream ${s.name} under account ${this.env.account} because a given stream cannot have more than ${MAX_TAGS} tags associated with it.`,
      );
    }
    s.tags = merged;
    return {};
  }

  protected removeTags(i: RemoveTagsFromStreamCommandInput): Record<string, never> {
    const s = this.get(i);
    this.requireUsable(s);
    for (const k of i.TagKeys ?? []) delete s.tags[k];
    return {};
  }

  protected updateShardCount(i: UpdateShardCountCommandInput): Out<UpdateShardCountCommandOutput> {
    const s = this.get(i);
    this.requireActive(s);
    const target = required(this, i.TargetShardCount, 'targetShardCount');
    if (i.ScalingType !== 'UNIFORM_SCALING') {
      throw this.errors.make(
        'ValidationException',
        "1 validation error detected: Value at 'scalingType' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]",
      );
    }
    if (s.mode === 'ON_DEMAND') {
      throw this.errors.make(
        'ValidationException',
        `UpdateShardCount is not supported for stream ${s.name} under account ${this.env.account} in ON_DEMAND mode.`,
      );
    }
    const current = s.shards.length;
    if (target > current * 2 || target < Math.ceil(current / 2)) {
      throw this.errors.make(
        'LimitExceededException',
        `UpdateShardCount for stream ${s.name} under account ${this.env.account}: target shard count ${target} must be between ${Math.ceil(current / 2)} and ${current * 2} (half to double the current ${current}).`,
      );
    }
    this.checkShardLimit(target - current);
    this.begin(s, 'UPDATING', () => {
      s.shards = this.newShards(s, target);
    });
    return { StreamName: s.name, StreamARN: s.arn, CurrentShardCount: current, TargetShardCount: target };
  }

  protected updateStreamMode(i: UpdateStreamModeCommandInput): Record<string, never> {
    // UpdateStreamMode takes only the ARN.
    const arn = required(this, i.StreamARN, 'streamARN');
    const s = this.get({ StreamARN: arn });
    this.requireActive(s);
    const mode = required(this, i.StreamModeDetails?.StreamMode, 'streamModeDetails.streamMode');
    this.begin(s, 'UPDATING', () => {
      s.mode = mode;
      if (mode === 'ON_DEMAND' && s.shards.length < ON_DEMAND_INITIAL_SHARDS) s.shards = this.newShards(s, ON_DEMAND_INITIAL_SHARDS);
    });
    return {};
  }

  protected changeRetention(
    i: IncreaseStreamRetentionPeriodCommandInput | DecreaseStreamRetentionPeriodCommandInput,
    direction: 'increase' | 'decrease',
  ): Record<string, never> {
    const s = this.get(i);
    this.requireActive(s);
    const hours = required(this, i.RetentionPeriodHours, 'retentionPeriodHours');
    if (hours < 24 || hours > 8760) {
      throw this.errors.make('InvalidArgumentException', `Retention period ${hours} hours is outside the allowed range of 24 to 8760 hours.`);
    }
    if (direction === 'increase' && hours < s.retentionHours) {
      throw this.errors.make(
        'InvalidArgumentException',
        `Requested retention period (${hours} hours) for stream ${s.name} can not be shorter than existing retention period (${s.retentionHours} hours). Use DecreaseRetentionPeriod API.`,
      );
    }
    if (direction === 'decrease' && hours > s.retentionHours) {
      throw this.errors.make(
        'InvalidArgumentException',
        `Requested retention period (${hours} hours) for stream ${s.name} can not be longer than existing retention period (${s.retentionHours} hours). Use IncreaseRetentionPeriod API.`,
      );
    }
    s.retentionHours = hours;
    return {};
  }

  protected startEncryption(i: StartStreamEncryptionCommandInput): Record<string, never> {
    const s = this.get(i);
    this.requireActive(s);
    if (i.EncryptionType !== 'KMS') throw this.errors.make('InvalidArgumentException', 'EncryptionType must be KMS.');
    const keyId = required(this, i.KeyId, 'keyId');
    this.begin(s, 'UPDATING', () => {
      s.encryption = { type: 'KMS', keyId };
    });
    return {};
  }

  protected stopEncryption(i: StopStreamEncryptionCommandInput): Record<string, never> {
    const s = this.get(i);
    this.requireActive(s);
    this.begin(s, 'UPDATING', () => {
      s.encryption = { type: 'NONE' };
    });
    return {};
  }
}
