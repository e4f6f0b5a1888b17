import { gzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectVersionsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createClients } from '../../src/aws/clients';
import { TAG_NAME, TAG_STACK } from '../../src/config/names';
import { OwnershipConflictError } from '../../src/support/errors';
import { PUBLIC_ACCESS_BLOCK, trailBucketComponent, trailBucketLifecycle } from '../../src/components/cloudtrail/trail-bucket';
import type { PipelineContext } from '../../src/components/context';
import { policyJson, trailBucketPolicy } from '../../src/components/policies';
import { createTestContext, instantClock, OTHER_STACK_ID, TEST_ACCOUNT, TEST_STACK_ID, testConfig } from '../unit/helpers/context';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startS3rver, type S3rverEmulator } from './helpers/emulators';
import { s3Gaps, type AnsweredBy, type S3Bridge, type S3GapsOptions } from './helpers/s3-gaps';
import { http1Handler } from '../fake/sdk';

let emulator: S3rverEmulator;
/** A client without the bridge: what s3rver itself holds and answers. */
let direct: S3Client;
const bridges: S3Bridge[] = [];
const opened: S3Client[] = [];

beforeAll(async () => {
  emulator = await startS3rver();
  direct = createClients({
    region: EMULATOR_REGION,
    endpoint: emulator.endpoint,
    requestHandler: http1Handler(),
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
  }).s3;
});

afterAll(async () => {
  for (const client of [direct, ...opened]) client?.destroy();
  for (const bridge of bridges) bridge.close();
  await emulator?.stop();
});

/** A PipelineContext whose S3 client talks to s3rver (path-style, HTTP/1.1) through the gap bridge. */
function s3rverContext(pipelineName: string, gaps: Partial<S3GapsOptions> = {}) {
  const bridge = s3Gaps({ endpoint: emulator.endpoint, credentials: EMULATOR_CREDENTIALS, ...gaps });
  bridges.push(bridge);
  const clock = instantClock();
  const test = createTestContext({
    pipelineName,
    region: EMULATOR_REGION,
    clock,
    clientOptions: {
      endpoint: emulator.endpoint,
      requestHandler: http1Handler(),
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 1,
      decorate: bridge.decorate,
    },
  });
  opened.push(test.ctx.clients.s3);
  return { ...test, clock, bridge, bucket: test.ctx.names.trailBucket };
}

/** Command, who answered and the error, of each call from `from` on. */
const trace = (bridge: S3Bridge, from = 0): [string, AnsweredBy, string?][] =>
  bridge.calls.slice(from).map((c) => (c.error ? [c.command, c.by, c.error] : [c.command, c.by]));

async function bucketNames(): Promise<string[]> {
  return ((await direct.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
}

/** Every key, through ListObjects V1: s3rver cannot page ListObjectsV2 (see the pinned behaviour above). */
async function allKeys(Bucket: string): Promise<string[]> {
  const keys: string[] = [];
  for (let more = true; more;) {
    const page = await direct.send(new ListObjectsCommand({ Bucket, ...(keys.length > 0 ? { Marker: keys[keys.length - 1] } : {}) }));
    keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    more = page.IsTruncated === true;
  }
  return keys;
}

/**
 * CloudTrail's log file names, `count` of them plus a digest file, sorted as S3 lists them. Without CloudTrail's
 * `AWSLogs/<account>/CloudTrail/...` folders: s3rver mis-sorts and races on folders (see s3-gaps.ts).
 */
function trailKeys(count: number): string[] {
  const file = (i: number) => `${TEST_ACCOUNT}_CloudTrail_${EMULATOR_REGION}_20260102T${String(i).padStart(4, '0')}Z_x.json.gz`;
  return [`${TEST_ACCOUNT}_CloudTrail-Digest_${EMULATOR_REGION}_20260102T0000Z.json.gz`, ...Array.from({ length: count }, (_, i) => file(i))];
}

/** Writes gzip JSON objects as CloudTrail delivers them, a few requests at a time. */
async function putObjects(Bucket: string, keys: string[]): Promise<void> {
  const Body = gzipSync(JSON.stringify({ Records: [{ eventSource: 'ec2.amazonaws.com', eventName: 'CreateVpc' }] }));
  for (let i = 0; i < keys.length; i += 25) {
    await Promise.all(keys.slice(i, i + 25).map((Key) => direct.send(new PutObjectCommand({ Bucket, Key, Body, ContentEncoding: 'gzip' }))));
  }
}

/** The tags of test pipeline `name`, in the order S3 is given them. */
const ourTags = (name: string) => [
  { Key: TAG_NAME, Value: name },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];

const expectedPolicy = (ctx: PipelineContext) =>
  policyJson(
    trailBucketPolicy({
      partition: 'aws',
      account: TEST_ACCOUNT,
      bucket: ctx.names.trailBucket,
      trailArn: `arn:aws:cloudtrail:${EMULATOR_REGION}:${TEST_ACCOUNT}:trail/${ctx.names.trailName}`,
    }),
  );

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
