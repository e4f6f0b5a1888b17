// esbuild plugin: every `import { X } from '@aws-sdk/<pkg>'` in our sources becomes a small module whose
// exports are getters that `require` the (external) package on first use. The SDK stays external (the Lambda
// runtime ships it), but a bundle loads no SDK package at `require` time: each service is loaded when one of
// its classes is first touched, so the enroller loads EC2 and CloudWatch Logs only, and only when it runs.
// One stand-in per package, with the names every file of the bundle imports from it (sdkImports finds them).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const NAMESPACE = 'lazy-sdk';

/** The value names `source` imports from `pkg` (type-only names dropped; they have no runtime value). */
export function importedNames(source, pkg) {
  const names = new Set();
  const quoted = pkg.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const re = new RegExp(`import\\s+(type\\s+)?\\{([^}]*)\\}\\s*from\\s*['"]${quoted}['"]`, 'g');
  for (const m of source.matchAll(re)) {
    if (m[1]) continue;
    for (const part of m[2].split(',')) {
      const spec = part.trim();
      if (!spec || spec.startsWith('type ')) continue;
      names.add(spec.split(/\s+as\s+/)[0].trim());
    }
  }
  return [...names].sort();
}

/** Shared by every stand-in: an exports object whose getters load the package on first use. */
const RUNTIME = [
  'module.exports = (load, names) => {',
  '  let loaded;',
  '  const exports = Object.defineProperty({}, "__esModule", { value: true });',
  '  for (const n of names) Object.defineProperty(exports, n, { enumerable: true, get: () => (loaded ??= load())[n] });',
  '  return exports;',
  '};',
].join('\n');
const RUNTIME_PATH = '(runtime)';

/** CommonJS source of the lazy stand-in for `pkg`: one getter per name the package really exports. */
export function lazyModuleSource(pkg, names, exported) {
  const missing = names.filter((n) => !(n in exported));
  if (missing.length > 0) throw new Error(`lazy-sdk: ${pkg} has no export ${missing.join(', ')}`);
  return `module.exports = require(${JSON.stringify(RUNTIME_PATH)})(() => require(${JSON.stringify(pkg)}), ${JSON.stringify(names)});`;
}

/**
 * The SDK packages the files of a bundle import, each with the value names they import from it (sorted), from
 * the metafile of a build that left `@aws-sdk/*` external. Throws for an import that names nothing. Given that
 * build's output (`bundleText`), a name the bundle no longer uses after tree shaking (an inspect-only command in a
 * Lambda bundle) gets no getter.
 */
export function sdkImports(root, metafile, filter = /^@aws-sdk\//, bundleText = undefined) {
  const byPackage = {};
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (file.includes('node_modules/')) continue;
    for (const { path: pkg, kind } of input.imports) {
      if (kind !== 'import-statement' || !filter.test(pkg)) continue;
      const names = importedNames(readFileSync(path.join(root, file), 'utf8'), pkg);
      // Only `import { X } from '<pkg>'` can be made lazy by name: anything else would silently get no exports.
      if (names.length === 0) throw new Error(`lazy-sdk: ${file} imports ${pkg} without named imports; use import { X } from '${pkg}'`);
      const used = bundleText === undefined ? names : names.filter((n) => usedIn(bundleText, n));
      byPackage[pkg] = [...new Set([...(byPackage[pkg] ?? []), ...used])].sort();
    }
  }
  return byPackage;
}

/** An external package's export is reached through a property of the same name (`pkg.Name`): it survives as a word. */
export function usedIn(bundleText, name) {
  return new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(bundleText);
}

/**
 * The plugin; `imports` is sdkImports' answer for this bundle, and `root` resolves the real packages at build
 * time to check every imported name exists.
 */
export function lazySdkPlugin(root, imports, filter = /^@aws-sdk\//) {
  const requireFromRoot = createRequire(path.join(root, 'package.json'));
  return {
    name: NAMESPACE,
    setup(build) {
      build.onResolve({ filter: /^\(runtime\)$/ }, (args) => (args.namespace === NAMESPACE ? { path: RUNTIME_PATH, namespace: NAMESPACE } : undefined));
      build.onResolve({ filter }, (args) => {
        // The stand-in's own require: the real package, left external.
        if (args.namespace === NAMESPACE) return { path: args.path, external: true };
        if (args.kind !== 'import-statement' || args.importer.includes(`${path.sep}node_modules${path.sep}`)) return { path: args.path, external: true };
        if (!imports[args.path])
          throw new Error(`lazy-sdk: ${path.relative(root, args.importer)} imports ${args.path}, which the scan of this bundle did not find`);
        return { path: args.path, namespace: NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
        if (args.path === RUNTIME_PATH) return { contents: RUNTIME, loader: 'js' };
        return { contents: lazyModuleSource(args.path, imports[args.path], requireFromRoot(args.path)), loader: 'js', resolveDir: root };
      });
    },
  };
}
