// Rolls the pipeline out to organizational units with a service-managed StackSet (automatic deployment to
// new accounts), from the template `npm run publish` put in S3.
//   npm run stackset -- create|update --ous ou-ab12-cdef3456,... --regions us-east-1,eu-west-1 --home-region us-east-1
//     [--template-url URL (default: from --published dist/published.json)] [--name siem-pipeline] [--call-as SELF|DELEGATED_ADMIN]
//     [--failure-tolerance 10%] [--max-concurrent 25%] [--concurrency-mode SOFT_FAILURE_TOLERANCE]
//     [--region-concurrency PARALLEL] [--admin-region R] [--param Name=value ...] [--dry-run]
// --dry-run prints the exact API requests as JSON (NoEcho values masked) and calls nothing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { stackSetRequests, printable, sendRequests } = require('./lib/stackset.cjs');
const { RENDERED_TEMPLATE, readRenderedTemplate } = require('./lib/rendered-template.cjs');
const { parseParams } = require('./lib/params.cjs');

const list = (v) => (v ? v.split(',').map((s) => s.trim()) : []);

/** The URL `npm run publish` recorded in `file`; refused for a real run when that publish was only a dry run. */
function publishedUrl(file, dryRun) {
  let published;
  try {
    published = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Error(`no --template-url and no ${file}: run npm run publish first or pass --template-url`);
  }
  if (published.dryRun && !dryRun) throw new Error(`${published.templateUrl} was only planned (publish --dry-run): publish it or pass --template-url`);
  return published.templateUrl;
}

try {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      ous: { type: 'string' },
      regions: { type: 'string' },
      'home-region': { type: 'string' },
      'template-url': { type: 'string' },
      name: { type: 'string', default: 'siem-pipeline' },
      'call-as': { type: 'string' },
      'failure-tolerance': { type: 'string' },
      'max-concurrent': { type: 'string' },
      'concurrency-mode': { type: 'string' },
      'region-concurrency': { type: 'string' },
      'admin-region': { type: 'string' },
      param: { type: 'string', multiple: true, default: [] },
      template: { type: 'string', default: RENDERED_TEMPLATE },
      published: { type: 'string', default: path.join(path.dirname(RENDERED_TEMPLATE), 'published.json') },
      'dry-run': { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (positionals.length !== 1) throw new Error('give one action: create or update');
  const dryRun = values['dry-run'];
  const { template } = readRenderedTemplate(values.template);
  const requests = stackSetRequests({
    action: positionals[0],
    template,
    templateUrl: values['template-url'] ?? publishedUrl(values.published, dryRun),
    stackSetName: values.name,
    ous: list(values.ous),
    regions: list(values.regions),
    homeRegion: values['home-region'],
    callAs: values['call-as'],
    failureTolerance: values['failure-tolerance'],
    maxConcurrent: values['max-concurrent'],
    concurrencyMode: values['concurrency-mode'],
    regionConcurrency: values['region-concurrency'],
    parameters: parseParams(values.param),
  });
  // The StackSet lives in the administrator's region (default: the trail's home region).
  const adminRegion = values['admin-region'] ?? values['home-region'];
  if (dryRun) {
    console.log(JSON.stringify({ region: adminRegion, requests: printable(requests, template) }, null, 2));
  } else {
    const { CloudFormationClient } = require('@aws-sdk/client-cloudformation');
    const client = new CloudFormationClient({ region: adminRegion });
    try {
      const responses = await sendRequests(requests, client);
      requests.forEach((r, i) =>
        console.log(`${r.command}: ${JSON.stringify({ StackSetId: responses[i].StackSetId, OperationId: responses[i].OperationId })}`),
      );
    } finally {
      client.destroy();
    }
  }
} catch (err) {
  console.error(`stackset: ${err.message}`);
  process.exitCode = 1;
}
