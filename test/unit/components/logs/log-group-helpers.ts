import { CloudWatchLogsClient, InvalidParameterException, ResourceNotFoundException } from '@aws-sdk/client-cloudwatch-logs';
import { AddTagsToStreamCommand, KinesisClient, ListTagsForStreamCommand, RemoveTagsFromStreamCommand } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { awsError } from '../../helpers/aws-mock';
import { OTHER_STACK_ID, TEST_STACK_ID } from '../../helpers/context';

/** Shared setup of the log group component's tests: mocked CloudWatch Logs and Kinesis, names and fixtures. */
export const A = '123456789012';
export const R = 'eu-west-1';
export const TRAIL_GROUP = '/siem-pipeline/test/cloudtrail';
export const FLOW_GROUP = '/siem-pipeline/test/vpc-flow-logs';
export const EXISTING = 'aws-controltower/CloudTrailLogs';
export const groupArn = (name: string) => `arn:aws:logs:${R}:${A}:log-group:${name}`;
export const ourTags = { tags: { [TAG_NAME]: 'test', [TAG_STACK]: TEST_STACK_ID } };
export const theirTags = { tags: { [TAG_STACK]: OTHER_STACK_ID } };
export const FLOW_PATTERN =
  '[version, account_id, interface_id, srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action, log_status="OK"]';
export const reuse = { ExistingTrailLogGroup: EXISTING };
export const RECORD_KEY = 'siem-pipeline/reused-trail-log-group';
export const STREAM_ARN = (name: string) => `arn:aws:kinesis:${R}:${A}:stream/${name}`;

/** Our filter on a group, as PutSubscriptionFilter sends it. */
export const filter = (logGroupName: string, filterPattern: string) => ({
  logGroupName,
  filterName: 'siem-test-to-kinesis',
  filterPattern,
  destinationArn: STREAM_ARN('siem-test'),
  roleArn: `arn:aws:iam::${A}:role/siem-pipeline/siem-test-${R}-cwl-to-kinesis`,
  distribution: 'Random' as const,
});
export const putFilter = (group: string, pattern: string) => ['PutSubscriptionFilterCommand', filter(group, pattern)];
export const notFound = () => awsError(ResourceNotFoundException, 'The specified log group does not exist.');
export const testMessageFailed = () =>
  awsError(InvalidParameterException, 'Could not deliver test message to specified destination. Check if the destination is valid.');

/** Mocks CloudWatch Logs and Kinesis for one test file: no reused group recorded on our stream unless a test says so. */
export function mockLogs() {
  const logs = mockClient(CloudWatchLogsClient);
  const kinesis = mockClient(KinesisClient);
  beforeEach(() => {
    kinesis.on(ListTagsForStreamCommand).resolves({ Tags: [], HasMoreTags: false });
    kinesis.on(AddTagsToStreamCommand).resolves({});
    kinesis.on(RemoveTagsFromStreamCommand).resolves({});
  });
  afterEach(() => {
    logs.reset();
    kinesis.reset();
  });
  afterAll(() => {
    logs.restore();
    kinesis.restore();
  });
  return { logs, kinesis };
}
