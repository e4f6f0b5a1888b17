import { gunzipSync, gzipSync } from 'node:zlib';
import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  IncreaseStreamRetentionPeriodCommand,
  PutRecordCommand,
  SplitShardCommand,
  waitUntilStreamExists,
  waitUntilStreamNotExists,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { EMULATOR_REGION, startKinesalite, type RunningEmulator, emulatorClients } from './helpers/emulators';

/** Waiter settings in seconds: kinesalite changes state within milliseconds. */
const WAIT = { minDelay: 0.01, maxDelay: 0.05, maxWaitTime: 10 };

let emulator: RunningEmulator;
let kinesis: KinesisClient;

beforeAll(async () => {
  emulator = await startKinesalite();
  // The project's client factory: with an endpoint override the Kinesis client must speak HTTP/1.1.
  kinesis = emulatorClients(emulator).kinesis;
});

afterAll(async () => {
  kinesis?.destroy();
  await emulator?.stop();
});

async function createActiveStream(name: string, shardCount: number): Promise<void> {
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }));
  const waited = await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: name });
  expect(waited.state).toBe('SUCCESS');
}

async function describeStream(name: string) {
  const { StreamDescription } = await kinesis.send(new DescribeStreamCommand({ StreamName: name }));
  if (!StreamDescription) throw new Error(`DescribeStream returned no description for ${name}`);
  return StreamDescription;
}

const openShards = (shards: Shard[] | undefined) => (shards ?? []).filter((s) => s.SequenceNumberRange?.EndingSequenceNumber === undefined);

describe('Kinesis data stream on kinesalite (HTTP/1.1 endpoint override)', () => {
  it.each([
    ['proto-one-shard', 1],
    ['proto-three-shards', 3],
  ])('creates %s with %i shard(s) and the SDK waiter sees it ACTIVE', async (name, shards) => {
    await createActiveStream(name, shards);

    const desc = await describeStream(name);
    expect(desc).toMatchObject({
      StreamName: name,
      StreamStatus: 'ACTIVE',
      RetentionPeriodHours: 24,
      StreamARN: expect.stringMatching(new RegExp(`^arn:aws:kinesis:${EMULATOR_REGION}:\\d{12}:stream/${name}$`)),
    });
    expect(openShards(desc.Shards)).toHaveLength(shards);
  });

  it('changes retention in place: up to 48 h, then back to 24 h', async () => {
    const name = 'proto-retention';
    await createActiveStream(name, 1);

    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 48 }));
    await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: name });
    expect(await describeStream(name)).toMatchObject({ StreamStatus: 'ACTIVE', RetentionPeriodHours: 48 });

    await kinesis.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: name, RetentionPeriodHours: 24 }));
    await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: name });
    expect(await describeStream(name)).toMatchObject({ StreamStatus: 'ACTIVE', RetentionPeriodHours: 24 });
  });

  it('changes the shard count in place by splitting a shard (kinesalite has no UpdateShardCount)', async () => {
    const name = 'proto-reshard';
    await createActiveStream(name, 1);
    const [shard] = (await describeStream(name)).Shards ?? [];
    const start = BigInt(shard.HashKeyRange!.StartingHashKey!);
    const end = BigInt(shard.HashKeyRange!.EndingHashKey!);

    await kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: shard.ShardId!, NewStartingHashKey: ((start + end) / 2n + 1n).toString() }));
    await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: name });

    const desc = await describeStream(name);
    expect(desc.StreamStatus).toBe('ACTIVE');
    expect(openShards(desc.Shards).map((s) => s.ParentShardId)).toEqual([shard.ShardId, shard.ShardId]);
  });

  it.each([
    [
      'DATA_MESSAGE',
      {
        messageType: 'DATA_MESSAGE',
        owner: '123456789012',
        logGroup: '/siem-pipeline/proto/vpc-flow-logs',
        logStream: 'eni-0123456789abcdef0-all',
        subscriptionFilters: ['siem-proto'],
        logEvents: [
          { id: '1', timestamp: 1_700_000_000_000, message: '2 123456789012 eni-0123 10.0.0.1 10.0.0.2 443 49152 6 10 840 1700000000 1700000060 ACCEPT OK' },
          { id: '2', timestamp: 1_700_000_000_500, message: '2 123456789012 eni-0123 10.0.0.3 10.0.0.2 22 49153 6 1 40 1700000000 1700000060 REJECT OK' },
        ],
      },
    ],
    [
      'CONTROL_MESSAGE',
      {
        messageType: 'CONTROL_MESSAGE',
        owner: 'CloudwatchLogs',
        logGroup: '',
        logStream: '',
        subscriptionFilters: [],
        logEvents: [{ id: '', timestamp: 1_700_000_000_000, message: 'CWL CONTROL MESSAGE: Checking health of destination Kinesis stream.' }],
      },
    ],
  ])('stores a gzip JSON CloudWatch Logs %s as CloudWatch Logs puts it and reads it back unchanged', async (type, payload) => {
    const name = `proto-records-${type.toLowerCase().replace('_', '-')}`;
    await createActiveStream(name, 1);
    const data = gzipSync(Buffer.from(JSON.stringify(payload)));

    const put = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: payload.logStream || 'control', Data: data }));
    expect(put.ShardId).toBe('shardId-000000000000');

    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: name, ShardId: put.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator: ShardIterator! }));

    expect(Records).toHaveLength(1);
    expect(Records![0].SequenceNumber).toBe(put.SequenceNumber);
    expect(Buffer.from(Records![0].Data!)).toEqual(data);
    expect(JSON.parse(gunzipSync(Records![0].Data!).toString('utf8'))).toEqual(payload);
  });

  it('deletes a stream; the waiter sees it gone and a second delete is ResourceNotFoundException', async () => {
    const name = 'proto-delete';
    await createActiveStream(name, 1);

    await kinesis.send(new DeleteStreamCommand({ StreamName: name }));
    const waited = await waitUntilStreamNotExists({ client: kinesis, ...WAIT }, { StreamName: name });

    expect(waited.state).toBe('SUCCESS');
    await expect(kinesis.send(new DescribeStreamCommand({ StreamName: name }))).rejects.toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
    await expect(kinesis.send(new DeleteStreamCommand({ StreamName: name }))).rejects.toThrow(expect.objectContaining({ name: 'ResourceNotFoundException' }));
  });
});
