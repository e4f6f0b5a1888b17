import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
/** The README's shell blocks, continuation lines joined. */
const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
  m[1]
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .filter(Boolean),
);

describe("the README's deploy commands fit the API limits", () => {
  it('never sends the template inline (TemplateBody is limited to 51,200 bytes)', () => {
    expect(commands.filter((c) => /--template-body|create-stack-set|create-stack --/.test(c))).toEqual([]);
  });

  it('deploys packaged templates through S3', () => {
    const deploys = commands.filter((c) => c.startsWith('aws cloudformation deploy'));
    expect(deploys.length).toBeGreaterThan(0);
    expect(deploys.filter((c) => !c.includes('--s3-bucket'))).toEqual([]);
  });

  it('names only npm scripts that exist', () => {
    const used = commands.flatMap((c) => [...c.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]));
    expect(used).toEqual(expect.arrayContaining(['publish', 'stackset', 'launch-link']));
    expect(used.filter((name) => !(name in scripts))).toEqual([]);
  });
});
