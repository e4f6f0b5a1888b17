// Builds the CloudFormation console's one-click "create stack" link for a published template.
'use strict';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;

/** The console host of a region's partition. */
function consoleHost(region) {
  if (region.startsWith('cn-')) return `${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return `${region}.console.aws.amazon.com`;
}

/**
 * `https://<region>.console.aws.amazon.com/cloudformation/home?region=<region>#/stacks/create/review?templateURL=...&stackName=...&param_<Name>=<value>`
 * Throws on a bad region, stack name or template URL (it must be an https S3 URL: the console loads nothing else).
 */
function launchLink({ region, templateUrl, stackName, parameters = {} }) {
  if (!REGION.test(region || '')) throw new Error(`region '${region}' is not a region name such as us-east-1`);
  if (!STACK_NAME.test(stackName || '')) throw new Error(`stackName '${stackName}' must start with a letter and hold only letters, digits and hyphens (at most 128)`);
  let url;
  try {
    url = new URL(templateUrl);
  } catch {
    throw new Error(`templateUrl '${templateUrl}' is not a URL`);
  }
  if (url.protocol !== 'https:' || !/(^|\.)s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/.test(url.hostname)) {
    throw new Error(`templateUrl must be an https Amazon S3 URL, got ${url.origin}`);
  }
  const query = [
    `templateURL=${encodeURIComponent(templateUrl)}`,
    `stackName=${encodeURIComponent(stackName)}`,
    ...Object.entries(parameters).map(([k, v]) => {
      if (!/^[A-Za-z0-9]+$/.test(k)) throw new Error(`parameter name '${k}' must be alphanumeric`);
      return `param_${k}=${encodeURIComponent(String(v))}`;
    }),
  ].join('&');
  return `https://${consoleHost(region)}/cloudformation/home?region=${region}#/stacks/create/review?${query}`;
}

module.exports = { launchLink };
