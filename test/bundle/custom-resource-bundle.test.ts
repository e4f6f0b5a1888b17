import { existsSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';

/** Built by `npm run build` (which `npm test` runs first). */
const BUNDLE = path.resolve(__dirname, '../../dist/custom-resource/index.js');
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/siem/4a1b2c3d-0000-1111-2222-333344445555';
const ENV = {
  PERMISSIONS_BOUNDARY_ARN: 'arn:aws:iam::123456789012:policy/siem-pipeline/siem-demo-boundary',
  AWS_REGION: 'eu-west-1',
  STACK_ID,
  // An emulator endpoint (nothing listens): only with one set may the handler answer a loopback ResponseURL.
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
};
/** Stands in for the credential part of CloudFormation's pre-signed URL: it must never reach a log line. */
const URL_SECRET = 'X-Amz-Signature=feedc0ffee0123456789';

interface ReceivedPut {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

type Handler = (event: CloudFormationCustomResourceEvent, context: Context) => Promise<void>;

const envBefore = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
let server: Server;
let baseUrl: string;
const received: ReceivedPut[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** Runs the bundled handler once with the given env set, restoring the env and stdout afterwards; returns its log lines. */
async function invokeBundle(handler: Handler, event: CloudFormationCustomResourceEvent): Promise<string[]> {
  const saved = Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]));
  const logged: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logged.push(String(chunk));
    return true;
  });
  Object.assign(process.env, ENV);
  try {
    await handler(event, { getRemainingTimeInMillis: () => 60_000 } as Context);
  } finally {
    write.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return logged;
}

function loadBundle(): { handler: Handler } {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run \`npm run build\` first (npm test does)`);
  return createRequire(__filename)(BUNDLE) as { handler: Handler };
}

describe('bundled custom resource handler (dist/custom-resource/index.js)', () => {
  it('exports a handler function', () => {
    expect(typeof loadBundle().handler).toBe('function');
  });

  it.each<[string, Record<string, unknown>, { Status: string; PhysicalResourceId: string; Reason?: string }]>([
    [
      'a Create with an invalid StreamMode',
      {
        RequestType: 'Create',
        ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cr', PipelineName: 'demo', StreamMode: 'FAST' },
      },
      {
        Status: 'FAILED',
        PhysicalResourceId: 'siem-pipeline/rejected/Pipeline',
        Reason: "Invalid properties: StreamMode 'FAST' is not allowed; allowed values: PROVISIONED, ON_DEMAND",
      },
    ],
    [
      'a Delete of a physical id that is not a pipeline',
      { RequestType: 'Delete', PhysicalResourceId: 'not-ours', ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cr' } },
      { Status: 'SUCCESS', PhysicalResourceId: 'not-ours' },
    ],
  ])('answers %s with one PUT: empty content-type, byte-exact content-length, the exact body', async (_what, request, expected) => {
    const requestId = `req-${received.length + 1}`;
    const responsePath = `/cfn/${requestId}?X-Amz-Expires=7200&${URL_SECRET}`;
    const event = {
      ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:cr',
      ResponseURL: `${baseUrl}${responsePath}`,
      StackId: STACK_ID,
      RequestId: requestId,
      LogicalResourceId: 'Pipeline',
      ResourceType: 'Custom::SiemPipeline',
      ...request,
    } as CloudFormationCustomResourceEvent;
    const before = received.length;

    const logged = await invokeBundle(loadBundle().handler, event);

    expect(received.slice(before)).toHaveLength(1);
    const put = received[before];
    expect(put.method).toBe('PUT');
    expect(put.url).toBe(responsePath);
    expect(put.headers['content-type']).toBe('');
    expect(put.headers['content-length']).toBe(String(put.body.length));
    expect(JSON.parse(put.body.toString('utf8'))).toEqual({ ...expected, StackId: STACK_ID, RequestId: requestId, LogicalResourceId: 'Pipeline' });
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join('')).not.toContain(URL_SECRET.split('=')[1]);
  });

  it('leaves the environment as it found it', () => {
    expect(Object.fromEntries(Object.keys(ENV).map((k) => [k, process.env[k]]))).toEqual(envBefore);
  });
});
