import {
  CreateStreamCommand,
  DecreaseStreamRetentionPeriodCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  IncreaseStreamRetentionPeriodCommand,
  ListTagsForStreamCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceInUseException,
  StartStreamEncryptionCommand,
  UpdateShardCountCommand,
  UpdateStreamModeCommand,
  waitUntilStreamExists,
  waitUntilStreamNotExists,
  type KinesisClient,
  DescribeLimitsCommand as DescribeKinesisLimits,
} from '@aws-sdk/client-kinesis';
import { FakeAccount } from './account';
import { FakeClock } from './clock';

const WAIT = { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 2 };
const ARN = 'arn:aws:kinesis:us-east-1:123456789012:stream/s1';

async function status(kinesis: KinesisClient, StreamName = 's1'): Promise<string | undefined> {
  const out = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName }));
  return out.StreamDescriptionSummary?.StreamStatus;
}

async function activeStream(fake: FakeAccount, shards = 2): Promise<KinesisClient> {
  const { kinesis } = fake.clients();
  await kinesis.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: shards, Tags: { team: 'sec' } }));
  fake.kinesis.settleAll();
  return kinesis;
}

describe('fake Kinesis', () => {
  it('creates a tagged stream that stays CREATING for the configured number of describes', async () => {
    const fake = new FakeAccount({ streamTransition: { describes: 2 } });
    const { kinesis } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 2, StreamModeDetails: { StreamMode: 'PROVISIONED' }, Tags: { team: 'sec' } }));

    expect([await status(kinesis), await status(kinesis), await status(kinesis)]).toEqual(['CREATING', 'CREATING', 'ACTIVE']);
    const out = await kinesis.send(new DescribeStreamCommand({ StreamARN: ARN }));
    expect(out.StreamDescription).toMatchObject({
      StreamName: 's1',
      StreamARN: ARN,
      StreamStatus: 'ACTIVE',
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      RetentionPeriodHours: 24,
      EncryptionType: 'NONE',
      HasMoreShards: false,
    });
    expect(out.StreamDescription?.Shards?.map((s) => s.ShardId)).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect((await kinesis.send(new ListTagsForStreamCommand({ StreamName: 's1' }))).Tags).toEqual([{ Key: 'team', Value: 'sec' }]);
  });

  it('settles transitions by time on the injected clock, and the SDK waiter polls it', async () => {
    const clock = new FakeClock();
    const fake = new FakeAccount({ now: () => clock.now(), streamTransition: { ms: 30_000 } });
    const { kinesis } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 1 }));
    expect(await status(kinesis)).toBe('CREATING');
    clock.advance(30_000);

    await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: 's1' });
    expect(await status(kinesis)).toBe('ACTIVE');
  });

  it('times UPDATING by streamUpdate and CREATING by streamTransition when both are given', async () => {
    const clock = new FakeClock();
    const fake = new FakeAccount({ now: () => clock.now(), streamTransition: { ms: 30_000 }, streamUpdate: { ms: 5_000 } });
    const { kinesis } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 1 }));
    clock.advance(29_999);
    const creating = await status(kinesis);
    clock.advance(1);
    const created = await status(kinesis);
    await kinesis.send(new StartStreamEncryptionCommand({ StreamName: 's1', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
    const updating = await status(kinesis);
    clock.advance(5_000);

    expect([creating, created, updating, await status(kinesis)]).toEqual(['CREATING', 'ACTIVE', 'UPDATING', 'ACTIVE']);
  });

  it('goes UPDATING -> ACTIVE on a reshard and applies the new shard count when it settles', async () => {
    const fake = new FakeAccount();
    const kinesis = await activeStream(fake);
    const out = await kinesis.send(new UpdateShardCountCommand({ StreamName: 's1', TargetShardCount: 4, ScalingType: 'UNIFORM_SCALING' }));
    expect(out).toMatchObject({ StreamName: 's1', CurrentShardCount: 2, TargetShardCount: 4, StreamARN: ARN });

    await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: 's1' });
    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 's1' }))).StreamDescriptionSummary;
    expect(summary).toMatchObject({ StreamStatus: 'ACTIVE', OpenShardCount: 4 });
  });

  it('changes retention at once, and mode and encryption after UPDATING', async () => {
    const fake = new FakeAccount();
    const kinesis = await activeStream(fake);
    await kinesis.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 's1', RetentionPeriodHours: 48 }));
    expect(await status(kinesis)).toBe('ACTIVE');
    await kinesis.send(new StartStreamEncryptionCommand({ StreamName: 's1', EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }));
    await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: 's1' });
    await kinesis.send(new UpdateStreamModeCommand({ StreamARN: ARN, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }));
    await waitUntilStreamExists({ client: kinesis, ...WAIT }, { StreamName: 's1' });

    const summary = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 's1' }))).StreamDescriptionSummary;
    expect(summary).toMatchObject({
      RetentionPeriodHours: 48,
      EncryptionType: 'KMS',
      KeyId: 'alias/aws/kinesis',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      OpenShardCount: 4,
    });
  });

  it.each([
    [
      'a duplicate CreateStream',
      'ResourceInUseException',
      /already exists/,
      (k: KinesisClient) => k.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 1 })),
    ],
    [
      'a missing stream',
      'ResourceNotFoundException',
      /Stream nope under account 123456789012 not found/,
      (k: KinesisClient) => k.send(new DescribeStreamCommand({ StreamName: 'nope' })),
    ],
    [
      'a reshard beyond double',
      'LimitExceededException',
      /between 1 and 4/,
      (k: KinesisClient) => k.send(new UpdateShardCountCommand({ StreamName: 's1', TargetShardCount: 5, ScalingType: 'UNIFORM_SCALING' })),
    ],
    [
      'Increase to a shorter retention',
      'InvalidArgumentException',
      /24 to 8760/,
      (k: KinesisClient) => k.send(new IncreaseStreamRetentionPeriodCommand({ StreamName: 's1', RetentionPeriodHours: 12 })),
    ],
    [
      'Decrease to a longer retention',
      'InvalidArgumentException',
      /can not be longer/,
      (k: KinesisClient) => k.send(new DecreaseStreamRetentionPeriodCommand({ StreamName: 's1', RetentionPeriodHours: 48 })),
    ],
  ])('answers %s with %s', async (_what, name, message, call) => {
    const fake = new FakeAccount();
    const kinesis = await activeStream(fake);
    await expect(call(kinesis)).rejects.toMatchObject({ name, message: expect.stringMatching(message), $fault: 'client' });
  });

  it('refuses to delete a stream that is not ACTIVE, as Kinesis does', async () => {
    const fake = new FakeAccount();
    const { kinesis } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 1 }));
    const err = await kinesis.send(new DeleteStreamCommand({ StreamName: 's1' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ResourceInUseException);
    expect((err as Error).message).toBe('Stream s1 under account 123456789012 not ACTIVE, instead in state CREATING');
  });

  it('goes DELETING -> gone, which waitUntilStreamNotExists sees', async () => {
    const fake = new FakeAccount();
    const kinesis = await activeStream(fake);
    await kinesis.send(new DeleteStreamCommand({ StreamName: 's1', EnforceConsumerDeletion: true }));
    expect(await status(kinesis)).toBe('DELETING');
    expect(fake.resourcesOwnedBy('sec')).toEqual([]);

    await waitUntilStreamNotExists({ client: kinesis, ...WAIT }, { StreamName: 's1' });
    expect(fake.snapshot().kinesis).toEqual([]);
  });

  it('keeps the records put into a stream', async () => {
    const fake = new FakeAccount();
    const kinesis = await activeStream(fake);
    const one = await kinesis.send(new PutRecordCommand({ StreamName: 's1', PartitionKey: 'a', Data: Buffer.from('first') }));
    const many = await kinesis.send(
      new PutRecordsCommand({
        StreamName: 's1',
        Records: [
          { PartitionKey: 'b', Data: Buffer.from('second') },
          { PartitionKey: 'c', Data: Buffer.from('third') },
        ],
      }),
    );

    expect(one.ShardId).toMatch(/^shardId-00000000000[01]$/);
    expect(many).toMatchObject({ FailedRecordCount: 0, Records: [{ SequenceNumber: expect.any(String) }, { SequenceNumber: expect.any(String) }] });
    expect(fake.kinesis.records('s1').map((r) => [r.partitionKey, r.data.toString()])).toEqual([
      ['a', 'first'],
      ['b', 'second'],
      ['c', 'third'],
    ]);
  });

  it('DescribeLimits reports the shard quota and the open shards that CreateStream counts against it', async () => {
    const fake = new FakeAccount({ kinesisShardLimit: 3 });
    const { kinesis } = fake.clients();
    await kinesis.send(new CreateStreamCommand({ StreamName: 'a', ShardCount: 2 }));
    fake.kinesis.settleAll();
    expect(await kinesis.send(new DescribeKinesisLimits({}))).toMatchObject({
      ShardLimit: 3,
      OpenShardCount: 2,
      OnDemandStreamCount: 0,
      OnDemandStreamCountLimit: 50,
    });
    await expect(kinesis.send(new CreateStreamCommand({ StreamName: 'b', ShardCount: 2 }))).rejects.toMatchObject({ name: 'LimitExceededException' });
  });
});
