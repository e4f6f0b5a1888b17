import {
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutBucketTaggingCommand,
} from '@aws-sdk/client-s3';
import { TAG_NAME, TAG_STACK } from '../../src/config/names';
import { OwnershipConflictError } from '../../src/support/errors';
import { PUBLIC_ACCESS_BLOCK, trailBucketComponent, trailBucketLifecycle } from '../../src/sources/cloudtrail/trail-bucket';
import { OTHER_STACK_ID, TEST_ACCOUNT, testConfig } from '../unit/helpers/context';
import {
  emulator,
  direct,
  s3rverContext,
  trace,
  bucketNames,
  allKeys,
  trailKeys,
  putObjects,
  ourTags,
  expectedPolicy,
  useS3rver,
} from './helpers/s3rver-world';

useS3rver();

describe('trail-bucket component (ensure / remove / inspect) against s3rver', () => {
  it('ensure creates the bucket, tags it and applies every setting; the calls s3rver lacks are answered by the bridge', async () => {
    const { ctx, bridge, bucket } = s3rverContext('proto-ensure');
    const config = testConfig({ PipelineName: 'proto-ensure', TrailBucketExpirationDays: '3' });

    await expect(trailBucketComponent.ensure(config, ctx)).resolves.toEqual({});

    expect(trace(bridge)).toEqual([
      ['GetBucketTagging', 's3rver', 'NoSuchBucket'],
      ['CreateBucket', 's3rver'],
      ['PutBucketTagging', 'fallback'],
      ['PutPublicAccessBlock', 'fallback'],
      ['PutBucketOwnershipControls', 'bridge'],
      ['PutBucketEncryption', 'fallback'],
      ['PutBucketPolicy', 'fallback'],
      ['PutBucketLifecycleConfiguration', 'fallback'],
    ]);
    const Bucket = bucket;
    const ExpectedBucketOwner = TEST_ACCOUNT;
    expect(bridge.writes().map((c) => c.input)).toEqual([
      // us-east-1 takes no LocationConstraint; s3rver drops the create-time tags, hence the PutBucketTagging.
      { Bucket, CreateBucketConfiguration: { Tags: ourTags('proto-ensure') } },
      { Bucket, ExpectedBucketOwner, Tagging: { TagSet: ourTags('proto-ensure') } },
      { Bucket, ExpectedBucketOwner, PublicAccessBlockConfiguration: PUBLIC_ACCESS_BLOCK },
      { Bucket, ExpectedBucketOwner, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } },
      {
        Bucket,
        ExpectedBucketOwner,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
      },
      { Bucket, ExpectedBucketOwner, Policy: expectedPolicy(ctx) },
      { Bucket, ExpectedBucketOwner, LifecycleConfiguration: { Rules: trailBucketLifecycle(3) } },
    ]);
    // Every call but the misrouted one reached s3rver, the bucket check included.
    const wire = emulator.requests.filter((r) => r.url.startsWith(`/${bucket}`)).map((r) => `${r.method} ${r.url.slice(bucket.length + 1)}`);
    expect(wire).toEqual([
      'GET /?tagging=',
      'PUT /',
      'PUT /?tagging=',
      'PUT /?publicAccessBlock=',
      'GET /?max-keys=0',
      'PUT /?encryption=',
      'PUT /?policy=',
      'PUT /?lifecycle=',
    ]);
    expect(await bucketNames()).toContain(bucket);
    expect(await trailBucketComponent.inspect(config, ctx)).toEqual({ state: 'present', details: { bucket } });
  });

  it('the lifecycle read back (from the bridge: s3rver stores none) expires objects after the configured days; inspect sees a change', async () => {
    const { ctx, bridge, bucket } = s3rverContext('proto-lifecycle');
    await trailBucketComponent.ensure(testConfig({ PipelineName: 'proto-lifecycle', TrailBucketExpirationDays: '3' }), ctx);
    const readLifecycle = async () => (await ctx.clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules;

    expect(await readLifecycle()).toEqual([
      {
        ID: 'expire-staged-trail-logs',
        Status: 'Enabled',
        Filter: { Prefix: '' },
        Expiration: { Days: 3 },
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
    ]);
    const weekly = testConfig({ PipelineName: 'proto-lifecycle', TrailBucketExpirationDays: '7' });
    expect(await trailBucketComponent.inspect(weekly, ctx)).toEqual({
      state: 'drifted',
      details: { bucket, differences: ['objects expire after 3 days, want 7'] },
    });

    const before = bridge.calls.length;
    await trailBucketComponent.ensure(weekly, ctx);

    expect(bridge.calls.slice(before).find((c) => c.command === 'PutBucketLifecycleConfiguration')?.input).toMatchObject({
      LifecycleConfiguration: { Rules: trailBucketLifecycle(7) },
    });
    expect((await readLifecycle())?.[0]?.Expiration).toEqual({ Days: 7 });
    expect(await trailBucketComponent.inspect(weekly, ctx)).toEqual({ state: 'present', details: { bucket } });
  });

  it('a second ensure creates nothing, keeps the tags and the objects, and puts the same settings again', async () => {
    const { ctx, bridge, bucket } = s3rverContext('proto-twice');
    const config = testConfig({ PipelineName: 'proto-twice' });
    await trailBucketComponent.ensure(config, ctx);
    const first = bridge
      .writes()
      .slice(2)
      .map((c) => c.input); // after CreateBucket and PutBucketTagging
    await putObjects(bucket, trailKeys(2));

    const before = bridge.calls.length;
    await trailBucketComponent.ensure(config, ctx);

    expect(trace(bridge, before)).toEqual([
      ['GetBucketTagging', 'fallback'],
      ['PutPublicAccessBlock', 'fallback'],
      ['PutBucketOwnershipControls', 'bridge'],
      ['PutBucketEncryption', 'fallback'],
      ['PutBucketPolicy', 'fallback'],
      ['PutBucketLifecycleConfiguration', 'fallback'],
    ]);
    expect(bridge.calls.slice(before + 1).map((c) => c.input)).toEqual(first);
    expect((await bucketNames()).filter((name) => name === bucket)).toHaveLength(1);
    expect(await allKeys(bucket)).toHaveLength(3);
    expect((await ctx.clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet).toEqual(ourTags('proto-twice'));
  });

  it('remove empties the bucket page by page (DeleteObjects per listing page) and deletes it; a second remove is a no-op', async () => {
    const { ctx, bridge, bucket, logs } = s3rverContext('proto-remove', { versionsPageSize: 100 });
    const config = testConfig({ PipelineName: 'proto-remove' });
    await trailBucketComponent.ensure(config, ctx);
    const keys = trailKeys(254);
    await putObjects(bucket, keys);
    expect(await allKeys(bucket)).toHaveLength(255);

    let before = bridge.calls.length;
    await trailBucketComponent.remove(config, ctx);

    expect(trace(bridge, before)).toEqual([
      ['GetBucketTagging', 'fallback'],
      ['ListObjectVersions', 'bridge'],
      ['DeleteObjects', 's3rver'],
      ['ListObjectVersions', 'bridge'],
      ['DeleteObjects', 's3rver'],
      ['ListObjectVersions', 'bridge'],
      ['DeleteObjects', 's3rver'],
      ['DeleteBucket', 's3rver'],
    ]);
    const calls = bridge.calls.slice(before);
    expect(calls.filter((c) => c.command === 'ListObjectVersions').map((c) => c.input.KeyMarker)).toEqual([undefined, keys[99], keys[199]]);
    const deletes = calls
      .filter((c) => c.command === 'DeleteObjects')
      .map((c) => c.input.Delete as { Objects: { Key: string; VersionId?: string }[]; Quiet: boolean });
    expect(deletes.map((d) => d.Objects.length)).toEqual([100, 100, 55]);
    expect(deletes.every((d) => d.Quiet && d.Objects.every((o) => o.VersionId === 'null'))).toBe(true);
    expect(deletes.flatMap((d) => d.Objects.map((o) => o.Key))).toEqual(keys); // trailKeys are in S3's order
    expect(calls.at(-1)?.input).toEqual({ Bucket: bucket, ExpectedBucketOwner: TEST_ACCOUNT });
    const wire = emulator.requests
      .filter((r) => r.url.startsWith(`/${bucket}/?`) && r.method !== 'PUT')
      .map((r) => `${r.method} ${r.url.slice(bucket.length + 1)}`);
    expect(wire.filter((r) => r === 'POST /?delete=')).toHaveLength(3);
    expect(wire.filter((r) => r.includes('versions'))).toEqual([]);

    expect(await bucketNames()).not.toContain(bucket);
    await expect(direct.send(new HeadBucketCommand({ Bucket: bucket }))).rejects.toThrow(
      expect.objectContaining({ $metadata: expect.objectContaining({ httpStatusCode: 404 }) }),
    );
    expect(await trailBucketComponent.inspect(config, ctx)).toEqual({ state: 'absent' });
    expect(logs()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ message: 'emptied', resource: `S3 bucket ${bucket}`, objectVersions: 255 }),
        expect.objectContaining({ message: 'deleted', resource: `S3 bucket ${bucket}` }),
      ]),
    );

    before = bridge.calls.length;
    await trailBucketComponent.remove(config, ctx);

    expect(trace(bridge, before)).toEqual([['GetBucketTagging', 's3rver', 'NoSuchBucket']]);
    expect(logs().at(-1)).toMatchObject({ message: 'already gone', resource: `S3 bucket ${bucket}` });
  });

  it('remove empties again when a log file lands between the emptying and DeleteBucket (s3rver answers BucketNotEmpty)', async () => {
    let late = false;
    const { ctx, bridge, bucket, clock } = s3rverContext('proto-late', {
      beforeSend: async (command, input) => {
        if (command !== 'DeleteBucket' || late) return;
        late = true;
        await putObjects(String(input.Bucket), ['late-delivery.json.gz']);
      },
    });
    const config = testConfig({ PipelineName: 'proto-late' });
    await trailBucketComponent.ensure(config, ctx);
    await putObjects(bucket, trailKeys(3));

    const before = bridge.calls.length;
    await trailBucketComponent.remove(config, ctx);

    expect(trace(bridge, before)).toEqual([
      ['GetBucketTagging', 'fallback'],
      ['ListObjectVersions', 'bridge'],
      ['DeleteObjects', 's3rver'],
      ['DeleteBucket', 's3rver', 'BucketNotEmpty'],
      ['ListObjectVersions', 'bridge'],
      ['DeleteObjects', 's3rver'],
      ['DeleteBucket', 's3rver'],
    ]);
    expect((bridge.calls.slice(before).at(-2)?.input.Delete as { Objects: unknown[] }).Objects).toEqual([{ Key: 'late-delivery.json.gz', VersionId: 'null' }]);
    expect(await bucketNames()).not.toContain(bucket);
    expect(clock.sleeps).toHaveLength(1);
  });

  it.each([
    ['no tags at all', undefined],
    ['the tags of another stack', OTHER_STACK_ID],
  ])('a bucket with our name and %s is left in place with its objects: remove (twice), ensure and inspect', async (_case, otherStack) => {
    const pipelineName = otherStack ? 'proto-other-stack' : 'proto-untagged';
    const { ctx, bridge, bucket, logs } = s3rverContext(pipelineName);
    const config = testConfig({ PipelineName: pipelineName });
    await direct.send(new CreateBucketCommand({ Bucket: bucket }));
    if (otherStack) {
      // Tagged through the bridge, since s3rver keeps no tags; then the recording starts afresh.
      await ctx.clients.s3.send(
        new PutBucketTaggingCommand({
          Bucket: bucket,
          Tagging: {
            TagSet: [
              { Key: TAG_NAME, Value: pipelineName },
              { Key: TAG_STACK, Value: otherStack },
            ],
          },
        }),
      );
      bridge.calls.length = 0;
    }
    await putObjects(bucket, trailKeys(4));

    await trailBucketComponent.remove(config, ctx);
    await trailBucketComponent.remove(config, ctx);
    await expect(trailBucketComponent.ensure(config, ctx)).rejects.toThrow(OwnershipConflictError);
    const status = await trailBucketComponent.inspect(config, ctx);

    expect(bridge.calls.map((c) => c.command)).toEqual(['GetBucketTagging', 'GetBucketTagging', 'GetBucketTagging', 'GetBucketTagging']);
    expect(bridge.calls.map((c) => c.error)).toEqual(
      otherStack ? [undefined, undefined, undefined, undefined] : ['NoSuchTagSet', 'NoSuchTagSet', 'NoSuchTagSet', 'NoSuchTagSet'],
    );
    expect(status).toEqual({ state: 'absent', details: { conflict: expect.stringContaining('is not managed by this stack') } });
    expect(await bucketNames()).toContain(bucket);
    expect(await allKeys(bucket)).toEqual(trailKeys(4));
    expect(logs().filter((l) => l.message === 'left in place: not ours')).toHaveLength(2);
  });
});
