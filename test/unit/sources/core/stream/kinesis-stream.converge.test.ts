import { CreateStreamCommand, DescribeStreamCommand, DescribeStreamSummaryCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { TAG_STACK as STACK_KEY } from '../../../../../src/config/names';
import { kinesisTagText } from '../../../../../src/components/stream-tags';
import { OwnershipConflictError } from '../../../../../src/support/errors';
import { streamComponent } from '../../../../../src/sources/core/stream/kinesis-stream';
import { sentCommands, sentRequests } from '../../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, testConfig } from '../../../helpers/context';
import { kinesis, ctx, StreamName, StreamARN, summary, described, TAG_NAME, TAG_STACK, STACK_TAG, ourTags, notFound } from './kinesis-stream-fixtures';

afterEach(() => kinesis.reset());
afterAll(() => kinesis.restore());

describe('stream ensure', () => {
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
