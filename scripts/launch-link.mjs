// Prints the one-click launch link for a template already published to S3.
//   node scripts/launch-link.mjs --region us-east-1 --template-url https://bucket.s3.us-east-1.amazonaws.com/siem-pipeline.template.json \
//     [--stack-name siem-pipeline] [--param PipelineName=siem ...]
import { createRequire } from 'node:module';

const { launchLink } = createRequire(import.meta.url)('./lib/launch-link.cjs');

const args = process.argv.slice(2);
const opts = { stackName: 'siem-pipeline', parameters: {} };
for (let i = 0; i < args.length; i += 2) {
  const [flag, value] = [args[i], args[i + 1]];
  if (value === undefined) throw new Error(`${flag} needs a value`);
  if (flag === '--region') opts.region = value;
  else if (flag === '--template-url') opts.templateUrl = value;
  else if (flag === '--stack-name') opts.stackName = value;
  else if (flag === '--param') {
    const at = value.indexOf('=');
    if (at < 1) throw new Error(`--param takes Name=value, got ${value}`);
    opts.parameters[value.slice(0, at)] = value.slice(at + 1);
  } else throw new Error(`unknown option ${flag}; options: --region, --template-url, --stack-name, --param Name=value`);
}
console.log(launchLink(opts));
