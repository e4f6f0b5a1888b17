import { ListObjectsCommand, S3ServiceException, type S3Client } from '@aws-sdk/client-s3';
import { createClients, type ClientFactoryOptions, type DecoratableClient } from '../../../src/aws/clients';
import { isAwsError } from '../../../src/support/errors';
import { EMULATOR_REGION } from './emulators';
import { http1Handler } from '../../fake/sdk';

/**
 * Who answered one S3 command:
 * - `s3rver`: s3rver did, success or its own error (NoSuchBucket, BucketNotEmpty, ...);
 * - `fallback`: s3rver received it, checked that the bucket exists and answered NotImplemented or
 *   MethodNotAllowed; the bridge answered instead;
 * - `bridge`: never sent, because s3rver would misroute it (see `s3Gaps`); the bridge answered after
 *   checking with a ListObjects probe that the bucket exists.
 */
export type AnsweredBy = 's3rver' | 'fallback' | 'bridge';

/** One S3 command as the caller sent it, and how it ended. */
export interface S3Call {
  command: string;
  input: Record<string, unknown>;
  by: AnsweredBy;
  /** The error name, when the command failed. */
  error?: string;
}

export interface S3GapsOptions {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** ListObjectVersions pages hold at most this many entries (S3's maximum, 1000, by default). */
  versionsPageSize?: number;
  /** Runs before each command is handled: tests use it to change the bucket at a precise moment. */
  beforeSend?: (command: string, input: Record<string, unknown>) => Promise<void>;
}

/** Records the S3 calls and fills s3rver's gaps; see `s3Gaps`. */
export interface S3Bridge {
  decorate: NonNullable<ClientFactoryOptions['decorate']>;
  /** Every S3 command sent through a decorated client, in order. */
  calls: S3Call[];
  /** Commands that change something (everything but Get*, List*, Head*), in order. */
  writes(): S3Call[];
  /** Destroys the bridge's own undecorated client. */
  close(): void;
}

type Output = Record<string, unknown>;
type Handler = (args: { input: Record<string, unknown> }) => Promise<{ output: Output; response: unknown }>;
type Middleware = (next: Handler, context: { commandName?: string }) => Handler;
type AddMiddleware = (mw: Middleware, opts: { step: 'initialize'; name: string }) => void;

/** How s3rver 3.7.1 answers a bucket sub-resource it routes but does not implement (after its NoSuchBucket check). */
type Gap = 'NotImplemented' | 'MethodNotAllowed' | 'misrouted';

interface SubResource {
  /** The Put command's input field that holds the configuration. */
  field: string;
  /** The Get command's output for a stored configuration. */
  output: (stored: unknown) => Output;
  /** S3's error name when the bucket has no such configuration. */
  missing: string;
  put: Gap;
  get: Gap;
}

/** The bucket sub-resources the trail bucket uses, keyed by the Put/Get command suffix. */
const SUB_RESOURCES: Record<string, SubResource> = {
  BucketTagging: {
    field: 'Tagging',
    output: (s) => ({ TagSet: (s as { TagSet?: unknown }).TagSet ?? [] }),
    missing: 'NoSuchTagSet',
    put: 'NotImplemented',
    get: 'NotImplemented',
  },
  PublicAccessBlock: {
    field: 'PublicAccessBlockConfiguration',
    output: (s) => ({ PublicAccessBlockConfiguration: s }),
    missing: 'NoSuchPublicAccessBlockConfiguration',
    put: 'NotImplemented',
    get: 'NotImplemented',
  },
  BucketEncryption: {
    field: 'ServerSideEncryptionConfiguration',
    output: (s) => ({ ServerSideEncryptionConfiguration: s }),
    missing: 'ServerSideEncryptionConfigurationNotFoundError',
    put: 'NotImplemented',
    get: 'NotImplemented',
  },
  BucketPolicy: { field: 'Policy', output: (s) => ({ Policy: s }), missing: 'NoSuchBucketPolicy', put: 'NotImplemented', get: 'MethodNotAllowed' },
  BucketLifecycleConfiguration: {
    field: 'LifecycleConfiguration',
    output: (s) => ({ Rules: (s as { Rules?: unknown }).Rules ?? [] }),
    missing: 'NoSuchLifecycleConfiguration',
    put: 'NotImplemented',
    get: 'NotImplemented',
  },
  // `?ownershipControls` is not in s3rver's sub-resource table: a PUT is taken for CreateBucket (and creates the
  // bucket when it is absent), a GET for ListObjects.
  BucketOwnershipControls: {
    field: 'OwnershipControls',
    output: (s) => ({ OwnershipControls: s }),
    missing: 'OwnershipControlsNotFoundError',
    put: 'misrouted',
    get: 'misrouted',
  },
};

/** Commands s3rver cannot serve at all; failing loudly beats a `?versioning` PUT that s3rver takes for CreateBucket. */
const REFUSED = ['PutBucketVersioning', 'GetBucketVersioning'];

const awsError = (name: string, httpStatusCode: number, message: string) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode }, message });

/**
 * An SDK middleware for the S3 client that records every call and fills the gaps of s3rver 3.7.1, which
 * implements buckets, objects, DeleteObjects, CORS and website configuration but none of the bucket settings the
 * trail bucket relies on (found by sending each command to it; test/protocol/s3rver-gaps.test.ts pins this):
 * - tagging, public access block, encryption, lifecycle and PutBucketPolicy answer 501 NotImplemented,
 *   GetBucketPolicy 405 MethodNotAllowed, each after checking that the bucket exists. These go over the wire
 *   first, so NoSuchBucket stays s3rver's answer, and only then are stored and returned here, per bucket;
 * - ownership controls are misrouted (see SUB_RESOURCES) and never sent; the bridge answers them;
 * - ListObjectVersions answers 405 and s3rver has no versioning: it is answered here from ListObjects (V1:
 *   a truncated ListObjectsV2 answers 500, its DES continuation token is refused by OpenSSL 3), each object one
 *   current version with VersionId "null" (what S3 reports for an unversioned bucket), paged by KeyMarker like S3;
 * - CreateBucket ignores CreateBucketConfiguration (the Tags are dropped) and, for an existing bucket, answers
 *   BucketAlreadyExists where S3 says BucketAlreadyOwnedByYou; both are left as s3rver answers them.
 * DeleteBucket forgets what was stored for the bucket once s3rver has deleted it.
 *
 * Two more quirks of s3rver's file store that the bridge does not hide: keys are files in folders, so a listing
 * is not in S3's byte order when a folder name is a prefix of a sibling's (`a/` before `a-b/`), and DeleteObjects
 * deleting the last keys of a folder concurrently races on removing the folder (500 InternalError). Tests that
 * empty a bucket therefore use keys without '/'.
 */
export function s3Gaps(opts: S3GapsOptions): S3Bridge {
  const calls: S3Call[] = [];
  const stored = new Map<string, Map<string, unknown>>();
  const pageSize = opts.versionsPageSize ?? 1000;
  let raw: S3Client | undefined;
  const direct = () =>
    (raw ??= createClients({
      region: EMULATOR_REGION,
      endpoint: opts.endpoint,
      requestHandler: http1Handler(),
      credentials: opts.credentials,
      maxAttempts: 1,
    }).s3);
  const settings = (bucket: string) => stored.get(bucket) ?? stored.set(bucket, new Map()).get(bucket)!;

  const probe = async (Bucket: string) => {
    await direct().send(new ListObjectsCommand({ Bucket, MaxKeys: 0 }));
  };

  const listVersions = async (input: Record<string, unknown>): Promise<Output> => {
    const Bucket = String(input.Bucket);
    const MaxKeys = Math.min(Number(input.MaxKeys ?? pageSize), pageSize);
    const KeyMarker = input.KeyMarker as string | undefined;
    const page = await direct().send(
      new ListObjectsCommand({ Bucket, MaxKeys, ...(KeyMarker ? { Marker: KeyMarker } : {}), ...(input.Prefix ? { Prefix: String(input.Prefix) } : {}) }),
    );
    const contents = page.Contents ?? [];
    const last = contents[contents.length - 1]?.Key;
    return {
      Name: Bucket,
      Prefix: input.Prefix ?? '',
      KeyMarker: KeyMarker ?? '',
      VersionIdMarker: input.VersionIdMarker ?? '',
      MaxKeys,
      IsTruncated: page.IsTruncated === true,
      ...(page.IsTruncated && last !== undefined ? { NextKeyMarker: last, NextVersionIdMarker: 'null' } : {}),
      ...(contents.length > 0
        ? {
            Versions: contents.map((c) => ({
              Key: c.Key,
              VersionId: 'null',
              IsLatest: true,
              ETag: c.ETag,
              Size: c.Size,
              LastModified: c.LastModified,
              StorageClass: c.StorageClass,
            })),
          }
        : {}),
    };
  };

  const handle = async (command: string, args: Parameters<Handler>[0], next: Handler, call: S3Call): Promise<{ output: Output; response: unknown }> => {
    const input = args.input;
    const answer = (output: Output) => ({ output: { ...output, $metadata: { httpStatusCode: 200 } }, response: {} });
    const bucket = String(input.Bucket ?? '');
    if (REFUSED.includes(command)) throw new Error(`${command}: s3rver 3.7.1 has no versioning and misroutes this request`);
    if (command === 'ListObjectVersions') {
      call.by = 'bridge';
      return answer(await listVersions(input));
    }
    const match = /^(Put|Get)(.+)$/.exec(command);
    const sub = match ? SUB_RESOURCES[match[2]] : undefined;
    if (!match || !sub) {
      const result = await next(args);
      if (command === 'DeleteBucket') stored.delete(bucket);
      return result;
    }
    const isPut = match[1] === 'Put';
    const gap = isPut ? sub.put : sub.get;
    if (gap === 'misrouted') {
      call.by = 'bridge';
      await probe(bucket);
    } else {
      try {
        // s3rver's own answer when it has one (it never has, for these): a NoSuchBucket passes through.
        return await next(args);
      } catch (err) {
        if (!isAwsError(err, gap)) throw err;
        call.by = 'fallback';
      }
    }
    const kind = match[2];
    if (isPut) {
      settings(bucket).set(kind, structuredClone(input[sub.field]));
      return answer({});
    }
    if (!settings(bucket).has(kind)) throw awsError(sub.missing, 404, `The bucket has no ${kind} configuration`);
    return answer(sub.output(structuredClone(settings(bucket).get(kind))));
  };

  const middleware: Middleware = (next, context) => async (args) => {
    const command = (context.commandName ?? '').replace(/Command$/, '');
    const input = args.input;
    await opts.beforeSend?.(command, input);
    const call: S3Call = { command, input: { ...input }, by: 's3rver' };
    calls.push(call);
    try {
      return await handle(command, args, next, call);
    } catch (err) {
      call.error = (err as Error).name;
      throw err;
    }
  };

  return {
    calls,
    writes: () => calls.filter((c) => !/^(Get|List|Head)/.test(c.command)),
    close: () => raw?.destroy(),
    decorate: (client: DecoratableClient, service) => {
      if (service !== 's3') return;
      (client.middlewareStack.add as unknown as AddMiddleware)(middleware, { step: 'initialize', name: 's3Gaps' });
    },
  };
}
