// Writes the README's parameter table (between its markers) from the registry's parameters (src/sources):
// bundles src/sources/docs-table.ts with esbuild to dist/docs/, then rewrites README.md only when it changed.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleTs } from './bench/run-ts.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'docs', 'docs-table.cjs');
await bundleTs(path.join(root, 'src', 'sources', 'docs-table.ts'), outfile);
const { withParameterTable } = createRequire(import.meta.url)(outfile);
const readmePath = path.join(root, 'README.md');
const before = readFileSync(readmePath, 'utf8');
const after = withParameterTable(before);
if (after === before) {
  console.log('README.md parameter table is current');
} else {
  writeFileSync(readmePath, after);
  console.log('README.md parameter table written');
}
