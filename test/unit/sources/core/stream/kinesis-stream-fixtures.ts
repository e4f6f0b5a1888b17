// Shared by the kinesis-stream*.test.ts suites: the mocked Kinesis client and stream fixtures.
import { KinesisClient, ResourceNotFoundException, type StreamDescription, type StreamDescriptionSummary, type StreamStatus } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { TAG_NAME as NAME_KEY, TAG_STACK as STACK_KEY } from '../../../../../src/config/names';
import { kinesisTagText } from '../../../../../src/components/stream-tags';
import { awsError } from '../../../helpers/aws-mock';
import { createTestContext, TEST_STACK_ID } from '../../../helpers/context';

export const kinesis = mockClient(KinesisClient);
export const { ctx } = createTestContext();
export const StreamName = ctx.names.streamName;
export const StreamARN = ctx.names.streamArn;

export function summary(over: Partial<StreamDescriptionSummary> = {}): StreamDescriptionSummary {
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
export function described(status: StreamStatus): { StreamDescription: StreamDescription } {
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
export const TAG_NAME = kinesisTagText(NAME_KEY);
export const TAG_STACK = kinesisTagText(STACK_KEY);
export const STACK_TAG = kinesisTagText(TEST_STACK_ID);
export const ourTags = {
  Tags: [
    { Key: TAG_NAME, Value: 'test' },
    { Key: TAG_STACK, Value: STACK_TAG },
  ],
  HasMoreTags: false,
};
export const notFound = () => awsError(ResourceNotFoundException, `Stream ${StreamName} under account 123456789012 not found.`);
