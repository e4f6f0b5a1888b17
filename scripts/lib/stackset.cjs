// The CloudFormation requests that roll the pipeline out to organizational units with a service-managed
// StackSet: planned purely (dry-run prints them), sent in order by `sendRequests`.
'use strict';

const { CreateStackInstancesCommand, CreateStackSetCommand, UpdateStackSetCommand } = require('@aws-sdk/client-cloudformation');
const { checkTemplateUrl } = require('./launch-link.cjs');
const { requiredCapabilities, serviceManagedProblems } = require('./service-managed.cjs');

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
// Organizations ids: an OU (ou-<root>-<ou>) or the root (r-...).
const OU = /^(ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|r-[a-z0-9]{4,32})$/;
const STACK_SET_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const COMMANDS = { CreateStackSet: CreateStackSetCommand, CreateStackInstances: CreateStackInstancesCommand, UpdateStackSet: UpdateStackSetCommand };

/** `"3"` -> `{ Count: 3 }`, `"10%"` -> `{ Percentage: 10 }`. */
function countOrPercentage(flag, value, min) {
  const m = /^(\d+)(%?)$/.exec(String(value));
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < min || (m[2] && n > 100)) throw new Error(`${flag} takes a number (at least ${min}) or a percentage such as 10%, got '${value}'`);
  return m[2] ? { Percentage: n } : { Count: n };
}

function oneOf(flag, value, allowed) {
  if (!allowed.includes(value)) throw new Error(`${flag} must be one of ${allowed.join(', ')}, got '${value}'`);
  return value;
}

/** OperationPreferences: failure tolerance and concurrency per region; the trail's home region goes first. */
function operationPreferences(o, regions) {
  const tolerance = countOrPercentage('--failure-tolerance', o.failureTolerance ?? '10%', 0);
  const concurrent = countOrPercentage('--max-concurrent', o.maxConcurrent ?? '25%', 1);
  return {
    ...(tolerance.Count !== undefined ? { FailureToleranceCount: tolerance.Count } : { FailureTolerancePercentage: tolerance.Percentage }),
    ...(concurrent.Count !== undefined ? { MaxConcurrentCount: concurrent.Count } : { MaxConcurrentPercentage: concurrent.Percentage }),
    ConcurrencyMode: oneOf('--concurrency-mode', o.concurrencyMode ?? 'SOFT_FAILURE_TOLERANCE', ['STRICT_FAILURE_TOLERANCE', 'SOFT_FAILURE_TOLERANCE']),
    RegionConcurrencyType: oneOf('--region-concurrency', o.regionConcurrency ?? 'PARALLEL', ['SEQUENTIAL', 'PARALLEL']),
    ...(regions ? { RegionOrder: regions } : {}),
  };
}

/**
 * Stack parameters: TrailHomeRegion from --home-region, the rest from --param, all checked against the
 * template. On update, every parameter not given keeps its previous value (UpdateStackSet would otherwise
 * reset it to the template default).
 */
function stackParameters(template, homeRegion, extra, action) {
  const declared = template.Parameters || {};
  if ('TrailHomeRegion' in extra) throw new Error('set the trail home region with --home-region, not --param TrailHomeRegion');
  const all = { TrailHomeRegion: homeRegion, ...extra };
  for (const name of Object.keys(all)) {
    if (!(name in declared)) throw new Error(`unknown parameter '${name}'; the template's parameters are: ${Object.keys(declared).join(', ')}`);
  }
  const given = Object.entries(all).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue: String(ParameterValue) }));
  if (action === 'create') return given;
  return [
    ...given,
    ...Object.keys(declared)
      .filter((k) => !(k in all))
      .map((ParameterKey) => ({ ParameterKey, UsePreviousValue: true })),
  ];
}

/**
 * The requests of `create` (CreateStackSet, then CreateStackInstances) or `update` (UpdateStackSet), each
 * `{ command, input }`. The template goes by TemplateURL: TemplateBody is limited to 51,200 bytes.
 */
function stackSetRequests(o) {
  const action = oneOf('the action', o.action, ['create', 'update']);
  const problems = serviceManagedProblems(o.template);
  if (problems.length > 0) throw new Error(`a service-managed StackSet refuses this template: ${problems.join('; ')}`);
  if (!STACK_SET_NAME.test(o.stackSetName || ''))
    throw new Error(`--name '${o.stackSetName}' must start with a letter and hold only letters, digits and hyphens`);
  checkTemplateUrl(o.templateUrl);
  if (!REGION.test(o.homeRegion || ''))
    throw new Error(`--home-region '${o.homeRegion}' is not a region name such as us-east-1 (the one region that creates the multi-region trail)`);
  const ous = o.ous || [];
  const regions = o.regions && o.regions.length > 0 ? o.regions : undefined;
  for (const ou of ous)
    if (!OU.test(ou)) throw new Error(`--ous: '${ou}' is not an organizational unit id such as ou-ab12-cdef3456 or a root id such as r-ab12`);
  for (const r of regions || []) if (!REGION.test(r)) throw new Error(`--regions: '${r}' is not a region name such as us-east-1`);
  if (action === 'create' && (ous.length === 0 || !regions)) throw new Error('create needs --ous and --regions');
  if ((ous.length === 0) !== !regions) throw new Error('give --ous and --regions together');
  if (regions && !regions.includes(o.homeRegion))
    throw new Error(`--home-region ${o.homeRegion} is not among --regions ${regions.join(',')}: no stack would create the trail`);
  const ordered = regions && [o.homeRegion, ...regions.filter((r) => r !== o.homeRegion)];
  const callAs = o.callAs === undefined ? {} : { CallAs: oneOf('--call-as', o.callAs, ['SELF', 'DELEGATED_ADMIN']) };
  const shared = {
    StackSetName: o.stackSetName,
    TemplateURL: o.templateUrl,
    Parameters: stackParameters(o.template, o.homeRegion, o.parameters || {}, action),
    Capabilities: requiredCapabilities(o.template),
    AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
    ...callAs,
  };
  const preferences = operationPreferences(o, ordered);
  const targets = ordered ? { DeploymentTargets: { OrganizationalUnitIds: ous }, Regions: ordered } : {};
  if (action === 'update') return [{ command: 'UpdateStackSet', input: { ...shared, ...targets, OperationPreferences: preferences } }];
  return [
    {
      command: 'CreateStackSet',
      input: { ...shared, Description: 'aws-siem-pipeline: one Kinesis stream per account and region for a SIEM', PermissionModel: 'SERVICE_MANAGED' },
    },
    { command: 'CreateStackInstances', input: { StackSetName: o.stackSetName, ...targets, OperationPreferences: preferences, ...callAs } },
  ];
}

/** The requests as the dry run prints them: NoEcho parameter values masked. */
function printable(requests, template) {
  const noEcho = new Set(
    Object.entries(template.Parameters || {})
      .filter(([, p]) => p.NoEcho === true || p.NoEcho === 'true')
      .map(([k]) => k),
  );
  return requests.map((r) => ({
    command: r.command,
    input: r.input.Parameters
      ? { ...r.input, Parameters: r.input.Parameters.map((p) => (noEcho.has(p.ParameterKey) ? { ...p, ParameterValue: '****' } : p)) }
      : r.input,
  }));
}

/** Sends the requests in order; returns each response (the operation ids of instance operations). */
async function sendRequests(requests, client) {
  const out = [];
  for (const r of requests) out.push(await client.send(new COMMANDS[r.command](r.input)));
  return out;
}

module.exports = { stackSetRequests, printable, sendRequests };
