import {
  AccessDeniedException,
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  KinesisClient,
  ListTagsForStreamCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  type StreamDescription,
  type StreamDescriptionSummary,
  type StreamStatus,
} from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME as NAME_KEY, TAG_STACK as STACK_KEY } from '../../../../src/config/names';
import { kinesisTagText } from '../../../../src/components/stream/stream-tags';
import { OwnershipConflictError } from '../../../../src/support/errors';
import { streamComponent } from '../../../../src/components/stream/kinesis-stream';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';

const kinesis = mockClient(KinesisClient);
const { ctx } = createTestContext();
const StreamName = ctx.names.streamName;
const StreamARN = ctx.names.streamArn;

function summary(over: Partial<StreamDescriptionSummary> = {}): StreamDescriptionSummary {
  return {
    StreamName,
    StreamARN,
    StreamStatus: 'ACTIVE',
    StreamModeDetails: { StreamMode: 'PROVISIONED' },
    RetentionPeriodHours: 24,
    StreamCreationTimestamp: new Date(0),
    EnhancedMonitoring: [],
    EncryptionType: 'KMS',
    KeyId: 'alias/aws/kinesis',
    OpenShardCount: 1,
    ...over,
  };
}

/** DescribeStream as the SDK waiter reads it. */
function described(status: StreamStatus): { StreamDescription: StreamDescription } {
  return {
    StreamDescription: {
      StreamName,
      StreamARN,
      StreamStatus: status,
      Shards: [],
      HasMoreShards: false,
      RetentionPeriodHours: 24,
      StreamCreationTimestamp: new Date(0),
      EnhancedMonitoring: [],
    },
  };
}

/** Kinesis allows no ':' in tag keys or values: the stream carries our tags with '/' (stream-tags.ts). */
const TAG_NAME = kinesisTagText(NAME_KEY);
const TAG_STACK = kinesisTagText(STACK_KEY);
const STACK_TAG = kinesisTagText(TEST_STACK_ID);
const ourTags = {
  Tags: [
    { Key: TAG_NAME, Value: 'test' },
    { Key: TAG_STACK, Value: STACK_TAG },
  ],
  HasMoreTags: false,
};
const notFound = () => awsError(ResourceNotFoundException, `Stream ${StreamName} under account 123456789012 not found.`);

afterEach(() => kinesis.reset());
afterAll(() => kinesis.restore());

describe('stream ensure', () => {
  it('creates a provisioned stream with tags, waits for ACTIVE, checks ownership, then encrypts it', async () => {
    kinesis
      .on(DescribeStreamSummaryCommand)
      .rejectsOnce(notFound())
      .resolves({ StreamDescriptionSummary: summary({ EncryptionType: 'NONE', KeyId: undefined }) });
    kinesis.on(CreateStreamCommand).resolves({});
    kinesis.on(DescribeStreamCommand).resolvesOnce(described('CREATING')).resolves(described('ACTIVE'));
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);

    const out = await streamComponent.ensure(testConfig({ ShardCount: '1' }), ctx);

    expect(out).toEqual({ StreamName: 'siem-test', StreamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/siem-test' });
    expect(sentRequests(kinesis)).toEqual([
      ['DescribeStreamSummaryCommand', { StreamName }],
      [
        'CreateStreamCommand',
        { StreamName, ShardCount: 1, StreamModeDetails: { StreamMode: 'PROVISIONED' }, Tags: { [TAG_NAME]: 'test', [TAG_STACK]: STACK_TAG } },
      ],
      ['DescribeStreamCommand', { StreamName }],
      ['DescribeStreamCommand', { StreamName }],
      ['DescribeStreamSummaryCommand', { StreamName }],
      ['ListTagsForStreamCommand', { StreamName }],
      ['StartStreamEncryptionCommand', { StreamName, EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' }],
      ['DescribeStreamCommand', { StreamName }],
    ]);
  });

  it('creates an on-demand stream without a shard count', async () => {
    kinesis
      .on(DescribeStreamSummaryCommand)
      .rejectsOnce(notFound())
      .resolves({ StreamDescriptionSummary: summary({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 4 }) });
    kinesis.on(CreateStreamCommand).resolves({});
    kinesis.on(DescribeStreamCommand).resolves(described('ACTIVE'));
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);

    await streamComponent.ensure(testConfig({ StreamMode: 'ON_DEMAND', ShardCount: '3' }), ctx);

    expect(kinesis).toHaveReceivedCommandTimes(CreateStreamCommand, 1);
    expect(kinesis.commandCalls(CreateStreamCommand)[0]!.args[0].input).toEqual({
      StreamName,
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      Tags: { [TAG_NAME]: 'test', [TAG_STACK]: STACK_TAG },
    });
    expect(sentCommands(kinesis).filter((c) => !c.startsWith('Describe') && c !== 'ListTagsForStreamCommand')).toEqual(['CreateStreamCommand']);
  });

  it('treats ResourceInUseException on create as a duplicate delivery that got there first', async () => {
    kinesis.on(DescribeStreamSummaryCommand).rejectsOnce(notFound()).resolves({ StreamDescriptionSummary: summary() });
    kinesis.on(CreateStreamCommand).rejects(awsError(ResourceInUseException, `Stream ${StreamName} under account 123456789012 already exists.`));
    kinesis.on(DescribeStreamCommand).resolves(described('ACTIVE'));
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);

    await expect(streamComponent.ensure(testConfig(), ctx)).resolves.toEqual({ StreamName, StreamArn: StreamARN });
    expect(sentCommands(kinesis)).toEqual([
      'DescribeStreamSummaryCommand',
      'CreateStreamCommand',
      'DescribeStreamCommand',
      'DescribeStreamSummaryCommand',
      'ListTagsForStreamCommand',
    ]);
  });

  it('changes nothing on an existing stream of ours that is as desired (a repeated Create)', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);

    await streamComponent.ensure(testConfig(), ctx);

    expect(sentRequests(kinesis)).toEqual([
      ['DescribeStreamSummaryCommand', { StreamName }],
      ['ListTagsForStreamCommand', { StreamName }],
    ]);
  });

  it('ends the wait at the first error other than not-found, instead of polling it until maxWaitTime', async () => {
    kinesis.on(DescribeStreamSummaryCommand).rejectsOnce(notFound()).resolves({ StreamDescriptionSummary: summary() });
    kinesis.on(CreateStreamCommand).resolves({});
    kinesis.on(DescribeStreamCommand).rejects(awsError(AccessDeniedException, 'not authorized to perform: kinesis:DescribeStream'));

    await expect(streamComponent.ensure(testConfig(), ctx)).rejects.toThrow('not authorized to perform: kinesis:DescribeStream');
    expect(kinesis).toHaveReceivedCommandTimes(DescribeStreamCommand, 1);
  });

  it('checks a stream still CREATING is ours, waits for it, then checks and converges it', async () => {
    kinesis
      .on(DescribeStreamSummaryCommand)
      .resolvesOnce({ StreamDescriptionSummary: summary({ StreamStatus: 'CREATING' }) })
      .resolves({ StreamDescriptionSummary: summary() });
    kinesis.on(DescribeStreamCommand).resolvesOnce(described('CREATING')).resolves(described('ACTIVE'));
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);

    await streamComponent.ensure(testConfig(), ctx);

    expect(sentCommands(kinesis)).toEqual([
      'DescribeStreamSummaryCommand',
      'ListTagsForStreamCommand',
      'DescribeStreamCommand',
      'DescribeStreamCommand',
      'DescribeStreamSummaryCommand',
      'ListTagsForStreamCommand',
    ]);
  });

  it('waits for a stream being deleted to be gone, then creates it anew', async () => {
    kinesis
      .on(DescribeStreamSummaryCommand)
      .resolvesOnce({ StreamDescriptionSummary: summary({ StreamStatus: 'DELETING' }) })
      .resolves({ StreamDescriptionSummary: summary() });
    kinesis.on(DescribeStreamCommand).resolvesOnce(described('DELETING')).rejectsOnce(notFound()).resolves(described('ACTIVE'));
    kinesis.on(CreateStreamCommand).resolves({});
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);

    await streamComponent.ensure(testConfig(), ctx);

    expect(sentCommands(kinesis)).toEqual([
      'DescribeStreamSummaryCommand',
      'DescribeStreamCommand',
      'DescribeStreamCommand',
      'CreateStreamCommand',
      'DescribeStreamCommand',
      'DescribeStreamSummaryCommand',
      'ListTagsForStreamCommand',
    ]);
  });

  it('reads every page of tags before it decides on ownership', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
    kinesis
      .on(ListTagsForStreamCommand)
      .resolvesOnce({
        Tags: [
          { Key: 'a', Value: '1' },
          { Key: TAG_NAME, Value: 'test' },
        ],
        HasMoreTags: true,
      })
      .resolves({ Tags: [{ Key: TAG_STACK, Value: STACK_TAG }], HasMoreTags: false });

    await streamComponent.ensure(testConfig(), ctx);

    expect(sentRequests(kinesis)).toEqual([
      ['DescribeStreamSummaryCommand', { StreamName }],
      ['ListTagsForStreamCommand', { StreamName }],
      ['ListTagsForStreamCommand', { StreamName, ExclusiveStartTagKey: TAG_NAME }],
    ]);
  });

  it.each([
    [
      'another stack',
      {
        Tags: [
          { Key: TAG_NAME, Value: 'test' },
          { Key: TAG_STACK, Value: kinesisTagText(OTHER_STACK_ID) },
        ],
        HasMoreTags: false,
      },
      `tag ${STACK_KEY}=${kinesisTagText(OTHER_STACK_ID)}`,
    ],
    ['no one (made by hand)', { Tags: [], HasMoreTags: false }, `no ${STACK_KEY} tag`],
  ])('never adopts or changes a stream with our name that belongs to %s', async (_owner, tags, why) => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary({ OpenShardCount: 3, EncryptionType: 'NONE' }) });
    kinesis.on(ListTagsForStreamCommand).resolves(tags);

    const ensuring = streamComponent.ensure(testConfig({ ShardCount: '1' }), ctx);

    await expect(ensuring).rejects.toThrow(OwnershipConflictError);
    await expect(ensuring).rejects.toThrow(`Kinesis stream ${StreamName} exists but is not managed by this stack (${why})`);
    expect(sentCommands(kinesis)).toEqual(['DescribeStreamSummaryCommand', 'ListTagsForStreamCommand']);
  });

  it('scales in the steps AWS accepts and raises retention, waiting for ACTIVE after each change', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary({ OpenShardCount: 1, RetentionPeriodHours: 24 }) });
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);
    kinesis.on(DescribeStreamCommand).resolves(described('ACTIVE'));
    const { ctx, logs } = createTestContext();

    await streamComponent.ensure(testConfig({ ShardCount: '5', RetentionHours: '168' }), ctx);

    const scaling = (n: number) => ['UpdateShardCountCommand', { StreamName, TargetShardCount: n, ScalingType: 'UNIFORM_SCALING' }];
    const waitActive = ['DescribeStreamCommand', { StreamName }];
    expect(sentRequests(kinesis)).toEqual([
      ['DescribeStreamSummaryCommand', { StreamName }],
      ['ListTagsForStreamCommand', { StreamName }],
      scaling(2),
      waitActive,
      scaling(4),
      waitActive,
      scaling(5),
      waitActive,
      ['IncreaseStreamRetentionPeriodCommand', { StreamName, RetentionPeriodHours: 168 }],
      waitActive,
    ]);
    expect(
      logs()
        .filter((l) => l.message === 'stream change')
        .map((l) => l.action),
    ).toEqual([
      { type: 'UpdateShardCount', from: 1, to: 2 },
      { type: 'UpdateShardCount', from: 2, to: 4 },
      { type: 'UpdateShardCount', from: 4, to: 5 },
      { type: 'IncreaseStreamRetentionPeriod', hours: 168 },
    ]);
  });

  it.each([
    [
      'to on-demand, lowering retention',
      summary({ RetentionPeriodHours: 48, OpenShardCount: 2 }),
      { StreamMode: 'ON_DEMAND', RetentionHours: '24' },
      [
        ['UpdateStreamModeCommand', { StreamARN, StreamModeDetails: { StreamMode: 'ON_DEMAND' } }],
        ['DescribeStreamCommand', { StreamName }],
        ['DecreaseStreamRetentionPeriodCommand', { StreamName, RetentionPeriodHours: 24 }],
        ['DescribeStreamCommand', { StreamName }],
      ],
    ],
    [
      'to provisioned, scaling down from the on-demand shard count',
      summary({ StreamModeDetails: { StreamMode: 'ON_DEMAND' }, OpenShardCount: 4 }),
      { StreamMode: 'PROVISIONED', ShardCount: '2' },
      [
        ['UpdateStreamModeCommand', { StreamARN, StreamModeDetails: { StreamMode: 'PROVISIONED' } }],
        ['DescribeStreamCommand', { StreamName }],
        ['UpdateShardCountCommand', { StreamName, TargetShardCount: 2, ScalingType: 'UNIFORM_SCALING' }],
        ['DescribeStreamCommand', { StreamName }],
      ],
    ],
  ])('switches mode in place: %s', async (_name, current, props, expected) => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: current });
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);
    kinesis.on(DescribeStreamCommand).resolves(described('ACTIVE'));

    await streamComponent.ensure(testConfig(props), ctx);

    expect(sentRequests(kinesis).slice(2)).toEqual(expected);
  });

  it('fails with the waiter error when the stream never becomes ACTIVE', async () => {
    const slow = createTestContext({ waits: { minDelay: 0.001, maxDelay: 0.002, maxWaitTime: 0.05 } });
    kinesis.on(DescribeStreamSummaryCommand).rejects(notFound());
    kinesis.on(CreateStreamCommand).resolves({});
    kinesis.on(DescribeStreamCommand).resolves(described('CREATING'));

    await expect(streamComponent.ensure(testConfig(), slow.ctx)).rejects.toThrow(/TIMEOUT/);
    expect(kinesis).not.toHaveReceivedCommand(ListTagsForStreamCommand);
  });
});

describe('stream remove', () => {
  it('deletes a stream of ours with its consumers and waits until it is gone', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);
    kinesis.on(DeleteStreamCommand).resolves({});
    kinesis.on(DescribeStreamCommand).resolvesOnce(described('DELETING')).rejects(notFound());

    await streamComponent.remove(testConfig(), ctx);

    expect(sentRequests(kinesis)).toEqual([
      ['DescribeStreamSummaryCommand', { StreamName }],
      ['ListTagsForStreamCommand', { StreamName }],
      ['DeleteStreamCommand', { StreamName, EnforceConsumerDeletion: true }],
      ['DescribeStreamCommand', { StreamName }],
      ['DescribeStreamCommand', { StreamName }],
    ]);
  });

  it('waits for a stream still CREATING (a failed Create) to be ACTIVE, since DeleteStream needs that', async () => {
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary({ StreamStatus: 'CREATING' }) });
    kinesis.on(DescribeStreamCommand).resolvesOnce(described('ACTIVE')).rejects(notFound());
    kinesis.on(ListTagsForStreamCommand).resolves(ourTags);
    kinesis.on(DeleteStreamCommand).resolves({});

    await streamComponent.remove(testConfig(), ctx);

    expect(sentCommands(kinesis)).toEqual([
      'DescribeStreamSummaryCommand',
      'DescribeStreamCommand',
      'ListTagsForStreamCommand',
      'DeleteStreamCommand',
      'DescribeStreamCommand',
    ]);
  });

  it.each([
    ['the stream does not exist', () => kinesis.on(DescribeStreamSummaryCommand).rejects(notFound()), ['DescribeStreamSummaryCommand']],
    [
      'the stream vanishes before its tags are read',
      () => {
        kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
        kinesis.on(ListTagsForStreamCommand).rejects(notFound());
      },
      ['DescribeStreamSummaryCommand', 'ListTagsForStreamCommand'],
    ],
    [
      'the stream vanishes before DeleteStream',
      () => {
        kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
        kinesis.on(ListTagsForStreamCommand).resolves(ourTags);
        kinesis.on(DeleteStreamCommand).rejects(notFound());
      },
      ['DescribeStreamSummaryCommand', 'ListTagsForStreamCommand', 'DeleteStreamCommand'],
    ],
    [
      'the stream is already being deleted',
      () => {
        kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary({ StreamStatus: 'DELETING' }) });
        kinesis.on(DescribeStreamCommand).rejects(notFound());
      },
      ['DescribeStreamSummaryCommand', 'DescribeStreamCommand'],
    ],
  ])('is done when %s', async (_case, arrange, expected) => {
    arrange();
    await expect(streamComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(sentCommands(kinesis)).toEqual(expected);
  });

  it.each([
    ['another stack', [{ Key: TAG_STACK, Value: kinesisTagText(OTHER_STACK_ID) }]],
    ['no one', []],
  ])('leaves a stream of %s in place and says so', async (_owner, Tags) => {
    const own = createTestContext();
    kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
    kinesis.on(ListTagsForStreamCommand).resolves({ Tags, HasMoreTags: false });

    await streamComponent.remove(testConfig(), own.ctx);

    expect(kinesis).not.toHaveReceivedCommand(DeleteStreamCommand);
    expect(own.logs()).toContainEqual(expect.objectContaining({ level: 'warn', message: 'left in place: not ours', resource: `Kinesis stream ${StreamName}` }));
  });
});

describe('stream inspect', () => {
  it.each([
    ['absent when there is no stream', () => kinesis.on(DescribeStreamSummaryCommand).rejects(notFound()), { state: 'absent' }],
    [
      'absent (with the conflict) when the stream is not ours',
      () => {
        kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
        kinesis.on(ListTagsForStreamCommand).resolves({ Tags: [], HasMoreTags: false });
      },
      { state: 'absent', details: { conflict: expect.stringContaining('not managed by this stack') } },
    ],
    [
      'present when it is ours and as desired',
      () => {
        kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary() });
        kinesis.on(ListTagsForStreamCommand).resolves(ourTags);
      },
      { state: 'present', details: { status: 'ACTIVE', streamArn: StreamARN } },
    ],
    [
      'drifted, listing what differs',
      () => {
        kinesis.on(DescribeStreamSummaryCommand).resolves({ StreamDescriptionSummary: summary({ OpenShardCount: 2, EncryptionType: 'NONE' }) });
        kinesis.on(ListTagsForStreamCommand).resolves(ourTags);
      },
      {
        state: 'drifted',
        details: {
          status: 'ACTIVE',
          streamArn: StreamARN,
          differences: [
            { setting: 'shardCount', current: 2, desired: 1 },
            { setting: 'encryption', current: 'NONE', desired: 'KMS' },
          ],
        },
      },
    ],
  ])('%s', async (_case, arrange, expected) => {
    arrange();
    await expect(streamComponent.inspect(testConfig(), ctx)).resolves.toEqual(expected);
    expect(sentCommands(kinesis).every((c) => c.startsWith('Describe') || c.startsWith('List'))).toBe(true);
  });
});
