// Where `npm run build` writes the transform-free template, and reading it back.
'use strict';

const { readFileSync } = require('node:fs');
const path = require('node:path');

/** dist/siem-pipeline.template.json, relative to the repository root. */
const RENDERED_TEMPLATE = path.join(__dirname, '..', '..', 'dist', 'siem-pipeline.template.json');

/** The rendered template as an object; a clear error when the build has not run. */
function readRenderedTemplate(file = RENDERED_TEMPLATE) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${file} (run npm run build first): ${err.code || err.message}`);
  }
  return { template: JSON.parse(text), body: text };
}

module.exports = { RENDERED_TEMPLATE, readRenderedTemplate };
