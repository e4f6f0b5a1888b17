// Renders the SAM template into a transform-free CloudFormation template: service-managed StackSets reject
// any Transform ("Transform is not supported in SERVICE_MANAGED permission model"), and a launch link needs
// a template that deploys without `sam build`. Each AWS::Serverless::Function becomes what SAM's translator
// makes of it (sam-function.cjs), with its code inlined (Code.ZipFile, index.js, CommonJS).
'use strict';

const { yamlParse } = require('yaml-cfn');
const path = require('node:path');
const { renderFunction, RenderError } = require('./sam-function.cjs');

/** CloudFormation's limit for a template body passed by TemplateURL. */
const MAX_TEMPLATE_BYTES = 1_000_000;

/** The bundle name of a SAM function: the base name of its esbuild entry point. */
function bundleNameOf(id, fn) {
  const entry = fn.Metadata && fn.Metadata.BuildProperties && fn.Metadata.BuildProperties.EntryPoints && fn.Metadata.BuildProperties.EntryPoints[0];
  if (!entry) throw new RenderError(`${id}: Metadata.BuildProperties.EntryPoints is required to find its bundle`);
  return path.basename(entry).replace(/\.[cm]?[jt]s$/, '');
}

/**
 * Returns the transform-free template as an object.
 * `bundles` maps bundle name (e.g. "custom-resource") to the bundled CommonJS code of that function.
 */
function renderTemplate(samTemplate, bundles) {
  const t = JSON.parse(JSON.stringify(samTemplate));
  if (t.Transform !== 'AWS::Serverless-2016-10-31') throw new RenderError(`expected the SAM transform, found ${JSON.stringify(t.Transform)}`);
  if (t.Globals) throw new RenderError('Globals are not supported by the renderer: set properties on each function');
  delete t.Transform;
  const out = {};
  for (const [id, res] of Object.entries(t.Resources)) {
    if (res.Type !== 'AWS::Serverless::Function') {
      if (String(res.Type).startsWith('AWS::Serverless::')) throw new RenderError(`${id}: ${res.Type} is not supported by the renderer`);
      out[id] = res;
      continue;
    }
    const name = bundleNameOf(id, res);
    const code = bundles[name];
    if (typeof code !== 'string' || code.length === 0) throw new RenderError(`${id}: no bundle named ${name} (run npm run build)`);
    for (const [newId, resource] of Object.entries(renderFunction(id, res, code))) {
      if (newId !== id && (newId in t.Resources || newId in out)) throw new RenderError(`${id}: the resource ${newId} it makes already exists in the template`);
      out[newId] = resource;
    }
  }
  t.Resources = out;
  t.Description = `${t.Description || ''} (transform-free build for launch links and StackSets)`.trim();
  const bytes = Buffer.byteLength(JSON.stringify(t));
  if (bytes > MAX_TEMPLATE_BYTES) throw new RenderError(`rendered template is ${bytes} bytes; CloudFormation accepts at most ${MAX_TEMPLATE_BYTES}`);
  return t;
}

/** Parses a SAM template's YAML text (CloudFormation short tags included) and renders it. */
function renderTemplateText(yamlText, bundles) {
  return renderTemplate(yamlParse(yamlText), bundles);
}

module.exports = { renderTemplate, renderTemplateText, MAX_TEMPLATE_BYTES, RenderError };
