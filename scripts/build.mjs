#!/usr/bin/env node
// Build: esbuild bundles the CLI and the public API (code-split so each command loads only its own
// code); tsc emits the declaration files policy authors type against (skipped with --js-only).
// The bundle is built beside dist/ and swapped in, so tests running meanwhile never see half a build.
import { build } from 'esbuild';
import { rename, rm, mkdir, cp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { $, cd } from 'zx';

const root = new URL('..', import.meta.url).pathname;
cd(root);
$.verbose = false;
const jsOnly = process.argv.includes('--js-only');
const staging = `dist.staging-${process.pid}`;
const retired = `dist.retired-${process.pid}`;

/**
 * Node compiles each builtin module the first time it is loaded (2–5 ms of CPU apiece for crypto,
 * child_process, util, tty, …). In the hot bundles these become stand-ins that load the real module
 * on first use, so a decision pays only for the builtins it really calls.
 */
const LAZY_BUILTINS = [
  'crypto',
  'child_process',
  'util',
  'os',
  'tty',
  'fs/promises',
  'readline',
  'net',
  'stream',
  'zlib',
  'worker_threads',
  'v8',
  'timers/promises',
  // createRequire, used only to reach node:tty when a descriptor really is a terminal
  'module',
];
function lazyBuiltins() {
  const requireBuiltin = createRequire(import.meta.url);
  const filter = new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|').replaceAll('/', '\\/')})$`);
  return {
    name: 'lazy-builtins',
    setup(b) {
      const builtin = (path) => path.replace(/^(node:)?/, 'node:');
      b.onResolve({ filter }, (args) => {
        if (args.kind === 'import-statement') {
          return { path: builtin(args.path), namespace: 'lazy-builtin' };
        }
        // `await import('node:os')` loads the module when it runs, as in the source
        if (args.kind === 'dynamic-import') {
          return { path: builtin(args.path), namespace: 'lazy-builtin-dynamic' };
        }
        return undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin-dynamic' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});`,
        loader: 'js',
        resolveDir: root,
      }));
      b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => {
        const real = requireBuiltin(args.path);
        // A function becomes a proxy that forwards calls, `new`, and property reads (statics,
        // util.promisify.custom, instanceof) to the real one; unused exports are tree-shaken.
        const lines = [
          `let m; const load = () => (m ??= require(${JSON.stringify(args.path)}));`,
          'function lazyFn(k) { const p = new Proxy(function () {}, { get: (_, q) => load()[k][q], has: (_, q) => q in load()[k], apply: (_, t, a) => Reflect.apply(load()[k], t, a), construct: (_, a, nt) => Reflect.construct(load()[k], a, nt === p ? load()[k] : nt) }); return p; }',
        ];
        for (const k of Object.keys(real)) {
          if (k === 'default' || !/^[A-Za-z_$][\w$]*$/.test(k)) continue;
          lines.push(
            typeof real[k] === 'function'
              ? `export const ${k} = /* @__PURE__ */ lazyFn(${JSON.stringify(k)});`
              : `export const ${k} = /* @__PURE__ */ (() => load()[${JSON.stringify(k)}])();`,
          );
        }
        return { contents: lines.join('\n'), loader: 'js', resolveDir: root };
      });
    },
  };
}

/**
 * The start of a hot entry: its bundle compiled with V8's code cache (`<bundle>.v8cache`, made by the
 * first run after the bundle changed, written atomically beside it when the directory is writable).
 * Compiling ~200 kB of JavaScript, and then each function the run calls, costs more CPU than the
 * decision itself. The cache is keyed by the bundle's size and mtime; a cache V8 rejects (another
 * node version) only costs a normal compile. vm code cannot run `import()` itself (node 20 has no
 * stable dynamic-import callback, and the experimental one is lost when the code cache is used), so
 * the bundle's `import()` calls go to `__gitfenceImport`, an `import()` in the entry file node loaded.
 */
function hotLoader(bundleName) {
  return `'use strict';\n(${hotStart})(require, __dirname + ${JSON.stringify(`/${bundleName}`)}, (url) => import(url));\n`;
}

/** `import(` in a hot bundle's code, which must call the entry's importer instead. */
const DYNAMIC_IMPORT = /\bimport\s*\(/g;

/** Runs inside the emitted CommonJS entry (stringified), with that entry's `require` and `import()`. */
function hotStart(require, bundle, importModule) {
  const fs = require('node:fs');
  const vm = require('node:vm');
  const source = fs.readFileSync(bundle, 'utf8');
  const stat = fs.statSync(bundle);
  const key = Buffer.from(`gitfence-v8cache ${process.version} ${stat.size} ${stat.mtimeMs}\n`);
  const cacheFile = `${bundle}.v8cache`;
  let cachedData;
  try {
    const cache = fs.readFileSync(cacheFile);
    if (cache.subarray(0, key.length).equals(key)) cachedData = cache.subarray(key.length);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __gitfenceImport) {${source}\n})`,
    { filename: bundle, cachedData },
  );
  if (cachedData === undefined || script.cachedDataRejected) {
    // made after the run, so it holds every function this run compiled
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, Buffer.concat([key, script.createCachedData()]));
        fs.renameSync(tmp, cacheFile);
      } catch {
        fs.rmSync(tmp, { force: true });
      }
    });
  }
  const module = { exports: {} };
  const dir = bundle.slice(0, bundle.lastIndexOf('/'));
  script.runInThisContext()(module.exports, require, module, bundle, dir, importModule);
}

await rm(staging, { recursive: true, force: true });
await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts', index: 'src/index.ts', engine: 'src/engine.ts' },
  outdir: staging,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// Hot entries run on every delegated git call: each is one CommonJS file (no chunk graph to resolve,
// and no ES module loader to start, which alone costs ~5 ms), so a decision costs close to a bare node start.
const HOT = {
  'hot/check': 'src/cli/hot-check.ts',
  'hot/save-patch': 'src/cli/hot-save-patch.ts',
  'hot/pre-push': 'src/hooks/pre-push-main.ts',
  'shim-exec': 'src/shim/exec-entry.ts',
  'agent-hook': 'src/agents/hook-main.ts',
};
await build({
  entryPoints: Object.fromEntries(
    Object.entries(HOT).map(([name, src]) => [`${name}.bundle`, src]),
  ),
  outdir: staging,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  splitting: false,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Small runtime dependencies are bundled in (no node_modules resolution at start-up); the heavy
  // ones stay external and are only ever loaded lazily, off the decision path.
  external: ['zod', 'esbuild', 'micromatch', 'picomatch', 'husky'],
  // import.meta.url is made when read (rarely on a decision path): the URL costs a start ~0.4 ms
  define: { 'import.meta': '__gitfenceImportMeta' },
  banner: {
    js: 'var __gitfenceImportMeta = { get url() { return require("node:url").pathToFileURL(__filename).href; } };',
  },
  plugins: [lazyBuiltins()],
  legalComments: 'none',
  logLevel: 'warning',
});
for (const name of Object.keys(HOT)) {
  const base = name.split('/').pop();
  const bundle = `${staging}/${name}.bundle.cjs`;
  const code = await readFile(bundle, 'utf8');
  const rewritten = code.replace(DYNAMIC_IMPORT, '__gitfenceImport(');
  if (rewritten !== code) await writeFile(bundle, rewritten);
  await writeFile(`${staging}/${name}.cjs`, hotLoader(`${base}.bundle.cjs`));
}
if (jsOnly && existsSync('dist/types')) {
  await cp('dist/types', `${staging}/types`, { recursive: true });
} else if (!jsOnly) {
  await $`npx tsc -p tsconfig.build.json --outDir ${staging}/types`;
} else {
  await mkdir(`${staging}/types`, { recursive: true });
}
if (existsSync('dist')) await rename('dist', retired);
await rename(staging, 'dist');
await rm(retired, { recursive: true, force: true });
// The default preset, compiled once here, protects repositories that have no policy of their own.
await $`node bin/gitfence.js compile --emit-default dist/default-policy.json`;
console.log(`built dist/${jsOnly ? ' (js only)' : ''}`);
