import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketTaggingCommand,
  PutBucketTaggingCommand,
} from '@aws-sdk/client-s3';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { OwnershipConflictError } from '../../../../src/support/errors';
import { trailBucketComponent } from '../../../../src/sources/cloudtrail/trail-bucket';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';
import { s3, ctx, A, R, Bucket, ExpectedBucketOwner, ourTagSet, noSuchBucket, s3Error, configure, acceptConfiguration } from './trail-bucket-fixtures';

afterEach(() => s3.reset());
afterAll(() => s3.restore());

describe('trail-bucket enabled', () => {
  it.each([
    ['defaults', {}, R, true],
    ['CloudTrail off', { EnableCloudTrail: 'false' }, R, false],
    ['a reused trail log group', { ExistingTrailLogGroup: 'org-trail' }, R, false],
    ['another home region', { TrailHomeRegion: 'us-east-1' }, R, false],
    ['this home region', { TrailHomeRegion: R }, R, true],
  ])('%s -> %s', (_case, props, region, expected) => {
    expect(trailBucketComponent.enabled(testConfig(props), createTestContext({ region }).ctx)).toBe(expected);
  });
});

describe('trail-bucket ensure', () => {
  it('creates the bucket with our tags in its region (and tags it again), then locks it down and sets its expiry', async () => {
    s3.on(GetBucketTaggingCommand).rejects(noSuchBucket());
    s3.on(CreateBucketCommand).resolves({});
    acceptConfiguration();

    await expect(trailBucketComponent.ensure(testConfig({ TrailBucketExpirationDays: '30' }), ctx)).resolves.toEqual({});

    expect(sentRequests(s3)).toEqual([
      ['GetBucketTaggingCommand', { Bucket, ExpectedBucketOwner }],
      ['CreateBucketCommand', { Bucket, CreateBucketConfiguration: { LocationConstraint: R, Tags: ourTagSet } }],
      ['PutBucketTaggingCommand', { Bucket, ExpectedBucketOwner, Tagging: { TagSet: ourTagSet } }],
      ...configure(Bucket, 30),
    ]);
  });

  it('names no LocationConstraint in us-east-1', async () => {
    const east = createTestContext({ region: 'us-east-1' }).ctx;
    const eastBucket = `siem-test-${A}-us-east-1`;
    s3.on(GetBucketTaggingCommand).rejects(noSuchBucket());
    s3.on(CreateBucketCommand).resolves({});
    acceptConfiguration();

    await trailBucketComponent.ensure(testConfig(), east);

    expect(sentRequests(s3)).toEqual([
      ['GetBucketTaggingCommand', { Bucket: eastBucket, ExpectedBucketOwner }],
      ['CreateBucketCommand', { Bucket: eastBucket, CreateBucketConfiguration: { Tags: ourTagSet } }],
      ['PutBucketTaggingCommand', { Bucket: eastBucket, ExpectedBucketOwner, Tagging: { TagSet: ourTagSet } }],
      ...configure(eastBucket, 7, A, `arn:aws:cloudtrail:us-east-1:${A}:trail/siem-test`),
    ]);
  });

  it.each([
    ['deletes it again', () => s3.on(DeleteBucketCommand).resolves({})],
    ['tries to delete it again', () => s3.on(DeleteBucketCommand).rejects(s3Error('AccessDenied', 'Access Denied'))],
  ])('fails with the tagging error when a bucket it has just created cannot be tagged, and %s (untagged, it would never be ours)', async (_what, arrange) => {
    s3.on(GetBucketTaggingCommand).rejects(noSuchBucket());
    s3.on(CreateBucketCommand).resolves({});
    s3.on(PutBucketTaggingCommand).rejects(s3Error('AccessDenied', 'not authorized to perform: s3:PutBucketTagging'));
    arrange();

    await expect(trailBucketComponent.ensure(testConfig(), ctx)).rejects.toThrow('not authorized to perform: s3:PutBucketTagging');
    expect(sentRequests(s3).slice(2)).toEqual([
      ['PutBucketTaggingCommand', { Bucket, ExpectedBucketOwner, Tagging: { TagSet: ourTagSet } }],
      ['DeleteBucketCommand', { Bucket, ExpectedBucketOwner }],
    ]);
  });

  it('converges a bucket of ours without re-tagging it', async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: ourTagSet });
    acceptConfiguration();

    await trailBucketComponent.ensure(testConfig(), ctx);

    expect(sentRequests(s3)).toEqual([['GetBucketTaggingCommand', { Bucket, ExpectedBucketOwner }], ...configure(Bucket, 7)]);
  });

  it('restores a missing tag of ours and keeps the tags others added', async () => {
    s3.on(GetBucketTaggingCommand).resolves({
      TagSet: [
        { Key: TAG_STACK, Value: TEST_STACK_ID },
        { Key: 'cost-center', Value: 'sec' },
      ],
    });
    acceptConfiguration();

    await trailBucketComponent.ensure(testConfig(), ctx);

    expect(sentRequests(s3).slice(0, 2)).toEqual([
      ['GetBucketTaggingCommand', { Bucket, ExpectedBucketOwner }],
      [
        'PutBucketTaggingCommand',
        {
          Bucket,
          ExpectedBucketOwner,
          Tagging: {
            TagSet: [
              { Key: TAG_STACK, Value: TEST_STACK_ID },
              { Key: 'cost-center', Value: 'sec' },
              { Key: TAG_NAME, Value: 'test' },
            ],
          },
        },
      ],
    ]);
  });

  it('converges a bucket a duplicate delivery created first (BucketAlreadyOwnedByYou)', async () => {
    s3.on(GetBucketTaggingCommand).rejectsOnce(noSuchBucket()).resolves({ TagSet: ourTagSet });
    s3.on(CreateBucketCommand).rejects(awsError(BucketAlreadyOwnedByYou, 'Your previous request to create the named bucket succeeded'));
    acceptConfiguration();

    await trailBucketComponent.ensure(testConfig(), ctx);

    expect(sentCommands(s3).slice(0, 4)).toEqual(['GetBucketTaggingCommand', 'CreateBucketCommand', 'GetBucketTaggingCommand', 'PutPublicAccessBlockCommand']);
  });

  it.each([
    ['another stack', () => s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] })],
    ['no one (no tags at all)', () => s3.on(GetBucketTaggingCommand).rejects(s3Error('NoSuchTagSet', 'The TagSet does not exist'))],
  ])('refuses a bucket of our name that belongs to %s, changing nothing', async (_owner, arrange) => {
    arrange();

    await expect(trailBucketComponent.ensure(testConfig(), ctx)).rejects.toThrow(OwnershipConflictError);
    expect(sentCommands(s3)).toEqual(['GetBucketTaggingCommand']);
  });

  it('refuses a bucket of our name that another account owns', async () => {
    s3.on(GetBucketTaggingCommand).rejects(noSuchBucket());
    s3.on(CreateBucketCommand).rejects(awsError(BucketAlreadyExists, 'The requested bucket name is not available'));

    await expect(trailBucketComponent.ensure(testConfig(), ctx)).rejects.toThrow(`S3 bucket ${Bucket} exists in another AWS account`);
    expect(sentCommands(s3)).toEqual(['GetBucketTaggingCommand', 'CreateBucketCommand']);
  });
});
