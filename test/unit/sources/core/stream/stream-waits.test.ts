import { withGlobal } from '@sinonjs/fake-timers';
import { DescribeStreamCommand, DescribeStreamSummaryCommand, KinesisClient, ListTagsForStreamCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { TAG_NAME, TAG_STACK } from '../../../../../src/config/names';
import { streamComponent } from '../../../../../src/sources/core/stream/kinesis-stream';
import { DEFAULT_WAITS } from '../../../../../src/components/context';
import { createTestContext, TEST_STACK_ID, testConfig } from '../../../helpers/context';

const kinesis = mockClient(KinesisClient);
afterEach(() => kinesis.reset());
afterAll(() => kinesis.restore());

describe('the stream waiter with the default waits (issue 10: waits that notice at once)', () => {
  it('polls a CREATING stream at least once a second, so ACTIVE is seen at most a second late', async () => {
    const clock = withGlobal(globalThis).install({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const { ctx } = createTestContext({ waits: DEFAULT_WAITS });
      const name = ctx.names.streamName;
      const summary = (StreamStatus: 'CREATING' | 'ACTIVE') => ({
        StreamDescriptionSummary: {
          StreamName: name,
          StreamARN: ctx.names.streamArn,
          StreamStatus,
          StreamModeDetails: { StreamMode: 'PROVISIONED' as const },
          RetentionPeriodHours: 24,
          StreamCreationTimestamp: new Date(0),
          EnhancedMonitoring: [],
          EncryptionType: 'KMS' as const,
          KeyId: 'alias/aws/kinesis',
          OpenShardCount: 1,
        },
      });
      // ACTIVE 20 s after the first poll: the waiter must see it by 21 s.
      const polls: number[] = [];
      const start = Date.now();
      kinesis.on(DescribeStreamSummaryCommand).resolvesOnce(summary('CREATING')).resolves(summary('ACTIVE'));
      kinesis.on(DescribeStreamCommand).callsFake(() => {
        polls.push(Date.now() - start);
        const StreamStatus = Date.now() - start >= 20_000 ? 'ACTIVE' : 'CREATING';
        return {
          StreamDescription: {
            StreamName: name,
            StreamARN: ctx.names.streamArn,
            StreamStatus,
            Shards: [],
            HasMoreShards: false,
            RetentionPeriodHours: 24,
            StreamCreationTimestamp: new Date(0),
            EnhancedMonitoring: [],
          },
        };
      });
      kinesis.on(ListTagsForStreamCommand).resolves({
        Tags: [
          { Key: TAG_NAME, Value: 'test' },
          { Key: TAG_STACK, Value: TEST_STACK_ID },
        ],
        HasMoreTags: false,
      });

      const done = streamComponent.ensure(testConfig(), ctx);
      await clock.runAllAsync();
      await done;

      const gaps = polls.slice(1).map((t, i) => t - polls[i]);
      expect(gaps.length).toBeGreaterThan(10);
      expect(Math.max(...gaps)).toBeLessThanOrEqual(1000);
      expect(polls[polls.length - 1]).toBeLessThanOrEqual(21_000);
    } finally {
      clock.uninstall();
    }
  });
});
