import {
  CloudTrailClient,
  CreateTrailCommand,
  DeleteTrailCommand,
  GetTrailCommand,
  GetTrailStatusCommand,
  InsufficientS3BucketPolicyException,
  InvalidCloudWatchLogsLogGroupArnException,
  InvalidCloudWatchLogsRoleArnException,
  ListTagsCommand,
  MaximumNumberOfTrailsExceededException,
  S3BucketDoesNotExistException,
  StartLoggingCommand,
  TrailAlreadyExistsException,
  TrailNotFoundException,
  UpdateTrailCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { OwnershipConflictError } from '../../../../src/support/errors';
import { trailComponent } from '../../../../src/sources/cloudtrail/trail';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, instantClock, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';

const cloudtrail = mockClient(CloudTrailClient);
const { ctx } = createTestContext();
const A = '123456789012';
const R = 'eu-west-1';
const Name = 'siem-test';
const TRAIL_ARN = `arn:aws:cloudtrail:${R}:${A}:trail/${Name}`;
const ourTags = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
const settings = {
  Name,
  S3BucketName: `siem-test-${A}-${R}`,
  IsMultiRegionTrail: true,
  IncludeGlobalServiceEvents: true,
  EnableLogFileValidation: true,
  CloudWatchLogsLogGroupArn: `arn:aws:logs:${R}:${A}:log-group:/siem-pipeline/test/cloudtrail:*`,
  CloudWatchLogsRoleArn: `arn:aws:iam::${A}:role/siem-pipeline/siem-test-${R}-trail-to-cwl`,
};
const tagged = (TagsList: { Key: string; Value: string }[]) => ({ ResourceTagList: [{ ResourceId: TRAIL_ARN, TagsList }] });
const alreadyExists = () => awsError(TrailAlreadyExistsException, `Trail ${Name} already exists for customer: ${A}`);
const notFound = () => awsError(TrailNotFoundException, `Unknown trail: ${TRAIL_ARN} for the user: ${A}`);

afterEach(() => cloudtrail.reset());
afterAll(() => cloudtrail.restore());

describe('trail enabled', () => {
  it.each([
    ['defaults', {}, R, true],
    ['CloudTrail off', { EnableCloudTrail: 'false' }, R, false],
    ['a reused trail log group', { ExistingTrailLogGroup: 'org-trail' }, R, false],
    ['another home region', { TrailHomeRegion: 'us-east-1' }, R, false],
    ['its home region', { TrailHomeRegion: 'us-east-1' }, 'us-east-1', true],
  ])('%s -> %s', (_case, props, region, expected) => {
    expect(trailComponent.enabled(testConfig(props), createTestContext({ region }).ctx)).toBe(expected);
  });

  it('waits for its bucket, log group and role', () => {
    expect(trailComponent.dependsOn).toEqual(['trail-bucket', 'trail-log-group', 'trail-role']);
  });
});

describe('trail ensure', () => {
  it('creates the multi-region trail with validation, bucket, log group, role and tags, then starts logging', async () => {
    cloudtrail.on(CreateTrailCommand).resolves({ TrailARN: TRAIL_ARN });
    cloudtrail.on(StartLoggingCommand).resolves({});

    await expect(trailComponent.ensure(testConfig(), ctx)).resolves.toEqual({});

    expect(sentRequests(cloudtrail)).toEqual([
      ['CreateTrailCommand', { ...settings, TagsList: ourTags }],
      ['StartLoggingCommand', { Name }],
    ]);
  });

  it('converges a trail of ours that exists already', async () => {
    cloudtrail.on(CreateTrailCommand).rejects(alreadyExists());
    cloudtrail.on(ListTagsCommand).resolves(tagged(ourTags));
    cloudtrail.on(UpdateTrailCommand).resolves({});
    cloudtrail.on(StartLoggingCommand).resolves({});

    await trailComponent.ensure(testConfig(), ctx);

    expect(sentRequests(cloudtrail)).toEqual([
      ['CreateTrailCommand', { ...settings, TagsList: ourTags }],
      ['ListTagsCommand', { ResourceIdList: [TRAIL_ARN] }],
      ['UpdateTrailCommand', settings],
      ['StartLoggingCommand', { Name }],
    ]);
  });

  it.each([
    ['another stack', [{ Key: TAG_STACK, Value: OTHER_STACK_ID }]],
    ['no one', []],
  ])('refuses a trail of our name that belongs to %s, changing nothing', async (_owner, tags) => {
    cloudtrail.on(CreateTrailCommand).rejects(alreadyExists());
    cloudtrail.on(ListTagsCommand).resolves(tagged(tags));

    await expect(trailComponent.ensure(testConfig(), ctx)).rejects.toThrow(OwnershipConflictError);
    expect(sentCommands(cloudtrail)).toEqual(['CreateTrailCommand', 'ListTagsCommand']);
  });

  it.each([
    [
      'InvalidCloudWatchLogsRoleArnException',
      () => awsError(InvalidCloudWatchLogsRoleArnException, 'Access denied. Verify in IAM that the role has adequate permissions.'),
    ],
    [
      'InvalidCloudWatchLogsLogGroupArnException',
      () => awsError(InvalidCloudWatchLogsLogGroupArnException, 'Access denied. Check the permissions for your role.'),
    ],
    ['InsufficientS3BucketPolicyException', () => awsError(InsufficientS3BucketPolicyException, 'Incorrect S3 bucket policy is detected for bucket')],
  ])('retries CreateTrail on %s until role and bucket policy have propagated, on the injected clock', async (_name, error) => {
    const clock = instantClock();
    const t = createTestContext({ clock });
    cloudtrail.on(CreateTrailCommand).rejectsOnce(error()).rejectsOnce(error()).resolves({ TrailARN: TRAIL_ARN });
    cloudtrail.on(StartLoggingCommand).resolves({});

    await trailComponent.ensure(testConfig(), t.ctx);

    expect(cloudtrail).toHaveReceivedCommandTimes(CreateTrailCommand, 3);
    expect(clock.sleeps).toEqual([5, 10]);
  });

  it('retries UpdateTrail too while the role has not propagated', async () => {
    cloudtrail.on(CreateTrailCommand).rejects(alreadyExists());
    cloudtrail.on(ListTagsCommand).resolves(tagged(ourTags));
    cloudtrail.on(UpdateTrailCommand).rejectsOnce(awsError(InvalidCloudWatchLogsRoleArnException, 'Access denied.')).resolves({});
    cloudtrail.on(StartLoggingCommand).resolves({});

    await trailComponent.ensure(testConfig(), ctx);

    expect(cloudtrail).toHaveReceivedCommandTimes(UpdateTrailCommand, 2);
  });

  it('gives up after the retry budget', async () => {
    cloudtrail.on(CreateTrailCommand).rejects(awsError(InsufficientS3BucketPolicyException, 'Incorrect S3 bucket policy'));

    await expect(trailComponent.ensure(testConfig(), ctx)).rejects.toThrow('Incorrect S3 bucket policy');
    expect(cloudtrail).toHaveReceivedCommandTimes(CreateTrailCommand, 5);
    expect(cloudtrail).not.toHaveReceivedCommand(StartLoggingCommand);
  });

  it('does not retry other errors', async () => {
    cloudtrail.on(CreateTrailCommand).rejects(awsError(S3BucketDoesNotExistException, 'S3 bucket does not exist'));

    await expect(trailComponent.ensure(testConfig(), ctx)).rejects.toThrow('S3 bucket does not exist');
    expect(cloudtrail).toHaveReceivedCommandTimes(CreateTrailCommand, 1);
  });

  it('suggests reusing an existing trail when the region has 5 trails already', async () => {
    cloudtrail.on(CreateTrailCommand).rejects(awsError(MaximumNumberOfTrailsExceededException, 'User: 123456789012 already has 5 trails in eu-west-1.'));

    await expect(trailComponent.ensure(testConfig(), ctx)).rejects.toThrow(
      `${R} already has the most trails CloudTrail allows (5 per region): set ExistingTrailLogGroup to the log group of an existing multi-region trail`,
    );
    expect(sentCommands(cloudtrail)).toEqual(['CreateTrailCommand']);
  });
});

describe('trail remove', () => {
  const trail: Trail = { Name, TrailARN: TRAIL_ARN, HomeRegion: R, IsMultiRegionTrail: true };

  it('deletes a trail of ours', async () => {
    cloudtrail.on(GetTrailCommand).resolves({ Trail: trail });
    cloudtrail.on(ListTagsCommand).resolves(tagged(ourTags));
    cloudtrail.on(DeleteTrailCommand).resolves({});

    await trailComponent.remove(testConfig(), ctx);

    expect(sentRequests(cloudtrail)).toEqual([
      ['GetTrailCommand', { Name }],
      ['ListTagsCommand', { ResourceIdList: [TRAIL_ARN] }],
      ['DeleteTrailCommand', { Name }],
    ]);
  });

  it.each([
    ['the trail does not exist', () => cloudtrail.on(GetTrailCommand).rejects(notFound()), ['GetTrailCommand']],
    [
      'the trail is another stack’s',
      () => {
        cloudtrail.on(GetTrailCommand).resolves({ Trail: trail });
        cloudtrail.on(ListTagsCommand).resolves(tagged([{ Key: TAG_STACK, Value: OTHER_STACK_ID }]));
      },
      ['GetTrailCommand', 'ListTagsCommand'],
    ],
    [
      'the trail vanishes meanwhile',
      () => {
        cloudtrail.on(GetTrailCommand).resolves({ Trail: trail });
        cloudtrail.on(ListTagsCommand).resolves(tagged(ourTags));
        cloudtrail.on(DeleteTrailCommand).rejects(notFound());
      },
      ['GetTrailCommand', 'ListTagsCommand', 'DeleteTrailCommand'],
    ],
  ])('is done when %s', async (_case, arrange, expected) => {
    arrange();
    await expect(trailComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(sentCommands(cloudtrail)).toEqual(expected);
  });

  it('removes by name even when the config now reuses an existing trail', async () => {
    cloudtrail.on(GetTrailCommand).resolves({ Trail: trail });
    cloudtrail.on(ListTagsCommand).resolves(tagged(ourTags));
    cloudtrail.on(DeleteTrailCommand).resolves({});

    await trailComponent.remove(testConfig({ ExistingTrailLogGroup: 'org-trail' }), ctx);

    expect(cloudtrail).toHaveReceivedCommandWith(DeleteTrailCommand, { Name });
  });
});

describe('trail inspect', () => {
  const live: Trail = {
    Name,
    TrailARN: TRAIL_ARN,
    HomeRegion: R,
    S3BucketName: settings.S3BucketName,
    IsMultiRegionTrail: true,
    IncludeGlobalServiceEvents: true,
    LogFileValidationEnabled: true,
    CloudWatchLogsLogGroupArn: settings.CloudWatchLogsLogGroupArn,
    CloudWatchLogsRoleArn: settings.CloudWatchLogsRoleArn,
  };

  it.each([
    ['present when it matches and logs', live, true, { state: 'present', details: { trailArn: TRAIL_ARN } }],
    [
      'drifted when validation is off and logging stopped',
      { ...live, LogFileValidationEnabled: false },
      false,
      { state: 'drifted', details: { trailArn: TRAIL_ARN, differences: ['log file validation off', 'not logging'] } },
    ],
  ])('%s', async (_case, trail, IsLogging, expected) => {
    cloudtrail.on(GetTrailCommand).resolves({ Trail: trail });
    cloudtrail.on(ListTagsCommand).resolves(tagged(ourTags));
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging });

    await expect(trailComponent.inspect(testConfig(), ctx)).resolves.toEqual(expected);
    expect(sentCommands(cloudtrail)).toEqual(['GetTrailCommand', 'ListTagsCommand', 'GetTrailStatusCommand']);
  });

  it('is absent without a trail', async () => {
    cloudtrail.on(GetTrailCommand).rejects(notFound());
    await expect(trailComponent.inspect(testConfig(), ctx)).resolves.toEqual({ state: 'absent' });
  });
});
