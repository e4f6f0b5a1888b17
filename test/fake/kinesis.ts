import {
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
  type StartStreamEncryptionCommandInput,
  type StopStreamEncryptionCommandInput,
  type StreamStatus,
  type UpdateShardCountCommandInput,
  type UpdateShardCountCommandOutput,
  type UpdateStreamModeCommandInput,
} from '@aws-sdk/client-kinesis';
import { checkedTags } from './tag-rules';
import { deepCopy, matchesOwner, notModelled, type FakeService, type Handlers, type Out, type OwnedResource, type OwnerMatch } from './service';
import { KinesisStreamSettings } from './kinesis-settings';
import { MAX_TAGS, ON_DEMAND_INITIAL_SHARDS, required, type Mode, type StoredRecord, type StreamState } from './kinesis-state';

export type { KinesisFakeOptions, StoredRecord } from './kinesis-state';

/** Kinesis Data Streams: streams with status transitions, shards, retention, encryption, tags and records. */
export class KinesisFake extends KinesisStreamSettings implements FakeService {
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
}
