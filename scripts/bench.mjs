// `npm run bench` (after `npm run build`): prints one plain-text section per measurement.
// Each section is a function `(options) => Promise<{ title, lines }>`; add new ones to SECTIONS.
import path from 'node:path';
import { bundleSection } from './bench/bundles.mjs';
import { modeledCreateSection } from './bench/modeled-create.mjs';
import { sweepSection } from './bench/sweep.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

/** Sections in print order. */
const SECTIONS = [bundleSection, modeledCreateSection, sweepSection];

function parseArgs(argv) {
  const runsAt = argv.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(argv[runsAt + 1]) : 15;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number of at least 1');
  return { runs };
}

const options = { root, ...parseArgs(process.argv.slice(2)) };
for (const section of SECTIONS) {
  const { title, lines } = await section(options);
  console.log(`\n${title}\n`);
  for (const line of lines) console.log(line);
}
