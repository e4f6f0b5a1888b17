import { DeleteStreamCommand, DescribeStreamCommand, DescribeStreamSummaryCommand, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { kinesisTagText } from '../../../../../src/components/stream-tags';
import { streamComponent } from '../../../../../src/sources/core/stream/kinesis-stream';
import { sentCommands, sentRequests } from '../../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, testConfig } from '../../../helpers/context';
import { kinesis, ctx, StreamName, StreamARN, summary, described, TAG_STACK, ourTags, notFound } from './kinesis-stream-fixtures';

afterEach(() => kinesis.reset());
afterAll(() => kinesis.restore());

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
