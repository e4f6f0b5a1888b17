import { createHash } from 'node:crypto';
import {
  AccessDeniedException,
  InvalidArgumentException,
  KinesisServiceException,
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
  type AddTagsToStreamCommandInput,
  type CreateStreamCommandInput,
  type DecreaseStreamRetentionPeriodCommandInput,
  type DeleteStreamCommandInput,
  type DescribeStreamCommandInput,
  type DescribeStreamCommandOutput,
  type DescribeStreamSummaryCommandInput,
  type DescribeStreamSummaryCommandOutput,
  type IncreaseStreamRetentionPeriodCommandInput,
  type ListStreamsCommandOutput,
  type ListTagsForStreamCommandInput,
  type ListTagsForStreamCommandOutput,
  type PutRecordCommandInput,
  type PutRecordCommandOutput,
  type PutRecordsCommandInput,
  type PutRecordsCommandOutput,
  type RemoveTagsFromStreamCommandInput,
  type Shard,
  type StartStreamEncryptionCommandInput,
  type StopStreamEncryptionCommandInput,
  type StreamStatus,
  type UpdateShardCountCommandInput,
  type UpdateShardCountCommandOutput,
  type UpdateStreamModeCommandInput,
} from '@aws-sdk/client-kinesis';
import { ErrorFactory } from './errors';
import { checkedTags } from './tag-rules';
import {
  deepCopy,
  matchesOwner,
  notModelled,
  toTagList,
  Transition,
  type FakeEnv,
  type FakeService,
  type Handlers,
  type Out,
  type OwnedResource,
  type OwnerMatch,
  type TransitionTiming,
} from './service';

type Mode = 'PROVISIONED' | 'ON_DEMAND';

/** A record as a producer put it, kept for tests that read what reached the stream. */
export interface StoredRecord {
  partitionKey: string;
  data: Buffer;
  shardId: string;
  sequenceNumber: string;
}

interface StreamState {
  name: string;
  arn: string;
  status: StreamStatus;
  mode: Mode;
  shards: Shard[];
  nextShard: number;
  retentionHours: number;
  encryption: { type: 'NONE' } | { type: 'KMS'; keyId: string };
  tags: Record<string, string>;
  created: Date;
  records: StoredRecord[];
  transition?: Transition<StreamStatus>;
}

export interface KinesisFakeOptions {
  /** How long CREATING, UPDATING and DELETING last. */
  timing: TransitionTiming;
  /** How long UPDATING lasts, when it differs from `timing` (an encryption change takes seconds, a create minutes). */
  updateTiming?: TransitionTiming;
  /** Open shards allowed in the account and region (AWS default: 200 in most regions). */
  shardLimit: number;
}

const HASH_SPACE = 2n ** 128n;
const ON_DEMAND_INITIAL_SHARDS = 4;
const MAX_TAGS = 50;

/** Kinesis Data Streams: streams with status transitions, shards, retention, encryption, tags and records. */
export class KinesisFake implements FakeService {
  readonly key = 'kinesis' as const;
  readonly errors = new ErrorFactory({
    base: KinesisServiceException,
    modeled: {
      AccessDeniedException: [AccessDeniedException, 400],
      InvalidArgumentException: [InvalidArgumentException, 400],
      LimitExceededException: [LimitExceededException, 400],
      ResourceInUseException: [ResourceInUseException, 400],
      ResourceNotFoundException: [ResourceNotFoundException, 400],
      ValidationException: [ValidationException, 400],
    },
    protocol: 'json',
    throttling: 'ThrottlingException',
    accessDenied: 'AccessDeniedException',
    actionPrefix: 'kinesis',
  });
  private readonly streams = new Map<string, StreamState>();
  private sequence = 0n;

  constructor(
    private readonly env: FakeEnv,
    private readonly opts: KinesisFakeOptions,
  ) {}

  private readonly handlers = {
    CreateStream: (i: CreateStreamCommandInput) => this.createStream(i),
    DescribeStream: (i: DescribeStreamCommandInput): Out<DescribeStreamCommandOutput> => this.describeStream(i),
    DescribeStreamSummary: (i: DescribeStreamSummaryCommandInput): Out<DescribeStreamSummaryCommandOutput> => this.describeSummary(i),
    ListStreams: (): Out<ListStreamsCommandOutput> => this.listStreams(),
    DescribeLimits: () => this.describeLimits(),
    ListTagsForStream: (i: ListTagsForStreamCommandInput): Out<ListTagsForStreamCommandOutput> => this.listTags(i),
    AddTagsToStream: (i: AddTagsToStreamCommandInput) => this.addTags(i),
    RemoveTagsFromStream: (i: RemoveTagsFromStreamCommandInput) => this.removeTags(i),
    UpdateShardCount: (i: UpdateShardCountCommandInput): Out<UpdateShardCountCommandOutput> => this.updateShardCount(i),
    UpdateStreamMode: (i: UpdateStreamModeCommandInput) => this.updateStreamMode(i),
    IncreaseStreamRetentionPeriod: (i: IncreaseStreamRetentionPeriodCommandInput) => this.changeRetention(i, 'increase'),
    DecreaseStreamRetentionPeriod: (i: DecreaseStreamRetentionPeriodCommandInput) => this.changeRetention(i, 'decrease'),
    StartStreamEncryption: (i: StartStreamEncryptionCommandInput) => this.startEncryption(i),
    StopStreamEncryption: (i: StopStreamEncryptionCommandInput) => this.stopEncryption(i),
    DeleteStream: (i: DeleteStreamCommandInput) => this.deleteStream(i),
    PutRecord: (i: PutRecordCommandInput): Out<PutRecordCommandOutput> => this.putRecord(i),
    PutRecords: (i: PutRecordsCommandInput): Out<PutRecordsCommandOutput> => this.putRecords(i),
  } satisfies Handlers;

  readonly commands = Object.keys(this.handlers);

  handle(command: string, input: Record<string, unknown>): unknown {
    const h = (this.handlers as Handlers)[command];
    if (!h) return notModelled(this.key, command);
    return h(input as never);
  }

  /** Records put into a stream, oldest first. */
  records(streamName: string): StoredRecord[] {
    return [...(this.streams.get(streamName)?.records ?? [])];
  }

  /** Status of the stream with this ARN as a delivering service sees it; undefined when there is none. */
  statusOf(arn: string): StreamStatus | undefined {
    this.settleDue();
    return [...this.streams.values()].find((s) => s.arn === arn)?.status;
  }

  /** Puts a record the way a delivering service does (CloudWatch Logs, EventBridge): no call is logged. */
  deliver(arn: string, partitionKey: string, data: Uint8Array): void {
    const s = [...this.streams.values()].find((x) => x.arn === arn);
    if (!s || s.status === 'CREATING') throw new Error(`fake account: no writable stream ${arn}`);
    this.store(s, partitionKey, data);
  }

  /** Ends every pending transition now (CREATING/UPDATING -> ACTIVE, DELETING -> gone). */
  settleAll(): void {
    for (const s of [...this.streams.values()]) this.finish(s);
  }

  snapshot(): unknown {
    this.settleDue();
    return [...this.streams.values()].map((s) => ({
      name: s.name,
      arn: s.arn,
      status: s.status,
      mode: s.mode,
      openShards: s.shards.length,
      retentionHours: s.retentionHours,
      encryption: { ...s.encryption },
      tags: { ...s.tags },
      records: s.records.length,
    }));
  }

  owned(match: OwnerMatch): OwnedResource[] {
    this.settleDue();
    return [...this.streams.values()]
      .filter((s) => s.status !== 'DELETING' && matchesOwner(match, s.name, s.tags))
      .map((s) => ({ service: this.key, type: 'stream', id: s.name }));
  }

  // ---- commands ----

  private createStream(i: CreateStreamCommandInput): Record<string, never> {
    const name = required(this, i.StreamName, 'streamName');
    const mode: Mode = i.StreamModeDetails?.StreamMode ?? 'PROVISIONED';
    this.settleDue();
    if (this.streams.has(name)) {
      throw this.errors.make('ResourceInUseException', `Stream ${name} under account ${this.env.account} already exists.`);
    }
    if (mode === 'PROVISIONED' && (i.ShardCount === undefined || i.ShardCount < 1)) {
      throw this.errors.make('ValidationException', 'ShardCount is required and must be at least 1 for a PROVISIONED stream.');
    }
    const shardCount = mode === 'ON_DEMAND' ? ON_DEMAND_INITIAL_SHARDS : i.ShardCount!;
    this.checkShardLimit(shardCount);
    const tags = checkedTags('kinesis', { ...(i.Tags ?? {}) }, (m) => this.errors.make('InvalidArgumentException', m));
    if (Object.keys(tags).length > MAX_TAGS) {
      throw this.errors.make('InvalidArgumentException', `A stream cannot have more than ${MAX_TAGS} tags.`);
    }
    const stream: StreamState = {
      name,
      arn: `arn:${this.env.partition}:kinesis:${this.env.region}:${this.env.account}:stream/${name}`,
      status: 'CREATING',
      mode,
      shards: [],
      nextShard: 0,
      retentionHours: 24,
      encryption: { type: 'NONE' },
      tags,
      created: new Date(this.env.now()),
      records: [],
    };
    this.streams.set(name, stream);
    this.begin(stream, 'CREATING', () => {
      stream.shards = this.newShards(stream, shardCount);
    });
    return {};
  }

  private describeStream(i: DescribeStreamCommandInput): Out<DescribeStreamCommandOutput> {
    const s = this.get(i, true);
    return {
      StreamDescription: {
        StreamName: s.name,
        StreamARN: s.arn,
        StreamStatus: s.status,
        StreamModeDetails: { StreamMode: s.mode },
        Shards: s.shards.map((sh) => deepCopy(sh)),
        HasMoreShards: false,
        RetentionPeriodHours: s.retentionHours,
        StreamCreationTimestamp: s.created,
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        EncryptionType: s.encryption.type,
        ...(s.encryption.type === 'KMS' ? { KeyId: s.encryption.keyId } : {}),
      },
    };
  }

  private describeSummary(i: DescribeStreamSummaryCommandInput): Out<DescribeStreamSummaryCommandOutput> {
    const s = this.get(i, true);
    return {
      StreamDescriptionSummary: {
        StreamName: s.name,
        StreamARN: s.arn,
        StreamStatus: s.status,
        StreamModeDetails: { StreamMode: s.mode },
        RetentionPeriodHours: s.retentionHours,
        StreamCreationTimestamp: s.created,
        EnhancedMonitoring: [{ ShardLevelMetrics: [] }],
        EncryptionType: s.encryption.type,
        ...(s.encryption.type === 'KMS' ? { KeyId: s.encryption.keyId } : {}),
        OpenShardCount: s.shards.length,
        ConsumerCount: 0,
      },
    };
  }

  private listStreams(): Out<ListStreamsCommandOutput> {
    this.settleDue();
    const all = [...this.streams.values()].sort((a, b) => a.name.localeCompare(b.name));
    return {
      StreamNames: all.map((s) => s.name),
      HasMoreStreams: false,
      StreamSummaries: all.map((s) => ({
        StreamName: s.name,
        StreamARN: s.arn,
        StreamStatus: s.status,
        StreamModeDetails: { StreamMode: s.mode },
        StreamCreationTimestamp: s.created,
      })),
    };
  }

  private listTags(i: ListTagsForStreamCommandInput): Out<ListTagsForStreamCommandOutput> {
    const s = this.get(i);
    return { Tags: toTagList(s.tags).sort((a, b) => a.Key.localeCompare(b.Key)), HasMoreTags: false };
  }

  private addTags(i: AddTagsToStreamCommandInput): Record<string, never> {
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

  private removeTags(i: RemoveTagsFromStreamCommandInput): Record<string, never> {
    const s = this.get(i);
    this.requireUsable(s);
    for (const k of i.TagKeys ?? []) delete s.tags[k];
    return {};
  }

  private updateShardCount(i: UpdateShardCountCommandInput): Out<UpdateShardCountCommandOutput> {
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

  private updateStreamMode(i: UpdateStreamModeCommandInput): Record<string, never> {
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

  private changeRetention(
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

  private startEncryption(i: StartStreamEncryptionCommandInput): Record<string, never> {
    const s = this.get(i);
    this.requireActive(s);
    if (i.EncryptionType !== 'KMS') throw this.errors.make('InvalidArgumentException', 'EncryptionType must be KMS.');
    const keyId = required(this, i.KeyId, 'keyId');
    this.begin(s, 'UPDATING', () => {
      s.encryption = { type: 'KMS', keyId };
    });
    return {};
  }

  private stopEncryption(i: StopStreamEncryptionCommandInput): Record<string, never> {
    const s = this.get(i);
    this.requireActive(s);
    this.begin(s, 'UPDATING', () => {
      s.encryption = { type: 'NONE' };
    });
    return {};
  }

  private deleteStream(i: DeleteStreamCommandInput): Record<string, never> {
    const s = this.get(i);
    // "If the stream is in the ACTIVE state, you can delete it": CREATING, UPDATING and DELETING are refused.
    this.requireActive(s);
    this.begin(s, 'DELETING', () => {
      this.streams.delete(s.name);
    });
    return {};
  }

  private putRecord(i: PutRecordCommandInput): Out<PutRecordCommandOutput> {
    const s = this.writable(i);
    const rec = this.store(s, required(this, i.PartitionKey, 'partitionKey'), i.Data);
    return { ShardId: rec.shardId, SequenceNumber: rec.sequenceNumber, EncryptionType: s.encryption.type };
  }

  private putRecords(i: PutRecordsCommandInput): Out<PutRecordsCommandOutput> {
    const s = this.writable(i);
    const entries = i.Records ?? [];
    if (entries.length < 1 || entries.length > 500) {
      throw this.errors.make(
        'ValidationException',
        `1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length between 1 and 500`,
      );
    }
    const Records = entries.map((e) => {
      const rec = this.store(s, required(this, e.PartitionKey, 'partitionKey'), e.Data);
      return { ShardId: rec.shardId, SequenceNumber: rec.sequenceNumber };
    });
    return { FailedRecordCount: 0, Records, EncryptionType: s.encryption.type };
  }

  // ---- helpers ----

  private nameOf(i: { StreamName?: string | undefined; StreamARN?: string | undefined }): string {
    if (i.StreamName) return i.StreamName;
    if (i.StreamARN) {
      const m = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/(.+)$/.exec(i.StreamARN);
      if (!m) throw this.errors.make('InvalidArgumentException', `Invalid StreamARN ${i.StreamARN}`);
      if (m[1] !== this.env.region || m[2] !== this.env.account) {
        throw this.errors.make('ResourceNotFoundException', `Stream ${m[3]} under account ${m[2]} not found.`);
      }
      return m[3]!;
    }
    throw this.errors.make('InvalidArgumentException', 'Either StreamName or StreamARN should be provided.');
  }

  private get(i: { StreamName?: string | undefined; StreamARN?: string | undefined }, describe = false): StreamState {
    const name = this.nameOf(i);
    const s = this.streams.get(name);
    if (s) this.advance(s, describe);
    const now = this.streams.get(name);
    if (!now) throw this.errors.make('ResourceNotFoundException', `Stream ${name} under account ${this.env.account} not found.`);
    return now;
  }

  private writable(i: { StreamName?: string | undefined; StreamARN?: string | undefined }): StreamState {
    const s = this.get(i);
    // A stream that is still CREATING is not found by the data plane.
    if (s.status === 'CREATING') throw this.errors.make('ResourceNotFoundException', `Stream ${s.name} under account ${this.env.account} not found.`);
    return s;
  }

  private requireActive(s: StreamState): void {
    if (s.status !== 'ACTIVE') {
      throw this.errors.make('ResourceInUseException', `Stream ${s.name} under account ${this.env.account} not ACTIVE, instead in state ${s.status}`);
    }
  }

  private requireUsable(s: StreamState): void {
    if (s.status === 'CREATING' || s.status === 'DELETING') this.requireActive(s);
  }

  /** The shard quota and use the limit check below works with; 50 on-demand streams by default (quotas page). */
  private describeLimits(): { ShardLimit: number; OpenShardCount: number; OnDemandStreamCount: number; OnDemandStreamCountLimit: number } {
    const live = [...this.streams.values()];
    return {
      ShardLimit: this.opts.shardLimit,
      OpenShardCount: live.reduce((n, s) => n + s.shards.length, 0),
      OnDemandStreamCount: live.filter((s) => s.mode === 'ON_DEMAND').length,
      OnDemandStreamCountLimit: 50,
    };
  }

  private checkShardLimit(additional: number): void {
    const open = [...this.streams.values()].reduce((n, s) => n + s.shards.length, 0);
    if (open + additional > this.opts.shardLimit) {
      throw this.errors.make(
        'LimitExceededException',
        `This request would exceed the shard limit for the account ${this.env.account} in ${this.env.region}. Current shard count for the account: ${open}. Limit: ${this.opts.shardLimit}. Number of additional shards that would have resulted from this request: ${additional}.`,
      );
    }
  }

  private begin(s: StreamState, status: StreamStatus, settle: () => void): void {
    s.status = status;
    const timing = status === 'UPDATING' ? (this.opts.updateTiming ?? this.opts.timing) : this.opts.timing;
    s.transition = new Transition(status, timing, this.env.now(), settle);
    this.advance(s, false);
  }

  private advance(s: StreamState, describe: boolean): void {
    if (s.transition?.isDone(this.env.now(), describe)) this.finish(s);
  }

  private finish(s: StreamState): void {
    const t = s.transition;
    if (!t) return;
    s.transition = undefined;
    s.status = 'ACTIVE';
    t.settle();
  }

  private settleDue(): void {
    for (const s of [...this.streams.values()]) this.advance(s, false);
  }

  private newShards(s: StreamState, count: number): Shard[] {
    const width = HASH_SPACE / BigInt(count);
    return Array.from({ length: count }, (_, ix) => {
      const id = s.nextShard++;
      const start = width * BigInt(ix);
      const end = ix === count - 1 ? HASH_SPACE - 1n : width * BigInt(ix + 1) - 1n;
      return {
        ShardId: `shardId-${String(id).padStart(12, '0')}`,
        HashKeyRange: { StartingHashKey: start.toString(), EndingHashKey: end.toString() },
        SequenceNumberRange: { StartingSequenceNumber: `4959${String(id).padStart(52, '0')}` },
      };
    });
  }

  private store(s: StreamState, partitionKey: string, data: Uint8Array | undefined): StoredRecord {
    const hash = BigInt(`0x${createHash('md5').update(partitionKey).digest('hex')}`);
    const shard = s.shards.find((sh) => hash >= BigInt(sh.HashKeyRange!.StartingHashKey!) && hash <= BigInt(sh.HashKeyRange!.EndingHashKey!))!;
    this.sequence++;
    const rec: StoredRecord = {
      partitionKey,
      data: Buffer.from(data ?? new Uint8Array()),
      shardId: shard.ShardId!,
      sequenceNumber: `4959${this.sequence.toString().padStart(52, '0')}`,
    };
    s.records.push(rec);
    return rec;
  }
}

/** A required input member, or the ValidationException AWS sends for a missing one. */
function required<T>(svc: KinesisFake, value: T | undefined, member: string): T {
  if (value === undefined || value === null) {
    throw svc.errors.make(
      'ValidationException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
