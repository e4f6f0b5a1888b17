// Prints the one-click launch link for a template already published to S3.
//   node scripts/launch-link.mjs --region us-east-1 --template-url https://bucket.s3.us-east-1.amazonaws.com/siem-pipeline.template.json \
//     [--stack-name siem-pipeline] [--param PipelineName=siem ...] [--template dist/siem-pipeline.template.json]
// Parameters are checked against the template: unknown names and NoEcho parameters are refused.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { launchLink } = require('./lib/launch-link.cjs');
const { RENDERED_TEMPLATE, readRenderedTemplate } = require('./lib/rendered-template.cjs');
const { parseParams } = require('./lib/params.cjs');

try {
  const { values } = parseArgs({
    options: {
      region: { type: 'string' },
      'template-url': { type: 'string' },
      'stack-name': { type: 'string', default: 'siem-pipeline' },
      param: { type: 'string', multiple: true, default: [] },
      template: { type: 'string', default: RENDERED_TEMPLATE },
    },
    strict: true,
  });
  const { template } = readRenderedTemplate(values.template);
  console.log(
    launchLink({
      region: values.region,
      templateUrl: values['template-url'],
      stackName: values['stack-name'],
      parameters: parseParams(values.param),
      templateParameters: template.Parameters,
    }),
  );
} catch (err) {
  console.error(`launch-link: ${err.message}`);
  process.exitCode = 1;
}
