// Renders the SAM template into a transform-free CloudFormation template: service-managed StackSets reject
// any Transform ("Transform is not supported in SERVICE_MANAGED permission model"), and a launch link needs
// a template that deploys without `sam build`. Each AWS::Serverless::Function becomes an AWS::Lambda::Function
// whose code is inlined (Code.ZipFile, index.js, CommonJS); its Schedule / EventBridgeRule events become
// AWS::Events::Rule resources with a Lambda permission scoped to that rule (aws:SourceArn).
'use strict';

const { yamlParse } = require('yaml-cfn');
const path = require('node:path');

/** CloudFormation's limit for a template body passed by TemplateURL. */
const MAX_TEMPLATE_BYTES = 1_000_000;

/** Function properties that carry over unchanged to AWS::Lambda::Function. */
const CARRIED = [
  'Architectures',
  'Description',
  'Environment',
  'LoggingConfig',
  'MemorySize',
  'ReservedConcurrentExecutions',
  'Role',
  'Runtime',
  'Timeout',
  'TracingConfig',
];

/** The bundle name of a SAM function: the base name of its esbuild entry point. */
function bundleNameOf(id, fn) {
  const entry = fn.Metadata && fn.Metadata.BuildProperties && fn.Metadata.BuildProperties.EntryPoints && fn.Metadata.BuildProperties.EntryPoints[0];
  if (!entry) throw new Error(`${id}: Metadata.BuildProperties.EntryPoints is required to find its bundle`);
  return path.basename(entry).replace(/\.[cm]?[jt]s$/, '');
}

function convertEvent(fnId, eventId, event, condition) {
  const target = { Arn: { 'Fn::GetAtt': [fnId, 'Arn'] }, Id: `${fnId}${eventId}` };
  const p = event.Properties || {};
  let rule;
  if (event.Type === 'Schedule') {
    rule = { ScheduleExpression: p.Schedule, State: p.Enabled === false ? 'DISABLED' : 'ENABLED', Targets: [target] };
  } else if (event.Type === 'EventBridgeRule' || event.Type === 'CloudWatchEvent') {
    rule = { EventPattern: p.Pattern, State: p.State || 'ENABLED', Targets: [target] };
  } else {
    throw new Error(`${fnId}.${eventId}: event type ${event.Type} is not supported by the renderer`);
  }
  if (p.Description) rule.Description = p.Description;
  const ruleId = `${fnId}${eventId}`;
  // The function's Condition holds for its rule and permission too, or they would point at nothing.
  const when = condition === undefined ? {} : { Condition: condition };
  return {
    [ruleId]: { Type: 'AWS::Events::Rule', ...when, Properties: rule },
    [`${ruleId}Permission`]: {
      Type: 'AWS::Lambda::Permission',
      ...when,
      Properties: {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: fnId },
        Principal: 'events.amazonaws.com',
        SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
      },
    },
  };
}

/**
 * Returns the transform-free template as an object.
 * `bundles` maps bundle name (e.g. "custom-resource") to the bundled CommonJS code of that function.
 */
function renderTemplate(samTemplate, bundles) {
  const t = JSON.parse(JSON.stringify(samTemplate));
  if (t.Transform !== 'AWS::Serverless-2016-10-31') throw new Error(`expected the SAM transform, found ${JSON.stringify(t.Transform)}`);
  if (t.Globals) throw new Error('Globals are not supported by the renderer: set properties on each function');
  delete t.Transform;
  const out = {};
  for (const [id, res] of Object.entries(t.Resources)) {
    if (res.Type !== 'AWS::Serverless::Function') {
      if (String(res.Type).startsWith('AWS::Serverless::')) throw new Error(`${id}: ${res.Type} is not supported by the renderer`);
      out[id] = res;
      continue;
    }
    const name = bundleNameOf(id, res);
    const code = bundles[name];
    if (typeof code !== 'string' || code.length === 0) throw new Error(`${id}: no bundle named ${name} (run npm run build)`);
    const props = {};
    for (const key of CARRIED) if (res.Properties[key] !== undefined) props[key] = res.Properties[key];
    props.Code = { ZipFile: code };
    props.Handler = 'index.handler';
    const fn = { Type: 'AWS::Lambda::Function', Properties: props };
    for (const key of ['Condition', 'DependsOn']) if (res[key] !== undefined) fn[key] = res[key];
    out[id] = fn;
    for (const [eventId, event] of Object.entries(res.Properties.Events || {})) Object.assign(out, convertEvent(id, eventId, event, res.Condition));
  }
  t.Resources = out;
  t.Description = `${t.Description || ''} (transform-free build for launch links and StackSets)`.trim();
  const bytes = Buffer.byteLength(JSON.stringify(t));
  if (bytes > MAX_TEMPLATE_BYTES) throw new Error(`rendered template is ${bytes} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}`);
  return t;
}

/** Parses a SAM template's YAML text (CloudFormation short tags included) and renders it. */
function renderTemplateText(yamlText, bundles) {
  return renderTemplate(yamlParse(yamlText), bundles);
}

module.exports = { renderTemplate, renderTemplateText, MAX_TEMPLATE_BYTES };
