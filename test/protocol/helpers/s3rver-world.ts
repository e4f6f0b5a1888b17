// Shared by the s3rver suites (trail-bucket.test.ts, s3rver-gaps.test.ts): one s3rver per test file and its readers.
import { gzipSync } from 'node:zlib';
import { ListBucketsCommand, ListObjectsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createClients } from '../../../src/aws/clients';
import { TAG_NAME, TAG_STACK } from '../../../src/config/names';
import type { PipelineContext } from '../../../src/components/context';
import { policyJson, trailBucketPolicy } from '../../../src/components/policies';
import { createTestContext, instantClock, TEST_ACCOUNT, TEST_STACK_ID } from '../../unit/helpers/context';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startS3rver, type S3rverEmulator } from './emulators';
import { s3Gaps, type AnsweredBy, type S3Bridge, type S3GapsOptions } from './s3-gaps';
import { http1Handler } from '../../fake/sdk';

export let emulator: S3rverEmulator;
/** A client without the bridge: what s3rver itself holds and answers. */
export let direct: S3Client;
const bridges: S3Bridge[] = [];
const opened: S3Client[] = [];

/** Starts s3rver before the tests of the calling file and stops it, with every client and bridge opened, after them. */
export function useS3rver(): void {
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
}

/** A PipelineContext whose S3 client talks to s3rver (path-style, HTTP/1.1) through the gap bridge. */
export function s3rverContext(pipelineName: string, gaps: Partial<S3GapsOptions> = {}) {
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
export const trace = (bridge: S3Bridge, from = 0): [string, AnsweredBy, string?][] =>
  bridge.calls.slice(from).map((c) => (c.error ? [c.command, c.by, c.error] : [c.command, c.by]));

export async function bucketNames(): Promise<string[]> {
  return ((await direct.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name!);
}

/** Every key, through ListObjects V1: s3rver cannot page ListObjectsV2 (see the pinned behaviour in s3rver-gaps.test.ts). */
export async function allKeys(Bucket: string): Promise<string[]> {
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
export function trailKeys(count: number): string[] {
  const file = (i: number) => `${TEST_ACCOUNT}_CloudTrail_${EMULATOR_REGION}_20260102T${String(i).padStart(4, '0')}Z_x.json.gz`;
  return [`${TEST_ACCOUNT}_CloudTrail-Digest_${EMULATOR_REGION}_20260102T0000Z.json.gz`, ...Array.from({ length: count }, (_, i) => file(i))];
}

/** Writes gzip JSON objects as CloudTrail delivers them, a few requests at a time. */
export async function putObjects(Bucket: string, keys: string[]): Promise<void> {
  const Body = gzipSync(JSON.stringify({ Records: [{ eventSource: 'ec2.amazonaws.com', eventName: 'CreateVpc' }] }));
  for (let i = 0; i < keys.length; i += 25) {
    await Promise.all(keys.slice(i, i + 25).map((Key) => direct.send(new PutObjectCommand({ Bucket, Key, Body, ContentEncoding: 'gzip' }))));
  }
}

/** The tags of test pipeline `name`, in the order S3 is given them. */
export const ourTags = (name: string) => [
  { Key: TAG_NAME, Value: name },
  { Key: TAG_STACK, Value: TEST_STACK_ID },
];

export const expectedPolicy = (ctx: PipelineContext) =>
  policyJson(
    trailBucketPolicy({
      partition: 'aws',
      account: TEST_ACCOUNT,
      bucket: ctx.names.trailBucket,
      trailArn: `arn:aws:cloudtrail:${EMULATOR_REGION}:${TEST_ACCOUNT}:trail/${ctx.names.trailName}`,
    }),
  );
