import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { DecoratableClient, ServiceKey } from '../../src/aws/clients';
import { MAX_RESPONSE_BYTES } from '../../src/handlers/cfn/response';
import { safeHandler } from '../../src/handlers/cfn/safe-handler';
import { createCustomResourceHandler } from '../../src/handlers/custom-resource';
import { createLogger } from '../../src/support/log';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startS3rver, type S3rverEmulator } from './helpers/emulators';
import { presignedSignatureMatches } from './helpers/sigv4';

const BUCKET = 'cfn-responses';
const STACK_ID = 'arn:aws:cloudformation:us-east-1:123456789012:stack/siem/4a1b2c3d-0000-1111-2222-333344445555';
const LAMBDA_CONTEXT = { getRemainingTimeInMillis: () => 60_000 };

let emulator: S3rverEmulator;
let s3: S3Client;
let objectCount = 0;

beforeAll(async () => {
  emulator = await startS3rver();
  // CloudFormation's side of the exchange: its URLs carry no checksum parameters, so none are requested here.
  s3 = new S3Client({
    region: EMULATOR_REGION,
    endpoint: emulator.endpoint,
    forcePathStyle: true,
    credentials: EMULATOR_CREDENTIALS,
    requestChecksumCalculation: 'WHEN_REQUIRED',
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});

afterAll(async () => {
  s3?.destroy();
  await emulator?.stop();
});

/** A fresh object key and its pre-signed PUT URL, as CloudFormation hands one to the function. */
async function responseTarget(): Promise<{ key: string; url: string }> {
  const key = `responses/${++objectCount}`;
  const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: BUCKET, Key: key }), { expiresIn: 300 });
  return { key, url };
}

/**
 * The response body stored under `key`, after checking that it arrived as one PUT that real S3 would accept:
 * `content-type` empty, a byte-exact `content-length`, and the pre-signed URL's SigV4 signature intact.
 */
async function storedResponse(key: string): Promise<{ raw: Buffer; json: Record<string, unknown> }> {
  const { Body } = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  const raw = Buffer.from(await Body!.transformToByteArray());
  const puts = emulator.requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/${BUCKET}/${key}?`));
  expect(puts).toHaveLength(1);
  expect(puts[0].headers).toMatchObject({ 'content-type': '', 'content-length': String(raw.length) });
  expect(presignedSignatureMatches(puts[0], EMULATOR_CREDENTIALS.secretAccessKey)).toBe(true);
  return { raw, json: JSON.parse(raw.toString('utf8')) as Record<string, unknown> };
}

function event(type: 'Create' | 'Delete', url: string, props: Record<string, string>, physicalId?: string): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:siem-custom-resource',
    ResponseURL: url,
    StackId: STACK_ID,
    RequestId: `req-${type.toLowerCase()}-${objectCount}`,
    LogicalResourceId: 'Pipeline',
    ResourceType: 'Custom::SiemPipeline',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:siem-custom-resource', ...props },
  };
  return type === 'Create' ? { ...common, RequestType: 'Create' } : { ...common, RequestType: 'Delete', PhysicalResourceId: physicalId! };
}

/** The real handler, with SDK clients pointed at a closed port and a middleware that records any AWS call. */
function realHandler() {
  const awsCalls: string[] = [];
  const lines: string[] = [];
  const handler = createCustomResourceHandler({
    // The emulator endpoint is what lets the handler answer s3rver's loopback URL at all.
    env: { PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::123456789012:policy/siem-pipeline-boundary', STACK_ID, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    log: createLogger({ sink: (line) => lines.push(line) }),
    clientOptions: {
      endpoint: 'http://127.0.0.1:9',
      credentials: EMULATOR_CREDENTIALS,
      maxAttempts: 1,
      decorate: (client: DecoratableClient, service: ServiceKey) => {
        const add = client.middlewareStack.add as unknown as (mw: unknown, opts: { step: string; name: string }) => void;
        add(
          (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => {
            awsCalls.push(`${service}:${context.commandName}`);
            return next(args);
          },
          { step: 'initialize', name: 'recordAwsCalls' },
        );
      },
    },
  });
  return { handler, awsCalls, lines };
}

describe('CloudFormation responses stored in s3rver through a pre-signed PUT URL', () => {
  it('answers a Create with invalid properties FAILED, naming the property, without calling AWS', async () => {
    const { key, url } = await responseTarget();
    const { handler, awsCalls, lines } = realHandler();
    const request = event('Create', url, { PipelineName: 'demo', ShardCount: '0' });

    await handler(request, LAMBDA_CONTEXT);

    const { raw, json } = await storedResponse(key);
    expect(json).toEqual({
      Status: 'FAILED',
      Reason: "Invalid properties: ShardCount '0' is not allowed; allowed values: a whole number from 1 to 500",
      PhysicalResourceId: 'siem-pipeline/rejected/Pipeline',
      StackId: STACK_ID,
      RequestId: request.RequestId,
      LogicalResourceId: 'Pipeline',
    });
    expect(raw.length).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(awsCalls).toEqual([]);
    expect(lines.join('\n')).not.toContain(url);
  });

  it.each([
    ['another resource', 'some-other-physical-id'],
    ['a pipeline of another account', 'siem-pipeline/999999999999/us-east-1/demo'],
    ['a Create that was rejected', 'siem-pipeline/rejected/Pipeline'],
  ])('answers a Delete of %s SUCCESS with nothing to do', async (_what, physicalId) => {
    const { key, url } = await responseTarget();
    const { handler, awsCalls } = realHandler();
    const request = event('Delete', url, { PipelineName: 'demo' }, physicalId);

    await handler(request, LAMBDA_CONTEXT);

    const { raw, json } = await storedResponse(key);
    expect(json).toEqual({
      Status: 'SUCCESS',
      PhysicalResourceId: physicalId,
      StackId: STACK_ID,
      RequestId: request.RequestId,
      LogicalResourceId: 'Pipeline',
    });
    expect(raw.length).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(awsCalls).toEqual([]);
  });

  it.each([
    ['ASCII', 'x'.repeat(10_240)],
    ['multi-byte', '\u00e9\u{1F525}'.repeat(2_000)],
  ])('truncates an over-long %s Reason so the stored body is valid JSON within 4096 bytes', async (_what, message) => {
    const { key, url } = await responseTarget();
    const handler = safeHandler(() => Promise.reject(new Error(message)), { log: createLogger({ sink: () => undefined }) });
    const request = event('Create', url, { PipelineName: 'demo' });

    await handler(request, LAMBDA_CONTEXT);

    const { raw, json } = await storedResponse(key);
    expect(raw.length).toBeLessThanOrEqual(MAX_RESPONSE_BYTES);
    expect(json).toEqual({
      Status: 'FAILED',
      Reason: expect.stringMatching(/^Error: .+ \[truncated\]$/su),
      PhysicalResourceId: 'Pipeline-failed',
      StackId: STACK_ID,
      RequestId: request.RequestId,
      LogicalResourceId: 'Pipeline',
    });
    const reason = json.Reason as string;
    expect(message.startsWith(reason.slice('Error: '.length, -' [truncated]'.length))).toBe(true);
    // The Reason keeps as much of the message as fits: close to the limit, not cut short.
    expect(raw.length).toBeGreaterThan(MAX_RESPONSE_BYTES - 8);
  });
});
