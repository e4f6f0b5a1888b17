// Runs a TypeScript bench entry (it imports src/ and the fake account from test/fake): bundled by esbuild to
// dist/bench/<name>.cjs with node_modules external, run with node; its stdout is one JSON document.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { build } from 'esbuild';

/** Bundles one TypeScript entry to a CommonJS file that node can run or require (node_modules external). */
export async function bundleTs(entry, outfile) {
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', logLevel: 'warning' });
}

/** Bundles `scripts/bench/<name>.ts` and runs it with `args`; returns its parsed JSON output. */
export async function runBenchEntry(root, name, args) {
  const outfile = path.join(root, 'dist', 'bench', `${name}.cjs`);
  await bundleTs(path.join(root, 'scripts', 'bench', `${name}.ts`), outfile);
  const result = spawnSync(process.execPath, ['--no-warnings', outfile, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${name} failed (exit ${result.status}): ${result.stderr.trim()}`);
  return JSON.parse(result.stdout);
}
