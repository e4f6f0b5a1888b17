import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient, type _Record } from '@aws-sdk/client-kinesis';
import type { Clock } from '../../support/clock';
import { isAwsError } from '../../support/errors';

/** Limits of one read of the stream. */
export interface ReadLimits {
  /** Records read at most, over all shards; the read stops there. */
  maxRecords: number;
  /** Records per GetRecords call (the API allows 10,000). */
  pageSize: number;
  /** GetRecords calls per second per shard: the API allows 5. */
  callsPerSecond: number;
  /** ProvisionedThroughputExceeded retries per call, with capped jittered backoff. */
  maxThrottleRetries: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = { maxRecords: 50_000, pageSize: 1_000, callsPerSecond: 5, maxThrottleRetries: 5 };

/** What the read found: every record, and whether it stopped at the cap before a shard's tip. */
export interface StreamRead {
  records: _Record[];
  shards: number;
  capped: boolean;
}

/**
 * Reads every shard from AT_TIMESTAMP `since` to its tip (MillisBehindLatest 0 on a page that is not full, or
 * a closed shard's end), at most `callsPerSecond` GetRecords per shard (timed by the injected clock), backing off
 * on ProvisionedThroughputExceededException, and stops once `maxRecords` are read.
 */
export async function readStream(
  kinesis: KinesisClient,
  streamName: string,
  since: Date,
  clock: Clock,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): Promise<StreamRead> {
  const shardIds = await listShardIds(kinesis, streamName);
  const records: _Record[] = [];
  let capped = false;
  for (const ShardId of shardIds) {
    const it = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId, ShardIteratorType: 'AT_TIMESTAMP', Timestamp: since }));
    let iterator = it.ShardIterator;
    let lastCall = -Infinity;
    while (iterator) {
      if (records.length >= limits.maxRecords) {
        capped = true;
        break;
      }
      const wait = lastCall + 1000 / limits.callsPerSecond - clock.now();
      if (wait > 0) await clock.sleep(wait);
      lastCall = clock.now();
      const Limit = Math.min(limits.pageSize, limits.maxRecords - records.length);
      const page = await getRecords(kinesis, iterator, Limit, clock, limits.maxThrottleRetries);
      records.push(...(page.Records ?? []));
      const atTip = page.MillisBehindLatest === 0 && (page.Records?.length ?? 0) < Limit;
      iterator = atTip ? undefined : page.NextShardIterator;
    }
    if (capped) break;
  }
  return { records, shards: shardIds.length, capped };
}

/** Every shard id of the stream (ListShards, paginated: a NextToken call names no stream). */
async function listShardIds(kinesis: KinesisClient, streamName: string): Promise<string[]> {
  const ids: string[] = [];
  let NextToken: string | undefined;
  do {
    const out = await kinesis.send(new ListShardsCommand(NextToken ? { NextToken } : { StreamName: streamName }));
    ids.push(...(out.Shards ?? []).flatMap((s) => (s.ShardId ? [s.ShardId] : [])));
    NextToken = out.NextToken;
  } while (NextToken);
  return ids;
}

async function getRecords(kinesis: KinesisClient, ShardIterator: string, Limit: number, clock: Clock, retries: number) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit }));
    } catch (err) {
      if (!isAwsError(err, 'ProvisionedThroughputExceededException') || attempt >= retries) throw err;
      // Capped, jittered: 200 ms doubling to 5 s.
      await clock.sleep(Math.min(5000, 200 * 2 ** attempt) * (0.5 + Math.random() / 2));
    }
  }
}
