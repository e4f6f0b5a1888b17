import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';

/** Issue 8, point 4: no source, test or script file over this many lines. */
const MAX_LINES = 300;
const ROOT = join(__dirname, '..', '..');
const SCANNED = ['src', 'test', 'scripts'];

/** Lines in a text, counted as `wc -l` does plus a last line without a newline. */
function lineCount(text: string): number {
  const newlines = text.split('\n').length - 1;
  return text.endsWith('\n') || text === '' ? newlines : newlines + 1;
}

/** Every .ts/.mjs file under `dirs` of `root` (node_modules skipped), as `path: N lines` when over `max`. */
function oversized(root: string, dirs: readonly string[], max: number): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // a scanned folder that does not exist holds no file
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(path);
      } else if (/\.(ts|mjs)$/.test(e.name)) {
        const lines = lineCount(readFileSync(path, 'utf8'));
        if (lines > max) found.push(`${relative(root, path).split(sep).join('/')}: ${lines} lines`);
      }
    }
  };
  for (const d of dirs) walk(join(root, d));
  return found.sort();
}

describe('file size (issue 8: no file over 300 lines)', () => {
  it('no .ts or .mjs file under src/, test/ or scripts/ is over 300 lines', () => {
    const over = oversized(ROOT, SCANNED, MAX_LINES);
    expect(over).toEqual([]);
  });

  describe('the check itself', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'file-size-'));
      mkdirSync(join(dir, 'src', 'deep'), { recursive: true });
      mkdirSync(join(dir, 'scripts'));
      mkdirSync(join(dir, 'src', 'node_modules'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('names each long file and its line count, and passes files of exactly the limit', () => {
      writeFileSync(join(dir, 'src', 'deep', 'long.ts'), 'x;\n'.repeat(301));
      writeFileSync(join(dir, 'scripts', 'long.mjs'), 'x;\n'.repeat(400) + 'y;');
      writeFileSync(join(dir, 'src', 'ok.ts'), 'x;\n'.repeat(300));
      writeFileSync(join(dir, 'src', 'notes.md'), 'x\n'.repeat(500));
      writeFileSync(join(dir, 'src', 'node_modules', 'dep.ts'), 'x;\n'.repeat(500));
      expect(oversized(dir, SCANNED, MAX_LINES)).toEqual(['scripts/long.mjs: 401 lines', 'src/deep/long.ts: 301 lines']);
    });

    it.each<[string, number]>([
      ['', 0],
      ['a', 1],
      ['a\n', 1],
      ['a\nb', 2],
    ])('counts %j as %i lines', (text, lines) => {
      expect(lineCount(text)).toBe(lines);
    });
  });
});
