// Publishes the rendered template to S3 and writes dist/launch.md with a launch link per region.
//   npm run publish -- --bucket B --regions us-east-1,eu-west-1 [--bucket-region R] [--prefix P]
//     [--stack-name siem-pipeline] [--org-id o-... | --reader-accounts 111111111111,...] [--out-dir dist] [--dry-run]
// --dry-run prints what it would upload and writes dist/launch.md without calling AWS (no credentials needed).
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { publishPlan, launchMarkdown, upload } = require('./lib/publish.cjs');
const { RENDERED_TEMPLATE, readRenderedTemplate } = require('./lib/rendered-template.cjs');

const list = (v) => (v ? v.split(',').map((s) => s.trim()) : []);

try {
  const { values } = parseArgs({
    options: {
      bucket: { type: 'string' },
      regions: { type: 'string' },
      'bucket-region': { type: 'string' },
      prefix: { type: 'string', default: '' },
      'stack-name': { type: 'string', default: 'siem-pipeline' },
      'org-id': { type: 'string' },
      'reader-accounts': { type: 'string' },
      template: { type: 'string', default: RENDERED_TEMPLATE },
      'out-dir': { type: 'string', default: path.dirname(RENDERED_TEMPLATE) },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const { template, body } = readRenderedTemplate(values.template);
  const plan = publishPlan({
    bucket: values.bucket,
    regions: list(values.regions),
    bucketRegion: values['bucket-region'],
    prefix: values.prefix,
    stackName: values['stack-name'],
    orgId: values['org-id'],
    readerAccounts: list(values['reader-accounts']),
    body,
    templateParameters: template.Parameters,
  });
  const dryRun = values['dry-run'];
  console.log(`${dryRun ? 'would upload' : 'uploading'} ${values.template} (${Buffer.byteLength(body)} bytes, sha256 ${plan.sha256})`);
  console.log(`PutObject ${JSON.stringify(plan.putObject)}`);
  if (!dryRun) {
    const { S3Client } = require('@aws-sdk/client-s3');
    // An endpoint override (AWS_ENDPOINT_URL, e.g. an emulator) takes path-style addressing.
    const s3 = new S3Client({ region: plan.bucketRegion, forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });
    try {
      await upload(plan, s3);
    } finally {
      s3.destroy();
    }
    console.log(`uploaded s3://${plan.putObject.Bucket}/${plan.putObject.Key}`);
  }
  const out = path.join(values['out-dir'], 'launch.md');
  await writeFile(out, launchMarkdown(plan));
  // `npm run stackset` reads the template URL from here when --template-url is not given.
  await writeFile(path.join(values['out-dir'], 'published.json'), JSON.stringify({ templateUrl: plan.templateUrl, sha256: plan.sha256, dryRun }, null, 2));
  console.log(`template URL: ${plan.templateUrl}`);
  for (const l of plan.links) console.log(`${l.region}: ${l.url}`);
  if (plan.bucketPolicy) console.log(`bucket policy statement for readers in other accounts:\n${JSON.stringify(plan.bucketPolicy, null, 2)}`);
  else console.log("only the bucket owner's account can read the template; pass --org-id or --reader-accounts for the bucket policy other accounts need");
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
} catch (err) {
  console.error(`publish: ${err.message}`);
  process.exitCode = 1;
}
