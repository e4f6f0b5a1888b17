import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListObjectVersionsCommand,
  NotFound,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { FakeAccount } from './account';

async function allVersions(s3: S3Client, Bucket: string): Promise<{ Key: string; VersionId: string }[]> {
  const out: { Key: string; VersionId: string }[] = [];
  let KeyMarker: string | undefined;
  let VersionIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(new ListObjectVersionsCommand({ Bucket, KeyMarker, VersionIdMarker }));
    for (const v of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) out.push({ Key: v.Key!, VersionId: v.VersionId! });
    if (!page.IsTruncated) return out;
    KeyMarker = page.NextKeyMarker;
    VersionIdMarker = page.NextVersionIdMarker;
  }
}

describe('fake S3', () => {
  it('creates buckets as us-east-1 does, and knows names taken by other accounts', async () => {
    const fake = new FakeAccount();
    fake.s3.foreignBuckets.add('taken-name');
    const { s3 } = fake.clients();
    await s3.send(new CreateBucketCommand({ Bucket: 'siem-demo-123456789012-us-east-1' }));
    // us-east-1 answers a repeated CreateBucket of your own bucket with success.
    await s3.send(new CreateBucketCommand({ Bucket: 'siem-demo-123456789012-us-east-1' }));

    await expect(s3.send(new CreateBucketCommand({ Bucket: 'taken-name' }))).rejects.toMatchObject({
      name: 'BucketAlreadyExists',
      Code: 'BucketAlreadyExists',
    });
    await expect(s3.send(new CreateBucketCommand({ Bucket: 'x', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }))).rejects.toMatchObject({
      name: 'InvalidBucketName',
    });
    await expect(s3.send(new HeadBucketCommand({ Bucket: 'absent-bucket' }))).rejects.toBeInstanceOf(NotFound);
    expect((await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'siem-demo-123456789012-us-east-1' }))).PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    });
  });

  it('refuses to delete a versioned bucket until every version and delete marker is gone, listed in pages', async () => {
    const fake = new FakeAccount({ pageSizes: { s3: 2 } });
    const { s3 } = fake.clients();
    const Bucket = 'trail-bucket';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a', Body: '1' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'a', Body: '2' }));
    await s3.send(new PutObjectCommand({ Bucket, Key: 'b', Body: '3' }));
    const marker = await s3.send(new DeleteObjectCommand({ Bucket, Key: 'b' }));

    expect(marker.DeleteMarker).toBe(true);
    await expect(s3.send(new DeleteBucketCommand({ Bucket }))).rejects.toMatchObject({ name: 'BucketNotEmpty', $metadata: { httpStatusCode: 409 } });
    const versions = await allVersions(s3, Bucket);
    expect(versions.map((v) => v.Key)).toEqual(['a', 'a', 'b', 'b']);
    await s3.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: versions } }));
    await s3.send(new DeleteBucketCommand({ Bucket }));
    expect(fake.snapshot().s3).toEqual([]);
  });

  it('answers a missing policy or lifecycle with the S3 error code, and validates lifecycle rules', async () => {
    const fake = new FakeAccount();
    const { s3 } = fake.clients();
    await s3.send(new CreateBucketCommand({ Bucket: 'bk1' }));

    await expect(s3.send(new GetBucketPolicyCommand({ Bucket: 'bk1' }))).rejects.toMatchObject({
      name: 'NoSuchBucketPolicy',
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'bk1' }))).rejects.toMatchObject({ name: 'NoSuchLifecycleConfiguration' });
    await expect(
      s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: 'bk1',
          LifecycleConfiguration: { Rules: [{ ID: 'x', Status: 'Enabled', Filter: {}, Expiration: { Days: 0 } }] },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidArgument' });
    await s3.send(
      new PutBucketLifecycleConfigurationCommand({
        Bucket: 'bk1',
        LifecycleConfiguration: { Rules: [{ ID: 'x', Status: 'Enabled', Filter: {}, Expiration: { Days: 7 } }] },
      }),
    );
    expect((await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'bk1' }))).Rules).toEqual([
      { ID: 'x', Status: 'Enabled', Filter: {}, Expiration: { Days: 7 } },
    ]);
  });
});
