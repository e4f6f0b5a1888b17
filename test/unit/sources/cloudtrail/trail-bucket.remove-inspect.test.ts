import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
} from '@aws-sdk/client-s3';
import { TAG_STACK } from '../../../../src/config/names';
import { trailBucketComponent } from '../../../../src/sources/cloudtrail/trail-bucket';
import { sentCommands, sentRequests } from '../../helpers/aws-mock';
import { OTHER_STACK_ID, testConfig } from '../../helpers/context';
import { s3, ctx, A, R, Bucket, ExpectedBucketOwner, TRAIL_ARN, ourTagSet, noSuchBucket, s3Error, bucketPolicy, lifecycleRules } from './trail-bucket-fixtures';

afterEach(() => s3.reset());
afterAll(() => s3.restore());

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
