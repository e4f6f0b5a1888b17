import { gunzipSync } from 'node:zlib';
import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeSubscriptionFiltersCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  PutSubscriptionFilterCommand,
  type CloudWatchLogsClient,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateStreamCommand } from '@aws-sdk/client-kinesis';
import { FakeAccount } from './account';
import { activeStream, serviceRole } from './fixtures';

const GROUP = '/siem-pipeline/demo/cloudtrail';
const LOGS_ARN_CONDITION = { StringLike: { 'aws:SourceArn': 'arn:aws:logs:us-east-1:123456789012:*' } };

function filter(logs: CloudWatchLogsClient, streamArn: string, roleArn: string, filterName = 'siem-demo-to-kinesis', filterPattern = '') {
  return logs.send(new PutSubscriptionFilterCommand({ logGroupName: GROUP, filterName, filterPattern, destinationArn: streamArn, roleArn }));
}

function records(fake: FakeAccount): { messageType: string; logEvents: { message: string }[] }[] {
  return fake.kinesis.records('s1').map((r) => JSON.parse(gunzipSync(r.data).toString()));
}

describe('fake CloudWatch Logs', () => {
  it('keeps log groups with tags and retention, listed in pages with both ARN forms', async () => {
    const fake = new FakeAccount({ pageSizes: { logs: 2 } });
    const { logs } = fake.clients();
    for (const n of ['/a', '/b', '/c']) await logs.send(new CreateLogGroupCommand({ logGroupName: n, tags: { team: 'sec' } }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/a', retentionInDays: 1 }));

    const first = await logs.send(new DescribeLogGroupsCommand({}));
    const second = await logs.send(new DescribeLogGroupsCommand({ nextToken: first.nextToken }));
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/a', '/b']);
    expect(first.logGroups?.[0]).toMatchObject({
      retentionInDays: 1,
      arn: 'arn:aws:logs:us-east-1:123456789012:log-group:/a:*',
      logGroupArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/a',
    });
    expect(second).toMatchObject({ logGroups: [{ logGroupName: '/c' }] });
    expect(second.nextToken).toBeUndefined();
    expect((await logs.send(new ListTagsForResourceCommand({ resourceArn: 'arn:aws:logs:us-east-1:123456789012:log-group:/b' }))).tags).toEqual({
      team: 'sec',
    });
    await expect(logs.send(new PutRetentionPolicyCommand({ logGroupName: '/a', retentionInDays: 2 }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
    });
    await expect(logs.send(new CreateLogGroupCommand({ logGroupName: '/a' }))).rejects.toMatchObject({ name: 'ResourceAlreadyExistsException' });
  });

  it('fails the subscription test message until the stream is ACTIVE and the role has propagated', async () => {
    const fake = new FakeAccount({ rolePropagation: { describes: 2 } });
    const { logs, kinesis } = fake.clients();
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await kinesis.send(new CreateStreamCommand({ StreamName: 's1', ShardCount: 1 }));
    const streamArn = 'arn:aws:kinesis:us-east-1:123456789012:stream/s1';
    const role = await serviceRole(fake, 'cwl', 'logs.amazonaws.com', ['kinesis:PutRecord'], streamArn, LOGS_ARN_CONDITION);

    await expect(filter(logs, streamArn, role)).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringMatching(/^Could not deliver test message to specified Kinesis stream/),
    });
    fake.kinesis.settleAll();
    await expect(filter(logs, streamArn, role)).rejects.toThrow('Could not deliver test message to specified destination. Check if the destination is valid.');
    await expect(filter(logs, streamArn, role)).rejects.toThrow('Could not deliver test message');
    await filter(logs, streamArn, role);

    expect(records(fake)).toEqual([expect.objectContaining({ messageType: 'CONTROL_MESSAGE' })]);
    expect((await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: GROUP }))).subscriptionFilters).toEqual([
      expect.objectContaining({ filterName: 'siem-demo-to-kinesis', destinationArn: streamArn, roleArn: role, logGroupName: GROUP }),
    ]);
  });

  it.each([
    ['a trust policy without logs.amazonaws.com', 'events.amazonaws.com', ['kinesis:PutRecord'], undefined],
    ['a role policy without kinesis:PutRecord', 'logs.amazonaws.com', ['kinesis:DescribeStream'], undefined],
    [
      'an aws:SourceArn condition for another account',
      'logs.amazonaws.com',
      ['kinesis:PutRecord'],
      { StringLike: { 'aws:SourceArn': 'arn:aws:logs:us-east-1:999999999999:*' } },
    ],
  ])('never delivers the test message with %s', async (_what, service, actions, condition) => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const { logs } = fake.clients();
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const streamArn = await activeStream(fake);
    const role = await serviceRole(fake, 'cwl', service, actions, streamArn, condition);
    await expect(filter(logs, streamArn, role)).rejects.toThrow('Could not deliver test message');
  });

  it('allows two subscription filters per group; re-putting one by name replaces it', async () => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const { logs } = fake.clients();
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const streamArn = await activeStream(fake);
    const role = await serviceRole(fake, 'cwl', 'logs.amazonaws.com', ['kinesis:PutRecord', 'kinesis:PutRecords'], streamArn);
    await filter(logs, streamArn, role, 'one');
    await filter(logs, streamArn, role, 'two');
    await filter(logs, streamArn, role, 'two', 'ERROR');

    await expect(filter(logs, streamArn, role, 'three')).rejects.toMatchObject({ name: 'LimitExceededException', message: 'Resource limit exceeded.' });
    const filters = (await logs.send(new DescribeSubscriptionFiltersCommand({ logGroupName: GROUP }))).subscriptionFilters;
    expect(filters?.map((f) => [f.filterName, f.filterPattern])).toEqual([
      ['one', ''],
      ['two', 'ERROR'],
    ]);
  });

  it('passes delivered events that match the filter to the stream as gzip DATA_MESSAGE records', async () => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const { logs } = fake.clients();
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const streamArn = await activeStream(fake);
    const role = await serviceRole(fake, 'cwl', 'logs.amazonaws.com', ['kinesis:PutRecord'], streamArn);
    await filter(logs, streamArn, role, 'f', '-"NODATA" -"SKIPDATA"');

    fake.logs.ingest(GROUP, 'eni-1-all', ['2 123 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 40 1 2 ACCEPT OK', '2 123 eni-1 - - - - - - - 1 2 - NODATA']);
    const data = records(fake).filter((r) => r.messageType === 'DATA_MESSAGE');
    expect(data).toEqual([
      expect.objectContaining({
        logGroup: GROUP,
        logStream: 'eni-1-all',
        subscriptionFilters: ['f'],
        logEvents: [expect.objectContaining({ message: expect.stringMatching(/ACCEPT OK$/) })],
      }),
    ]);
  });
});
