import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Built by `npm run build` (which `npm test` runs first), with each bundle's esbuild metafile beside it. */
const DIST = path.resolve(__dirname, '../../dist');
const REGION = 'eu-west-1';
const ACCOUNT = '123456789012';

interface Metafile {
  inputs: Record<string, { imports: { path: string }[] }>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}
const metafile = (bundle: string) => JSON.parse(readFileSync(path.join(DIST, bundle, 'meta.json'), 'utf8')) as Metafile;
const externals = (bundle: string) =>
  [
    ...new Set(Object.values(metafile(bundle).outputs).flatMap((o) => o.imports.filter((i) => i.external && !i.path.startsWith('node:')).map((i) => i.path))),
  ].sort();

/**
 * Runs `script` in a fresh node (a cold start) and returns the @aws-sdk packages in require.cache at each
 * point the script prints (`LOADED <label>`), so lazy loading is seen as Lambda would see it.
 */
function runChild(script: string, env: Record<string, string>): Promise<Record<string, string[]>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: path.resolve(__dirname, '../..') });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += String(c)));
    child.stderr.on('data', (c: Buffer) => (err += String(c)));
    child.on('error', reject);
    child.on('close', (code) => {
      const points = Object.fromEntries(
        out
          .split('\n')
          .filter((l) => l.startsWith('LOADED '))
          .map((l) => JSON.parse(l.slice('LOADED '.length)) as [string, string[]]),
      );
      if (code !== 0) reject(new Error(`child exited ${code}: ${err}`));
      else resolve(points);
    });
  });
}

const SNAPSHOT = `const sdk = () => [...new Set(Object.keys(require.cache).map((k) => /node_modules\\/(@aws-sdk\\/client-[a-z0-9-]+)\\//.exec(k)?.[1]).filter(Boolean))].sort();
const at = (label) => console.log('LOADED ' + JSON.stringify([label, sdk()]));`;

describe('bundles load no SDK package at require time', () => {
  /** Every SDK client the project depends on: the client registry (src/aws/clients.ts) names each one, lazily. */
  const clients = [...readFileSync(path.resolve(__dirname, '../../src/aws/clients.ts'), 'utf8').matchAll(/from '(@aws-sdk\/client-[a-z0-9-]+)'/g)]
    .map((m) => m[1])
    .sort();

  it.each([
    ['custom-resource', clients],
    ['vpc-enroller', clients],
  ])('%s: the metafile lists the SDK only as external (lazy) requires, and no emulator or test code is bundled', (bundle, sdk) => {
    expect(externals(bundle)).toEqual(sdk);
    const inputs = Object.keys(metafile(bundle).inputs);
    expect(inputs.filter((i) => /@smithy\/(node-http-handler|util-retry)|test\//.test(i))).toEqual([]);
  });

  it("vpc-enroller: per its metafile, the enroller's code uses EC2 and CloudWatch Logs only (the client registry names every service, lazily)", () => {
    // One stand-in per package (lazy-sdk:<package>), imported by the files that use it.
    const used = Object.entries(metafile('vpc-enroller').inputs)
      .filter(([file]) => file !== 'src/aws/clients.ts')
      .flatMap(([, input]) => input.imports.map((i) => /^lazy-sdk:(@aws-sdk\/.+)$/.exec(i.path)?.[1]).filter((p): p is string => p !== undefined));
    expect([...new Set(used)].sort()).toEqual(['@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-ec2']);
  });

  it.each(['custom-resource', 'vpc-enroller'])('%s: requiring the bundle loads no @aws-sdk client', async (bundle) => {
    const points = await runChild(`${SNAPSHOT}\nrequire(${JSON.stringify(path.join(DIST, bundle, 'index.js'))});\nat('load');`, {});
    expect(points).toEqual({ load: [] });
  });
});

describe('the enroller bundle loads EC2 and CloudWatch Logs only, when it first calls them', () => {
  let server: Server;
  let endpoint: string;
  const targets: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += String(c)));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? new URLSearchParams(body).get('Action'));
        targets.push(target);
        if (target === 'Logs_20140328.ListTagsForResource') {
          res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ tags: { 'siem-pipeline:name': 'demo' } }));
        } else {
          // EC2's query-protocol error: not retryable, so the sweep stops here.
          res
            .writeHead(403, { 'content-type': 'text/xml' })
            .end(
              '<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>denied by the test</Message></Error></Errors><RequestID>r</RequestID></Response>',
            );
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a scheduled sweep loads client-cloudwatch-logs for the settings check, then client-ec2, and nothing else', async () => {
    const script = `${SNAPSHOT}
const { handler } = require(${JSON.stringify(path.join(DIST, 'vpc-enroller', 'index.js'))});
at('load');
handler({ id: 'e1', source: 'aws.events', 'detail-type': 'Scheduled Event', detail: {} }).then(
  () => { at('after'); },
  (err) => { console.error(String(err)); at('after'); },
);`;
    const points = await runChild(script, {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret',
      LOG_LEVEL: 'error',
      PipelineName: 'demo',
      STACK_ID: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/siem/4a1b2c3d-0000-1111-2222-333344445555`,
      PERMISSIONS_BOUNDARY_ARN: `arn:aws:iam::${ACCOUNT}:policy/siem-pipeline/boundary`,
    });
    expect(points).toEqual({ load: [], after: ['@aws-sdk/client-cloudwatch-logs', '@aws-sdk/client-ec2'] });
    expect(targets[0]).toBe('Logs_20140328.ListTagsForResource');
    expect(targets).toContain('DescribeVpcs');
  });
});
