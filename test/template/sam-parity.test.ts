import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Json, JsonObject } from './template-helpers';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { renderTemplateText } = require('../../scripts/lib/render-template.cjs') as {
  renderTemplateText(yaml: string, bundles: Record<string, string>): JsonObject;
};

const root = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
const regenerate = (source: string, fixture: string) => `/work/shared/tools/cfn/sam-translate ${source} > test/template/fixtures/${fixture}`;
const BUNDLES = { 'custom-resource': 'exports.handler = async () => {};', 'vpc-enroller': 'exports.handler = async () => {};' };

/** The code location legitimately differs (SAM: S3 upload of CodeUri and its Handler; renderer: inline index.js). */
function withoutCodeLocation(template: JsonObject): JsonObject {
  const copy = JSON.parse(JSON.stringify(template)) as JsonObject;
  for (const r of Object.values(copy.Resources as Record<string, JsonObject>)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const props = r.Properties as JsonObject;
    props.Code = '<code location>';
    props.Handler = '<handler>';
  }
  return copy;
}

/** Paths at which `a` and `b` differ (object key order ignored, array order kept). */
function differences(a: Json | undefined, b: Json | undefined, at: string): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].flatMap((k) => differences((a as JsonObject)[k], (b as JsonObject)[k], `${at}.${k}`));
  }
  return [`${at}: rendered ${JSON.stringify(a)?.slice(0, 200)}, SAM ${JSON.stringify(b)?.slice(0, 200)}`];
}

/** Every section SAM's translation has (the Description aside, which the renderer marks as transform-free). */
function parity(source: string, fixture: string): string[] {
  const rendered = withoutCodeLocation(renderTemplateText(read(source), BUNDLES));
  const sam = withoutCodeLocation(JSON.parse(read(`test/template/fixtures/${fixture}`)) as JsonObject);
  const sections = new Set([...Object.keys(rendered), ...Object.keys(sam)].filter((k) => k !== 'Description'));
  return [...sections].flatMap((s) => differences(rendered[s], sam[s], s));
}

describe("the renderer matches SAM's own translation", () => {
  it.each([
    ['template.yaml', 'template.sam.json'],
    ['test/template/fixtures/sam-properties.yaml', 'sam-properties.sam.json'],
  ])('%s: resources, policies, permissions, rules, conditions and outputs as in %s', (source, fixture) => {
    let found: string[];
    try {
      found = parity(source, fixture);
    } catch (err) {
      found = [(err as Error).message];
    }
    if (found.length > 0) {
      throw new Error(
        `the rendered ${source} differs from SAM's translation in ${fixture}:\n  ${found.join('\n  ')}\n` +
          `If ${source} changed on purpose, regenerate the translation (see test/template/fixtures/README.md):\n  ${regenerate(source, fixture)}`,
      );
    }
  });

  it('compares each section: a changed translation is noticed', () => {
    const sam = JSON.parse(read('test/template/fixtures/sam-properties.sam.json')) as JsonObject;
    const changed = JSON.parse(JSON.stringify(sam)) as JsonObject;
    ((changed.Resources as Record<string, JsonObject>).FnDisabled.Properties as JsonObject).State = 'ENABLED';
    delete (changed.Outputs as JsonObject).FnArn;
    expect(differences(withoutCodeLocation(sam), withoutCodeLocation(changed), 'T')).toEqual([
      'T.Resources.FnDisabled.Properties.State: rendered "DISABLED", SAM "ENABLED"',
      'T.Outputs.FnArn: rendered {"Condition":"UseIt","Value":{"Fn::GetAtt":["Fn","Arn"]}}, SAM undefined',
    ]);
  });
});
