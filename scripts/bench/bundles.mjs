// Bench section: size and module-load time of each bundle in dist/*/index.js.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { summarize } from './stats.mjs';
import { formatTable } from './table.mjs';

/** The built Lambda bundles: one `dist/<name>/index.js` per entry point. */
export function findBundles(root) {
  const dist = path.join(root, 'dist');
  if (!existsSync(dist)) return [];
  return readdirSync(dist, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dist, d.name, 'index.js')))
    .map((d) => ({ name: d.name, file: path.join(dist, d.name, 'index.js') }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Wall time in ms of one fresh `node -e <code>` child process (a cold start of the module, without Lambda). */
function timeNode(code, cwd) {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-e', code], { cwd, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node -e ${JSON.stringify(code)} failed (exit ${result.status}): ${result.stderr.trim()}`);
  return ms;
}

function timeRuns(code, runs, cwd) {
  timeNode(code, cwd); // warm the file system cache; not counted
  return Array.from({ length: runs }, () => timeNode(code, cwd));
}

const ms = (n) => n.toFixed(1);

/**
 * Size (bytes, KiB) and module-load time of every bundle. Load time is measured as fresh `node -e "require(...)"`
 * processes minus the baseline of an empty `node -e ""`, so it is what `require` costs on a cold start.
 * Times are informative only: they depend on the machine and its load.
 */
export async function bundleSection({ root, runs }) {
  const bundles = findBundles(root);
  if (bundles.length === 0) return { title: 'Bundles', lines: ['no dist/*/index.js found: run `npm run build` first'] };

  const baseline = summarize(timeRuns('', runs, root));
  const rows = bundles.map(({ name, file }) => {
    const bytes = statSync(file).size;
    const load = summarize(timeRuns(`require(${JSON.stringify(file)})`, runs, root).map((t) => t - baseline.median));
    return [name, bytes, (bytes / 1024).toFixed(1), ms(load.median), ms(load.min), ms(load.max)];
  });
  const table = formatTable(
    [
      { header: 'bundle' },
      { header: 'bytes', align: 'right' },
      { header: 'KiB', align: 'right' },
      { header: 'load median ms', align: 'right' },
      { header: 'min ms', align: 'right' },
      { header: 'max ms', align: 'right' },
    ],
    rows,
  );
  return {
    title: 'Bundles (dist/*/index.js)',
    lines: [
      ...table,
      '',
      `load = fresh \`node -e "require(bundle)"\` minus empty \`node -e ""\` (baseline median ${ms(baseline.median)} ms,` +
        ` min ${ms(baseline.min)}, max ${ms(baseline.max)}); ${runs} runs each; @aws-sdk/* resolved from node_modules`,
    ],
  };
}
