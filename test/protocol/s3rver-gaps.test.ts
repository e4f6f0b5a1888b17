import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
} from '@aws-sdk/client-s3';
import { PUBLIC_ACCESS_BLOCK, trailBucketLifecycle } from '../../src/sources/cloudtrail/trail-bucket';
import { direct, bucketNames, putObjects, useS3rver } from './helpers/s3rver-world';

useS3rver();

describe('s3rver 3.7.1 itself, without the bridge (the premise of test/protocol/helpers/s3-gaps.ts)', () => {
  const Bucket = 'pinned-s3rver-gaps';
  beforeAll(async () => {
    await direct.send(new CreateBucketCommand({ Bucket }));
  });

  it.each([
    ['PutBucketTagging', 'NotImplemented', () => new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } })],
    ['GetBucketTagging', 'NotImplemented', () => new GetBucketTaggingCommand({ Bucket })],
    ['PutPublicAccessBlock', 'NotImplemented', () => new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: PUBLIC_ACCESS_BLOCK })],
    ['GetPublicAccessBlock', 'NotImplemented', () => new GetPublicAccessBlockCommand({ Bucket })],
    [
      'PutBucketEncryption',
      'NotImplemented',
      () =>
        new PutBucketEncryptionCommand({
          Bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        }),
    ],
    ['GetBucketEncryption', 'NotImplemented', () => new GetBucketEncryptionCommand({ Bucket })],
    ['PutBucketPolicy', 'NotImplemented', () => new PutBucketPolicyCommand({ Bucket, Policy: '{}' })],
    ['GetBucketPolicy', 'MethodNotAllowed', () => new GetBucketPolicyCommand({ Bucket })],
    [
      'PutBucketLifecycleConfiguration',
      'NotImplemented',
      () => new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: trailBucketLifecycle(7) } }),
    ],
    ['GetBucketLifecycleConfiguration', 'NotImplemented', () => new GetBucketLifecycleConfigurationCommand({ Bucket })],
    ['ListObjectVersions', 'MethodNotAllowed', () => new ListObjectVersionsCommand({ Bucket })],
    // `?ownershipControls` and `?versioning` are not in s3rver's sub-resource table: a PUT is taken for CreateBucket.
    [
      'PutBucketOwnershipControls',
      'BucketAlreadyExists',
      () => new PutBucketOwnershipControlsCommand({ Bucket, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
    ],
    ['PutBucketVersioning', 'BucketAlreadyExists', () => new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } })],
    ['CreateBucket of a bucket we own (S3: BucketAlreadyOwnedByYou)', 'BucketAlreadyExists', () => new CreateBucketCommand({ Bucket })],
  ])('%s on an existing bucket fails with %s', async (_name, error, command) => {
    await expect(direct.send(command() as never)).rejects.toThrow(expect.objectContaining({ name: error }));
  });

  it.each([
    ['GetBucketTagging', () => new GetBucketTaggingCommand({ Bucket: 'pinned-absent' })],
    [
      'PutBucketLifecycleConfiguration',
      () => new PutBucketLifecycleConfigurationCommand({ Bucket: 'pinned-absent', LifecycleConfiguration: { Rules: trailBucketLifecycle(7) } }),
    ],
    ['GetBucketPolicy', () => new GetBucketPolicyCommand({ Bucket: 'pinned-absent' })],
    ['ListObjectVersions', () => new ListObjectVersionsCommand({ Bucket: 'pinned-absent' })],
  ])('%s on a missing bucket is NoSuchBucket: the bucket check comes before the gap', async (_name, command) => {
    await expect(direct.send(command() as never)).rejects.toThrow(expect.objectContaining({ name: 'NoSuchBucket' }));
  });

  it('reads of ownership controls and versioning are answered as a ListObjects, so they say nothing', async () => {
    const ownership = await direct.send(new GetBucketOwnershipControlsCommand({ Bucket }));
    const versioning = await direct.send(new GetBucketVersioningCommand({ Bucket }));

    expect(ownership.OwnershipControls?.Rules).toBeUndefined();
    expect(versioning.Status).toBeUndefined();
  });

  it('a ListObjectsV2 that must page answers 500: its continuation token uses DES, which OpenSSL 3 refuses', async () => {
    await putObjects(Bucket, ['a.json.gz', 'b.json.gz']);

    await expect(direct.send(new ListObjectsV2Command({ Bucket, MaxKeys: 1 }))).rejects.toThrow(expect.objectContaining({ name: 'InternalError' }));
    expect((await direct.send(new ListObjectsCommand({ Bucket, MaxKeys: 1 }))).Contents?.map((c) => c.Key)).toEqual(['a.json.gz']);
  });

  it('PutBucketOwnershipControls on a missing bucket creates it, which is why the bridge never sends it', async () => {
    await direct.send(
      new PutBucketOwnershipControlsCommand({ Bucket: 'pinned-misrouted', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }),
    );

    expect(await bucketNames()).toContain('pinned-misrouted');
  });
});
