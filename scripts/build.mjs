// Bundles each Lambda entry point with esbuild: CommonJS, node20 target (the same bundle runs under the
// local Node 20 in tests and on the nodejs22.x runtime). @aws-sdk/* stays external because the runtime
// ships SDK v3; `--bundle-sdk` bundles it too (for runtimes or regions where that is preferred).
import { build } from 'esbuild';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { lazySdkPlugin, sdkImports } from './build/lazy-sdk.mjs';

export const ENTRY_POINTS = {
  'custom-resource': 'src/handlers/custom-resource.ts',
  'vpc-enroller': 'src/handlers/vpc-enroller.ts',
  // The operator command (`npm run audit`); no Lambda uses it, and the template renderer inlines only the
  // bundles its functions name.
  cli: 'src/cli/main.ts',
};

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const bundleSdk = process.argv.includes('--bundle-sdk');
const outRoot = path.join(root, 'dist');

await rm(outRoot, { recursive: true, force: true });
const sizes = {};
for (const [name, entry] of Object.entries(ENTRY_POINTS)) {
  const outdir = path.join(outRoot, name);
  await mkdir(outdir, { recursive: true });
  const options = {
    entryPoints: [path.join(root, entry)],
    outfile: path.join(outdir, 'index.js'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    external: bundleSdk ? [] : ['@aws-sdk/*'],
    // The Lambdas never inspect or plan: that code is left out of their bundles (see notInLambda in
    // src/components/component.ts). A constant in every bundle, so no environment variable can switch it.
    define: { 'process.env.SIEM_LAMBDA_BUNDLE': name === 'cli' ? 'false' : 'true' },
    metafile: true,
    logLevel: 'warning',
  };
  // The SDK stays external and is loaded per service on first use (scripts/build/lazy-sdk.mjs): a first pass
  // finds what the bundle's files import from each package, for one stand-in per package.
  const scan = bundleSdk ? undefined : await build({ ...options, write: false });
  const scanText = scan?.outputFiles.map((f) => f.text).join('\n');
  const result = await build({ ...options, plugins: scan ? [lazySdkPlugin(root, sdkImports(root, scan.metafile, undefined, scanText))] : [] });
  sizes[name] = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  await writeFile(path.join(outdir, 'meta.json'), JSON.stringify(result.metafile));
}
await writeFile(path.join(outRoot, 'bundles.json'), JSON.stringify({ bundleSdk, sizes }, null, 2));
for (const [name, bytes] of Object.entries(sizes)) console.log(`built dist/${name}/index.js (${(bytes / 1024).toFixed(1)} KiB)`);

// The transform-free template for launch links and service-managed StackSets, with each bundle inlined.
// Skipped with --bundle-sdk: bundles that carry the SDK are too large to inline.
if (!bundleSdk) {
  const { renderTemplateText } = createRequire(import.meta.url)('./lib/render-template.cjs');
  const bundles = {};
  for (const name of Object.keys(ENTRY_POINTS)) bundles[name] = await readFile(path.join(outRoot, name, 'index.js'), 'utf8');
  const rendered = renderTemplateText(await readFile(path.join(root, 'template.yaml'), 'utf8'), bundles);
  const body = JSON.stringify(rendered, null, 1);
  await writeFile(path.join(outRoot, 'siem-pipeline.template.json'), body);
  console.log(`rendered dist/siem-pipeline.template.json (${(Buffer.byteLength(body) / 1024).toFixed(1)} KiB, no transform)`);
}
