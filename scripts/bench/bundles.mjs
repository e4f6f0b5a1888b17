// Bench section: size of each Lambda bundle and of the rendered template, module load of each bundle over a bare
// node start, and a cold invocation of each function (load + first request) against the fake account.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { runBenchEntry } from './run-ts.mjs';
import { median } from './stats.mjs';
import { formatTable } from './table.mjs';

/** The Lambda functions' bundles and the issue's size target for each, in KB (1000 bytes). */
export const FUNCTIONS = [
  { name: 'custom-resource', targetKb: 100 },
  { name: 'vpc-enroller', targetKb: 30 },
];
const TEMPLATE = { file: 'dist/siem-pipeline.template.json', targetKb: 250 };
/** Module load over a bare node start, per bundle. */
const LOAD_TARGET_MS = 50;

const kb = (bytes) => (bytes / 1000).toFixed(1);
const ms = (n) => n.toFixed(1);
const verdict = (ok) => (ok ? 'ok' : 'OVER');

/** Wall time in ms of one fresh `node -e <code>` child process. */
function timeNode(code, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', code], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} failed (exit ${result.status}): ${result.stderr.trim()}`);
  return elapsed;
}

/**
 * What `code` costs over a bare `node -e ''`: `runs` pairs of fresh processes (order alternating, so drift of the
 * machine's load hits both alike), the median of the per-pair differences. One unpaired warm-up run first.
 */
export function pairedOverBare(code, runs, cwd) {
  timeNode(code, cwd);
  const diffs = [];
  for (let i = 0; i < runs; i++) {
    const [first, second] = i % 2 === 0 ? ['', code] : [code, ''];
    const a = timeNode(first, cwd);
    const b = timeNode(second, cwd);
    diffs.push(i % 2 === 0 ? b - a : a - b);
  }
  return median(diffs);
}

export async function bundleSection({ root, runs }) {
  const pairs = Math.max(runs, 7);
  const missing = FUNCTIONS.filter((f) => !existsSync(path.join(root, 'dist', f.name, 'index.js')));
  if (missing.length > 0)
    return { title: 'Bundles', lines: [`missing ${missing.map((f) => `dist/${f.name}/index.js`).join(', ')}: run \`npm run build\` first`] };

  const rows = [];
  const cold = [];
  for (const f of FUNCTIONS) {
    const file = path.join(root, 'dist', f.name, 'index.js');
    const bytes = statSync(file).size;
    const loadMs = pairedOverBare(`require(${JSON.stringify(file)})`, pairs, root);
    // A median at or below zero: the bundle's load is below the noise of a node start.
    const shown = loadMs > 0 ? ms(loadMs) : '< noise';
    rows.push([
      `dist/${f.name}/index.js`,
      kb(bytes),
      `<= ${f.targetKb} KB ${verdict(bytes <= f.targetKb * 1000)}`,
      shown,
      `<= ${LOAD_TARGET_MS} ms ${verdict(loadMs <= LOAD_TARGET_MS)}`,
    ]);

    const first = await runBenchEntry(root, 'cold', [f.name, file]);
    const sdkMs = pairedOverBare(first.packages.map((p) => `require(${JSON.stringify(p)});`).join(''), pairs, root);
    cold.push([
      f.name,
      ms(first.loadMs),
      `${ms(sdkMs)} (${first.packages.map((p) => p.replace('@aws-sdk/client-', '')).join(', ')})`,
      ms(first.firstMs),
      first.calls,
      first.status,
      ms(first.loadMs + sdkMs + first.firstMs),
    ]);
  }
  const templateBytes = existsSync(path.join(root, TEMPLATE.file)) ? statSync(path.join(root, TEMPLATE.file)).size : undefined;
  rows.push([
    TEMPLATE.file,
    templateBytes === undefined ? 'missing' : kb(templateBytes),
    templateBytes === undefined ? '' : `<= ${TEMPLATE.targetKb} KB ${verdict(templateBytes <= TEMPLATE.targetKb * 1000)}`,
    '',
    '',
  ]);

  return {
    title: 'Bundles, template and cold start',
    lines: [
      ...formatTable(
        [
          { header: 'artifact' },
          { header: 'KB', align: 'right' },
          { header: 'target' },
          { header: 'load over bare node, ms', align: 'right' },
          { header: 'target' },
        ],
        rows,
      ),
      '',
      `load = median over ${pairs} pairs of fresh \`node -e "require(bundle)"\` and \`node -e ''\` (order alternating); @aws-sdk/* resolved from` +
        ' node_modules, but no bundle loads any SDK package at require time: each service loads on first use. KB = 1000 bytes.',
      '',
      'cold invocation against the fake account (one fresh node per function):',
      ...formatTable(
        [
          { header: 'function' },
          { header: 'require ms', align: 'right' },
          { header: 'SDK packages of the first request, ms' },
          { header: 'first request ms', align: 'right' },
          { header: 'calls', align: 'right' },
          { header: 'result' },
          { header: 'cold total ms', align: 'right' },
        ],
        cold,
      ),
      'custom-resource: a Create with every source on; vpc-enroller: a scheduled sweep of 8 new VPCs beside a deployed pipeline.' +
        ' The SDK packages are timed apart (paired fresh processes), since the fake account loads them before the clock starts.',
    ],
  };
}
