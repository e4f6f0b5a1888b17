import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * src/ is laid out as the data flow (docs/ARCHITECTURE.md): entry points first, then the layers they call.
 * A file may import its own layer or any layer below it, never one above; the two entry points (the Lambda
 * handlers and the CLI) do not import each other. Sources use components (the contract, helpers, factories);
 * components know no source.
 */
const LAYERS: readonly (readonly string[])[] = [['handlers', 'cli'], ['engine'], ['sources'], ['components'], ['config'], ['aws'], ['support']];

const SRC = path.resolve(__dirname, '../../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The top folder of src/ a file lives in. */
function topFolder(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0];
}

function rank(folder: string): number {
  return LAYERS.findIndex((layer) => layer.includes(folder));
}

/** Relative imports of a file, as files under src/ (TypeScript's own pre-processor finds them). */
export function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s));
}

/** Every import that runs up the layers or across the two entry points, as "from -> to" lines. */
export function layerViolations(files: readonly string[], read: (f: string) => string = (f) => readFileSync(f, 'utf8')): string[] {
  const problems: string[] = [];
  for (const file of files) {
    const from = topFolder(file);
    for (const target of importsOf(file, read(file))) {
      const to = topFolder(target);
      if (to === from) continue;
      const upward = rank(to) < rank(from);
      const sideways = rank(to) === rank(from) && rank(from) === 0;
      if (upward || sideways) problems.push(`${path.relative(SRC, file)} -> ${path.relative(SRC, target)} (${from} may not import ${to})`);
    }
  }
  return problems;
}

describe('src/ layers', () => {
  const files = sourceFiles(SRC);

  it('has only the folders of the data flow at its top', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).map((e) => (e.isDirectory() ? e.name : `${e.name} (a file)`));
    expect(folders.filter((f) => rank(f) < 0)).toEqual([]);
    expect(folders.sort()).toEqual(LAYERS.flat().sort());
  });

  it('has no import that runs up the layers', () => {
    expect(layerViolations(files)).toEqual([]);
  });

  it.each([
    ['components/logs/log-group.ts', "import { x } from '../../engine/engine';", 'components may not import engine'],
    ['config/names.ts', "import type { X } from '../sources/types';", 'config may not import sources'],
    ['cli/main.ts', "import { handler } from '../handlers/custom-resource';", 'cli may not import handlers'],
    ['support/log.ts', "export { y } from '../aws/clients';", 'support may not import aws'],
    ['components/logs/log-group.ts', "import { z } from '../../sources/cloudtrail/scope';", 'components may not import sources'],
  ])('reports an upward import in %s', (file, line, message) => {
    const abs = path.join(SRC, file);
    expect(layerViolations([abs], () => line)).toEqual([expect.stringContaining(message)]);
  });

  it('allows imports down the layers and within one layer', () => {
    const abs = path.join(SRC, 'engine/engine.ts');
    const text = "import { a } from '../sources/registry';\nimport { b } from '../support/log';\nimport { c } from './plan';";
    expect(layerViolations([abs], () => text)).toEqual([]);
  });
});
