import {
  BucketAlreadyExists,
  BucketAlreadyOwnedByYou,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  NoSuchBucket,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-jest';
import { TAG_NAME, TAG_STACK } from '../../../../src/config/names';
import { OwnershipConflictError } from '../../../../src/support/errors';
import { trailBucketComponent } from '../../../../src/components/cloudtrail/trail-bucket';
import { awsError, sentCommands, sentRequests } from '../../helpers/aws-mock';
import { createTestContext, OTHER_STACK_ID, TEST_STACK_ID, testConfig } from '../../helpers/context';

const s3 = mockClient(S3Client);
const { ctx } = createTestContext();
const A = '123456789012';
const R = 'eu-west-1';
const Bucket = `siem-test-${A}-${R}`;
const ExpectedBucketOwner = A;
const TRAIL_ARN = `arn:aws:cloudtrail:${R}:${A}:trail/siem-test`;
const ourTagSet = [
  { Key: TAG_NAME, Value: 'test' },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];
const noSuchBucket = () => awsError(NoSuchBucket, 'The specified bucket does not exist');
/** S3 errors the SDK does not model arrive as plain errors named by their code. */
const s3Error = (name: string, message = name) => Object.assign(new Error(message), { name, $metadata: {} });

const bucketPolicy = (bucket: string, trailArn: string, partition = 'aws') => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: ['s3:*'],
      Resource: [`arn:${partition}:s3:::${bucket}`, `arn:${partition}:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'CloudTrailAclCheck',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: ['s3:GetBucketAcl'],
      Resource: [`arn:${partition}:s3:::${bucket}`],
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
    {
      Sid: 'CloudTrailWrite',
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: ['s3:PutObject'],
      Resource: [`arn:${partition}:s3:::${bucket}/AWSLogs/${A}/*`],
      Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
    },
  ],
});

const lifecycleRules = (days: number) => [
  {
    ID: 'expire-staged-trail-logs',
    Status: 'Enabled',
    Filter: { Prefix: '' },
    Expiration: { Days: days },
    NoncurrentVersionExpiration: { NoncurrentDays: 1 },
    AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
  },
];

/** The configuration calls every ensure makes after the bucket is there and ours. */
const configure = (bucket: string, days: number, owner = A, trailArn = TRAIL_ARN) => [
  [
    'PutPublicAccessBlockCommand',
    {
      Bucket: bucket,
      ExpectedBucketOwner: owner,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    },
  ],
  [
    'PutBucketOwnershipControlsCommand',
    { Bucket: bucket, ExpectedBucketOwner: owner, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } },
  ],
  [
    'PutBucketEncryptionCommand',
    {
      Bucket: bucket,
      ExpectedBucketOwner: owner,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
    },
  ],
  ['PutBucketPolicyCommand', { Bucket: bucket, ExpectedBucketOwner: owner, Policy: JSON.stringify(bucketPolicy(bucket, trailArn)) }],
  ['PutBucketLifecycleConfigurationCommand', { Bucket: bucket, ExpectedBucketOwner: owner, LifecycleConfiguration: { Rules: lifecycleRules(days) } }],
];

function acceptConfiguration(): void {
  s3.on(PutPublicAccessBlockCommand).resolves({});
  s3.on(PutBucketOwnershipControlsCommand).resolves({});
  s3.on(PutBucketEncryptionCommand).resolves({});
  s3.on(PutBucketPolicyCommand).resolves({});
  s3.on(PutBucketLifecycleConfigurationCommand).resolves({});
  s3.on(PutBucketTaggingCommand).resolves({});
}

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

describe('trail-bucket remove', () => {
  const version = (i: number) => ({ Key: `AWSLogs/${A}/CloudTrail/${R}/f${String(i).padStart(5, '0')}.json.gz`, VersionId: `v${i}` });
  const marker = (i: number) => ({ Key: `AWSLogs/${A}/old/m${i}`, VersionId: `m${i}` });
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => from + k);

  it('empties more than 1000 versions across pages in batches of at most 1000, then deletes the bucket', async () => {
    const page1Versions = range(0, 1500).map(version);
    const page1Markers = range(0, 300).map(marker);
    const page2Versions = range(1500, 2200).map(version);
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: ourTagSet });
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({ Versions: page1Versions, DeleteMarkers: page1Markers, IsTruncated: true, NextKeyMarker: 'k-1799', NextVersionIdMarker: 'vm-1799' })
      .resolvesOnce({ Versions: page2Versions, IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteBucketCommand).resolves({});

    await trailBucketComponent.remove(testConfig(), ctx);

    const ids = (items: { Key: string; VersionId: string }[]) => items.map(({ Key, VersionId }) => ({ Key, VersionId }));
    const page1 = ids([...page1Versions, ...page1Markers]);
    expect(sentRequests(s3)).toEqual([
      ['GetBucketTaggingCommand', { Bucket, ExpectedBucketOwner }],
      ['ListObjectVersionsCommand', { Bucket, ExpectedBucketOwner }],
      ['DeleteObjectsCommand', { Bucket, ExpectedBucketOwner, Delete: { Objects: page1.slice(0, 1000), Quiet: true } }],
      ['DeleteObjectsCommand', { Bucket, ExpectedBucketOwner, Delete: { Objects: page1.slice(1000), Quiet: true } }],
      ['ListObjectVersionsCommand', { Bucket, ExpectedBucketOwner, KeyMarker: 'k-1799', VersionIdMarker: 'vm-1799' }],
      ['DeleteObjectsCommand', { Bucket, ExpectedBucketOwner, Delete: { Objects: ids(page2Versions), Quiet: true } }],
      ['DeleteBucketCommand', { Bucket, ExpectedBucketOwner }],
    ]);
    const batches = s3.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.length);
    expect(batches).toEqual([1000, 800, 700]);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(2500);
  });

  it('deletes an empty bucket of ours straight away', async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: ourTagSet });
    s3.on(ListObjectVersionsCommand).resolves({ IsTruncated: false });
    s3.on(DeleteBucketCommand).resolves({});

    await trailBucketComponent.remove(testConfig(), ctx);

    expect(sentCommands(s3)).toEqual(['GetBucketTaggingCommand', 'ListObjectVersionsCommand', 'DeleteBucketCommand']);
  });

  it('fails, naming the keys, when S3 refuses to delete some objects, and keeps the bucket', async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: ourTagSet });
    s3.on(ListObjectVersionsCommand).resolves({ Versions: [version(1), version(2)], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: version(2).Key, VersionId: 'v2', Code: 'AccessDenied', Message: 'Access Denied' }] });

    await expect(trailBucketComponent.remove(testConfig(), ctx)).rejects.toThrow(
      `could not delete 1 of 2 objects of S3 bucket ${Bucket}: ${version(2).Key} (AccessDenied: Access Denied)`,
    );
    expect(s3).not.toHaveReceivedCommand(DeleteBucketCommand);
  });

  it('empties again when a late delivery landed before DeleteBucket (BucketNotEmpty)', async () => {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: ourTagSet });
    s3.on(ListObjectVersionsCommand)
      .resolvesOnce({ IsTruncated: false })
      .resolves({ Versions: [version(9)], IsTruncated: false });
    s3.on(DeleteObjectsCommand).resolves({});
    s3.on(DeleteBucketCommand).rejectsOnce(s3Error('BucketNotEmpty', 'The bucket you tried to delete is not empty')).resolves({});

    await trailBucketComponent.remove(testConfig(), ctx);

    expect(sentCommands(s3)).toEqual([
      'GetBucketTaggingCommand',
      'ListObjectVersionsCommand',
      'DeleteBucketCommand',
      'ListObjectVersionsCommand',
      'DeleteObjectsCommand',
      'DeleteBucketCommand',
    ]);
  });

  it.each([
    ['the bucket does not exist', () => s3.on(GetBucketTaggingCommand).rejects(noSuchBucket()), ['GetBucketTaggingCommand']],
    [
      'the bucket is another stack’s',
      () => s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }),
      ['GetBucketTaggingCommand'],
    ],
    ['the bucket has no tags (not ours)', () => s3.on(GetBucketTaggingCommand).rejects(s3Error('NoSuchTagSet')), ['GetBucketTaggingCommand']],
    [
      'the bucket vanishes meanwhile',
      () => {
        s3.on(GetBucketTaggingCommand).resolves({ TagSet: ourTagSet });
        s3.on(ListObjectVersionsCommand).rejects(noSuchBucket());
        s3.on(DeleteBucketCommand).rejects(noSuchBucket());
      },
      ['GetBucketTaggingCommand', 'ListObjectVersionsCommand', 'DeleteBucketCommand'],
    ],
  ])('is done, touching nothing, when %s', async (_case, arrange, expected) => {
    arrange();
    await expect(trailBucketComponent.remove(testConfig(), ctx)).resolves.toBeUndefined();
    expect(sentCommands(s3)).toEqual(expected);
  });
});

describe('trail-bucket inspect', () => {
  function configured(days = 7): void {
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: ourTagSet });
    s3.on(GetPublicAccessBlockCommand).resolves({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    s3.on(GetBucketOwnershipControlsCommand).resolves({ OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } });
    s3.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    s3.on(GetBucketPolicyCommand).resolves({ Policy: JSON.stringify(bucketPolicy(Bucket, TRAIL_ARN)) });
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({ Rules: lifecycleRules(days) as never });
  }

  it('is present when every setting matches, and only reads', async () => {
    configured();
    await expect(trailBucketComponent.inspect(testConfig(), ctx)).resolves.toEqual({ state: 'present', details: { bucket: Bucket } });
    expect(sentCommands(s3).every((c) => c.startsWith('Get'))).toBe(true);
  });

  it('reports every drift', async () => {
    configured(30);
    s3.on(GetPublicAccessBlockCommand).rejects(s3Error('NoSuchPublicAccessBlockConfiguration'));
    s3.on(GetBucketPolicyCommand).rejects(s3Error('NoSuchBucketPolicy'));

    await expect(trailBucketComponent.inspect(testConfig(), ctx)).resolves.toEqual({
      state: 'drifted',
      details: {
        bucket: Bucket,
        differences: ['public access not fully blocked', 'bucket policy missing or changed', 'objects expire after 30 days, want 7'],
      },
    });
  });

  it('reports encryption other than the AES256 ensure sets as drift (both come from the desired state)', async () => {
    configured(7);
    s3.on(GetBucketEncryptionCommand).resolves({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
    });

    await expect(trailBucketComponent.inspect(testConfig(), ctx)).resolves.toEqual({
      state: 'drifted',
      details: { bucket: Bucket, differences: ['default encryption is aws:kms, want AES256'] },
    });
  });

  it.each([
    ['absent without the bucket', () => s3.on(GetBucketTaggingCommand).rejects(noSuchBucket()), { state: 'absent' }],
    [
      'absent, with the conflict, for a bucket of another stack',
      () => s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: TAG_STACK, Value: OTHER_STACK_ID }] }),
      { state: 'absent', details: { conflict: expect.stringContaining(`S3 bucket ${Bucket} exists but is not managed by this stack`) } },
    ],
  ])('%s', async (_case, arrange, expected) => {
    arrange();
    await expect(trailBucketComponent.inspect(testConfig(), ctx)).resolves.toEqual(expected);
    expect(sentCommands(s3)).toEqual(['GetBucketTaggingCommand']);
  });
});
