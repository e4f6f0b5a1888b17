import { createHash } from 'node:crypto';
import {
  AccessDeniedException,
  InvalidArgumentException,
  KinesisServiceException,
  LimitExceededException,
  ResourceInUseException,
  ResourceNotFoundException,
  ValidationException,
  type Shard,
  type StreamStatus,
} from '@aws-sdk/client-kinesis';
import { ErrorFactory } from './errors';
import { Transition, type FakeEnv, type TransitionTiming } from './service';

export type Mode = 'PROVISIONED' | 'ON_DEMAND';

/** A record as a producer put it, kept for tests that read what reached the stream. */
export interface StoredRecord {
  partitionKey: string;
  data: Buffer;
  shardId: string;
  sequenceNumber: string;
}

export interface StreamState {
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
export const ON_DEMAND_INITIAL_SHARDS = 4;
export const MAX_TAGS = 50;

/** The streams of the Kinesis fake and what every command shares: lookup, state checks, transitions, shards, records. */
export abstract class KinesisStreams {
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
  protected readonly streams = new Map<string, StreamState>();
  private sequence = 0n;

  constructor(
    protected readonly env: FakeEnv,
    protected readonly opts: KinesisFakeOptions,
  ) {}

  protected nameOf(i: { StreamName?: string | undefined; StreamARN?: string | undefined }): string {
    if (i.StreamName) return i.StreamName;
    if (i.StreamARN) {
      const m = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/(.+)$/.exec(i.StreamARN);
      if (!m) throw this.errors.make('InvalidArgumentException', `Invalid StreamARN ${i.StreamARN}`);
      if (m[1] !== this.env.region || m[2] !== this.env.account) {
        throw this.errors.make('ResourceNotFoundException', `Stream ${m[3]} under account ${m[2]} not found.`);
      }
      return m[3];
    }
    throw this.errors.make('InvalidArgumentException', 'Either StreamName or StreamARN should be provided.');
  }

  protected get(i: { StreamName?: string | undefined; StreamARN?: string | undefined }, describe = false): StreamState {
    const name = this.nameOf(i);
    const s = this.streams.get(name);
    if (s) this.advance(s, describe);
    const now = this.streams.get(name);
    if (!now) throw this.errors.make('ResourceNotFoundException', `Stream ${name} under account ${this.env.account} not found.`);
    return now;
  }

  protected writable(i: { StreamName?: string | undefined; StreamARN?: string | undefined }): StreamState {
    const s = this.get(i);
    // A stream that is still CREATING is not found by the data plane.
    if (s.status === 'CREATING') throw this.errors.make('ResourceNotFoundException', `Stream ${s.name} under account ${this.env.account} not found.`);
    return s;
  }

  protected requireActive(s: StreamState): void {
    if (s.status !== 'ACTIVE') {
      throw this.errors.make('ResourceInUseException', `Stream ${s.name} under account ${this.env.account} not ACTIVE, instead in state ${s.status}`);
    }
  }

  protected requireUsable(s: StreamState): void {
    if (s.status === 'CREATING' || s.status === 'DELETING') this.requireActive(s);
  }

  /** The shard quota and use the limit check below works with; 50 on-demand streams by default (quotas page). */
  protected describeLimits(): { ShardLimit: number; OpenShardCount: number; OnDemandStreamCount: number; OnDemandStreamCountLimit: number } {
    const live = [...this.streams.values()];
    return {
      ShardLimit: this.opts.shardLimit,
      OpenShardCount: live.reduce((n, s) => n + s.shards.length, 0),
      OnDemandStreamCount: live.filter((s) => s.mode === 'ON_DEMAND').length,
      OnDemandStreamCountLimit: 50,
    };
  }

  protected checkShardLimit(additional: number): void {
    const open = [...this.streams.values()].reduce((n, s) => n + s.shards.length, 0);
    if (open + additional > this.opts.shardLimit) {
      throw this.errors.make(
        'LimitExceededException',
        `This request would exceed the shard limit for the account ${this.env.account} in ${this.env.region}. Current shard count for the account: ${open}. Limit: ${this.opts.shardLimit}. Number of additional shards that would have resulted from this request: ${additional}.`,
      );
    }
  }

  protected begin(s: StreamState, status: StreamStatus, settle: () => void): void {
    s.status = status;
    const timing = status === 'UPDATING' ? (this.opts.updateTiming ?? this.opts.timing) : this.opts.timing;
    s.transition = new Transition(status, timing, this.env.now(), settle);
    this.advance(s, false);
  }

  protected advance(s: StreamState, describe: boolean): void {
    if (s.transition?.isDone(this.env.now(), describe)) this.finish(s);
  }

  protected finish(s: StreamState): void {
    const t = s.transition;
    if (!t) return;
    s.transition = undefined;
    s.status = 'ACTIVE';
    t.settle();
  }

  protected settleDue(): void {
    for (const s of [...this.streams.values()]) this.advance(s, false);
  }

  protected newShards(s: StreamState, count: number): Shard[] {
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

  protected store(s: StreamState, partitionKey: string, data: Uint8Array | undefined): StoredRecord {
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
export function required<T>(svc: { readonly errors: ErrorFactory }, value: T | undefined, member: string): T {
  if (value === undefined || value === null) {
    throw svc.errors.make(
      'ValidationException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
