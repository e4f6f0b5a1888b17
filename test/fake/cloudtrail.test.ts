import { gunzipSync } from 'node:zlib';
import {
  CreateTrailCommand,
  DeleteTrailCommand,
  DescribeTrailsCommand,
  InvalidCloudWatchLogsRoleArnException,
  StartLoggingCommand,
  type CloudTrailClient,
} from '@aws-sdk/client-cloudtrail';
import { CreateLogGroupCommand, PutSubscriptionFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { FakeAccount } from './account';
import { activeStream, serviceRole } from './fixtures';

const BUCKET = 'siem-demo-123456789012-us-east-1';
const TRAIL_ARN = 'arn:aws:cloudtrail:us-east-1:123456789012:trail/siem-demo';
const GROUP = '/siem-pipeline/demo/cloudtrail';
const GROUP_ARN = `arn:aws:logs:us-east-1:123456789012:log-group:${GROUP}:*`;
const BUCKET_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: `arn:aws:s3:::${BUCKET}`,
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    },
    {
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/123456789012/*`,
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    },
  ],
});

async function bucket(fake: FakeAccount, policy?: string): Promise<void> {
  const { s3 } = fake.clients();
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  if (policy) await s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policy }));
}

function createTrail(ct: CloudTrailClient, extra: Record<string, string> = {}) {
  return ct.send(new CreateTrailCommand({ Name: 'siem-demo', S3BucketName: BUCKET, IsMultiRegionTrail: true, EnableLogFileValidation: true, ...extra }));
}

describe('fake CloudTrail', () => {
  it('checks the bucket exists and its policy lets CloudTrail write for this trail', async () => {
    const fake = new FakeAccount();
    const { cloudtrail } = fake.clients();
    await expect(createTrail(cloudtrail)).rejects.toMatchObject({ name: 'S3BucketDoesNotExistException' });
    await bucket(fake);
    await expect(createTrail(cloudtrail)).rejects.toMatchObject({
      name: 'InsufficientS3BucketPolicyException',
      message: `Incorrect S3 bucket policy is detected for bucket: ${BUCKET}`,
    });
    await fake.clients().s3.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: BUCKET_POLICY }));

    const out = await createTrail(cloudtrail);
    expect(out).toMatchObject({ Name: 'siem-demo', TrailARN: TRAIL_ARN, IsMultiRegionTrail: true, LogFileValidationEnabled: true, S3BucketName: BUCKET });
  });

  it('refuses a log-group role that has not propagated or lacks the log actions', async () => {
    const fake = new FakeAccount({ rolePropagation: { describes: 1 } });
    const { cloudtrail, logs } = fake.clients();
    await bucket(fake, BUCKET_POLICY);
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const weak = await serviceRole(fake, 'weak', 'cloudtrail.amazonaws.com', ['logs:PutLogEvents'], `${GROUP_ARN}`);
    const good = await serviceRole(
      fake,
      'good',
      'cloudtrail.amazonaws.com',
      ['logs:CreateLogStream', 'logs:PutLogEvents'],
      `${GROUP_ARN.slice(0, -2)}:log-stream:*`,
    );

    await expect(createTrail(cloudtrail, { CloudWatchLogsLogGroupArn: GROUP_ARN, CloudWatchLogsRoleArn: good })).rejects.toBeInstanceOf(
      InvalidCloudWatchLogsRoleArnException,
    );
    await expect(createTrail(cloudtrail, { CloudWatchLogsLogGroupArn: `${GROUP_ARN.slice(0, -2)}x:*`, CloudWatchLogsRoleArn: good })).rejects.toMatchObject({
      name: 'InvalidCloudWatchLogsLogGroupArnException',
    });
    // The first use of each role meets propagation; the weak role keeps failing after it for lack of CreateLogStream.
    for (const _attempt of [1, 2]) {
      await expect(createTrail(cloudtrail, { CloudWatchLogsLogGroupArn: GROUP_ARN, CloudWatchLogsRoleArn: weak })).rejects.toBeInstanceOf(
        InvalidCloudWatchLogsRoleArnException,
      );
    }
    await createTrail(cloudtrail, { CloudWatchLogsLogGroupArn: GROUP_ARN, CloudWatchLogsRoleArn: good });
  });

  it('counts shadow trails toward the 5 per region and refuses to delete a trail of another home region', async () => {
    const fake = new FakeAccount();
    const org = fake.cloudtrail.seedTrail({ name: 'org-trail', homeRegion: 'eu-west-1', multiRegion: true });
    for (const n of [1, 2, 3]) fake.cloudtrail.seedTrail({ name: `local-${n}` });
    const { cloudtrail } = fake.clients();
    await bucket(fake, BUCKET_POLICY);
    await createTrail(cloudtrail);

    await expect(cloudtrail.send(new CreateTrailCommand({ Name: 'sixth', S3BucketName: BUCKET }))).rejects.toMatchObject({
      name: 'MaximumNumberOfTrailsExceededException',
      message: 'User: 123456789012 already has 5 trails in us-east-1.',
    });
    await expect(cloudtrail.send(new DeleteTrailCommand({ Name: org }))).rejects.toMatchObject({ name: 'InvalidHomeRegionException' });
    const listed = (await cloudtrail.send(new DescribeTrailsCommand({}))).trailList;
    expect(listed?.find((t) => t.Name === 'org-trail')).toMatchObject({ HomeRegion: 'eu-west-1', IsMultiRegionTrail: true });
  });

  it('writes recorded events to a logging trail log group, and so through its subscription to the stream', async () => {
    const fake = new FakeAccount({ rolePropagation: {} });
    const { cloudtrail, logs } = fake.clients();
    await bucket(fake, BUCKET_POLICY);
    await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    const role = await serviceRole(fake, 'ct', 'cloudtrail.amazonaws.com', ['logs:CreateLogStream', 'logs:PutLogEvents'], `${GROUP_ARN.slice(0, -2)}:*`);
    await createTrail(cloudtrail, { CloudWatchLogsLogGroupArn: GROUP_ARN, CloudWatchLogsRoleArn: role });
    await cloudtrail.send(new StartLoggingCommand({ Name: 'siem-demo' }));
    const streamArn = await activeStream(fake);
    const cwl = await serviceRole(fake, 'cwl', 'logs.amazonaws.com', ['kinesis:PutRecord'], streamArn);
    await logs.send(new PutSubscriptionFilterCommand({ logGroupName: GROUP, filterName: 'f', filterPattern: '', destinationArn: streamArn, roleArn: cwl }));

    expect(fake.cloudtrail.recordEvent({ eventName: 'CreateVpc', eventSource: 'ec2.amazonaws.com' })).toBe(1);
    const last = JSON.parse(gunzipSync(fake.kinesis.records('s1').at(-1)!.data).toString());
    expect(last).toMatchObject({ messageType: 'DATA_MESSAGE', logGroup: GROUP, logStream: '123456789012_CloudTrail_us-east-1' });
    expect(JSON.parse(last.logEvents[0].message)).toEqual({ eventName: 'CreateVpc', eventSource: 'ec2.amazonaws.com' });
  });
});
