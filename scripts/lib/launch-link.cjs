// Builds the CloudFormation console's one-click "create stack" link for a published template.
'use strict';

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
/** CreateStack's TemplateURL is at most 1,024 characters; the console passes it on unchanged. */
const MAX_TEMPLATE_URL = 1024;

/** The console host of a region's partition. */
function consoleHost(region) {
  if (region.startsWith('cn-')) return `${region}.console.amazonaws.cn`;
  if (region.startsWith('us-gov-')) return 'console.amazonaws-us-gov.com';
  return `${region}.console.aws.amazon.com`;
}

/** Throws unless `templateUrl` is an https Amazon S3 URL within CloudFormation's length limit. */
function checkTemplateUrl(templateUrl) {
  let url;
  try {
    url = new URL(templateUrl);
  } catch {
    throw new Error(`templateUrl '${templateUrl}' is not a URL`);
  }
  if (url.protocol !== 'https:' || !/(^|\.)s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/.test(url.hostname)) {
    throw new Error(`templateUrl must be an https Amazon S3 URL, got ${url.origin}`);
  }
  if (templateUrl.length > MAX_TEMPLATE_URL) {
    throw new Error(`templateUrl is ${templateUrl.length} characters; CloudFormation accepts at most ${MAX_TEMPLATE_URL} (use a shorter bucket key or prefix)`);
  }
}

/**
 * Throws on a parameter the template does not declare (listing those it does), on a NoEcho parameter (the
 * console ignores URL values of NoEcho parameters, and a secret must not sit in a link) and on a value
 * outside the parameter's AllowedValues or AllowedPattern.
 */
function checkParameters(parameters, declared) {
  const valid = Object.keys(declared);
  for (const [name, value] of Object.entries(parameters)) {
    const p = declared[name];
    if (p === undefined) throw new Error(`unknown parameter '${name}'; the template's parameters are: ${valid.join(', ')}`);
    if (p.NoEcho === true || p.NoEcho === 'true') {
      throw new Error(
        `parameter '${name}' is NoEcho: enter it in the console, never in a link (the console ignores it there and the URL would carry the secret)`,
      );
    }
    const text = String(value);
    if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(text)) {
      throw new Error(`parameter '${name}' must be one of ${p.AllowedValues.join(', ')}, got '${text}'`);
    }
    if (typeof p.AllowedPattern === 'string' && !new RegExp(`^(?:${p.AllowedPattern})$`).test(text)) {
      throw new Error(`parameter '${name}' does not match ${p.AllowedPattern}: ${p.ConstraintDescription || text}`);
    }
  }
}

/**
 * `https://<region>.console.aws.amazon.com/cloudformation/home?region=<region>#/stacks/create/review?templateURL=...&stackName=...&param_<Name>=<value>`
 * `templateParameters` is the template's Parameters section: every `param_` is checked against it.
 * Throws on a bad region, stack name, template URL or parameter.
 */
function launchLink({ region, templateUrl, stackName, parameters = {}, templateParameters }) {
  if (!REGION.test(region || '')) throw new Error(`region '${region}' is not a region name such as us-east-1`);
  if (!STACK_NAME.test(stackName || ''))
    throw new Error(`stackName '${stackName}' must start with a letter and hold only letters, digits and hyphens (at most 128)`);
  checkTemplateUrl(templateUrl);
  if (!templateParameters || typeof templateParameters !== 'object')
    throw new Error('templateParameters (the Parameters section of the template) is required to check the link');
  checkParameters(parameters, templateParameters);
  const query = [
    `templateURL=${encodeURIComponent(templateUrl)}`,
    `stackName=${encodeURIComponent(stackName)}`,
    ...Object.entries(parameters).map(([k, v]) => `param_${k}=${encodeURIComponent(String(v))}`),
  ].join('&');
  return `https://${consoleHost(region)}/cloudformation/home?region=${region}#/stacks/create/review?${query}`;
}

module.exports = { launchLink, checkTemplateUrl, MAX_TEMPLATE_URL };
