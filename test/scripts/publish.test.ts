import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, GetObjectAclCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, startS3rver, type S3rverEmulator } from '../protocol/helpers/emulators';
import { loadTemplate } from '../template/template-helpers';

interface Plan {
  putObject: { Bucket: string; Key: string; ContentType: string };
  templateUrl: string;
  bucketRegion: string;
  links: { region: string; url: string }[];
  bucketPolicy?: unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { publishPlan, launchMarkdown, upload } = require('../../scripts/lib/publish.cjs') as {
  publishPlan(opts: Record<string, unknown>): Plan;
  launchMarkdown(plan: Plan): string;
  upload(plan: Plan, s3: S3Client): Promise<unknown>;
};

const root = path.join(__dirname, '..', '..');
const templateParameters = loadTemplate().Parameters;
const body = JSON.stringify({ AWSTemplateFormatVersion: '2010-09-09', Parameters: templateParameters, Resources: {} });
const opts = { bucket: 'my-templates', regions: ['us-east-1', 'eu-west-1'], body, templateParameters };

describe('publishPlan', () => {
  it('plans a private application/json upload, the regional URL and a launch link per region', () => {
    const plan = publishPlan({ ...opts, prefix: 'siem/v1/' });
    expect(plan.putObject).toEqual({ Bucket: 'my-templates', Key: 'siem/v1/siem-pipeline.template.json', ContentType: 'application/json' });
    expect(plan.templateUrl).toBe('https://my-templates.s3.us-east-1.amazonaws.com/siem/v1/siem-pipeline.template.json');
    expect(plan.links.map((l) => [l.region, l.url.slice(0, l.url.indexOf('#'))])).toEqual([
      ['us-east-1', 'https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1'],
      ['eu-west-1', 'https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1'],
    ]);
    expect(plan.bucketPolicy).toBeUndefined();
    expect(launchMarkdown(plan)).toContain("Only principals of the bucket owner's account can read the template");
  });

  it.each([
    [{ bucket: 'my.templates', bucketRegion: 'eu-west-1' }, 'https://s3.eu-west-1.amazonaws.com/my.templates/siem-pipeline.template.json'],
    [{ regions: ['cn-north-1'] }, 'https://my-templates.s3.cn-north-1.amazonaws.com.cn/siem-pipeline.template.json'],
  ])('uses the regional URL form that works for %j', (overrides, url) => {
    expect(publishPlan({ ...opts, ...overrides }).templateUrl).toBe(url);
  });

  it.each([
    [{ orgId: 'o-a1b2c3d4e5' }, { Principal: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } }],
    [{ readerAccounts: ['111111111111', '222222222222'] }, { Principal: { AWS: ['arn:aws:iam::111111111111:root', 'arn:aws:iam::222222222222:root'] } }],
  ])('gives the bucket policy statement other accounts need to read the object (%j)', (overrides, who) => {
    const plan = publishPlan({ ...opts, ...overrides });
    expect(plan.bucketPolicy).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadTheSiemPipelineTemplate',
          Effect: 'Allow',
          Action: 's3:GetObject',
          Resource: 'arn:aws:s3:::my-templates/siem-pipeline.template.json',
          ...who,
        },
      ],
    });
    expect(launchMarkdown(plan)).toContain('"Sid": "ReadTheSiemPipelineTemplate"');
  });

  it.each([
    [{ bucket: 'My_Bucket' }, "--bucket 'My_Bucket' is not an S3 bucket name"],
    [{ regions: [] }, '--regions is required'],
    [{ regions: ['europe'] }, "--regions: 'europe' is not a region name"],
    [{ prefix: '/abs' }, "--prefix '/abs' must be an S3 key prefix without a leading slash"],
    [{ orgId: 'org-1' }, "--org-id 'org-1' is not an organization id"],
    [{ readerAccounts: ['123'] }, "--reader-accounts: '123' is not a 12-digit account id"],
    [{ prefix: 'p'.repeat(1000) }, /templateUrl is \d+ characters; CloudFormation accepts at most 1024/],
  ])('rejects %j', (overrides, message) => {
    expect(() => publishPlan({ ...opts, ...overrides })).toThrow(message);
  });
});

describe('upload against s3rver (the S3 wire protocol)', () => {
  let emulator: S3rverEmulator;
  let s3: S3Client;
  beforeAll(async () => {
    emulator = await startS3rver();
    s3 = new S3Client({
      region: EMULATOR_REGION,
      endpoint: emulator.endpoint,
      credentials: EMULATOR_CREDENTIALS,
      forcePathStyle: true,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'my-templates' }));
  });
  afterAll(async () => {
    s3?.destroy();
    await emulator?.stop();
  });

  it('stores the exact template as application/json with no ACL header and no public grant', async () => {
    const plan = publishPlan({ ...opts, prefix: 'siem' });
    const from = emulator.requests.length;
    await upload(plan, s3);
    const put = emulator.requests.slice(from).filter((r) => r.method === 'PUT');
    expect(put.map((r) => [r.url, r.headers['content-type'], r.headers['x-amz-acl']])).toEqual([
      ['/my-templates/siem/siem-pipeline.template.json?x-id=PutObject', 'application/json', undefined],
    ]);
    const got = await s3.send(new GetObjectCommand({ Bucket: 'my-templates', Key: 'siem/siem-pipeline.template.json' }));
    expect(got.ContentType).toBe('application/json');
    expect(await got.Body!.transformToString()).toBe(body);
    const acl = await s3.send(new GetObjectAclCommand({ Bucket: 'my-templates', Key: 'siem/siem-pipeline.template.json' }));
    expect((acl.Grants ?? []).filter((g) => g.Grantee?.URI !== undefined)).toEqual([]);
  });

  it('fails naming the bucket when it does not exist', async () => {
    await expect(upload(publishPlan({ ...opts, bucket: 'no-such-bucket' }), s3)).rejects.toThrow('bucket no-such-bucket does not exist');
  });
});

describe('npm run publish -- --dry-run', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'publish-'));
  const template = path.join(dir, 'siem-pipeline.template.json');
  writeFileSync(template, body);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  // No credentials anywhere, and an endpoint nothing listens on: any AWS call fails the command.
  const env = { PATH: process.env.PATH ?? '', HOME: dir, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_EC2_METADATA_DISABLED: 'true' };
  const run = (...extra: string[]) =>
    spawnSync(
      process.execPath,
      ['scripts/publish.mjs', '--bucket', 'my-templates', '--regions', 'us-east-1,eu-west-1', '--template', template, '--out-dir', dir, ...extra],
      {
        cwd: root,
        env,
        encoding: 'utf8',
      },
    );

  it('needs no credentials: prints the upload, URL and links and writes launch.md', () => {
    const out = run('--dry-run');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('would upload');
    expect(out.stdout).toContain('PutObject {"Bucket":"my-templates","Key":"siem-pipeline.template.json","ContentType":"application/json"}');
    expect(out.stdout).toContain('eu-west-1: https://eu-west-1.console.aws.amazon.com/cloudformation/home?region=eu-west-1#/stacks/create/review?templateURL=');
    expect(readFileSync(path.join(dir, 'launch.md'), 'utf8')).toContain('| us-east-1 | [Launch stack](https://us-east-1.console.aws.amazon.com/');
  });

  it('without --dry-run it calls S3, so in this environment it fails', () => {
    const out = run();
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^publish: /m);
  });
});
