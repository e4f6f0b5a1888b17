import {
  AccessDeniedException,
  CreateStreamCommand,
  DescribeStreamCommand,
  DescribeStreamSummaryCommand,
  ListTagsForStreamCommand,
  ResourceInUseException,
} from '@aws-sdk/client-kinesis';
import { streamComponent } from '../../../../../src/sources/core/stream/kinesis-stream';
import { awsError, sentCommands, sentRequests } from '../../../helpers/aws-mock';
import { testConfig } from '../../../helpers/context';
import { kinesis, ctx, StreamName, StreamARN, summary, described, TAG_NAME, TAG_STACK, STACK_TAG, ourTags, notFound } from './kinesis-stream-fixtures';

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
    expect(kinesis.commandCalls(CreateStreamCommand)[0].args[0].input).toEqual({
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
});
