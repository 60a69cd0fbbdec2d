#!/usr/bin/env node
// Build: esbuild bundles the CLI and the public API (code-split so each command loads only its own
// code); tsc emits the declaration files policy authors type against (skipped with --js-only).
// The bundle is built beside dist/ and swapped in, so tests running meanwhile never see half a build.
import { build } from 'esbuild';
import { rename, rm, mkdir, cp, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  // fileURLToPath and pathToFileURL, reached only off the decision path
  'url',
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
 * The start of a hot entry: its bundle compiled with V8's code cache. Compiling ~200 kB of
 * JavaScript, and then each function the run calls, costs more CPU than the decision itself. The
 * build trains each cache with a representative decision (trainCodeCaches below), so it holds the
 * decision path's functions and ships in the package. The key (the bundle's content hash, made by
 * the build, node's version and arch) is the cache's file name: npm rewrites mtimes on install, so
 * an mtime key would never match a shipped cache. A missing or rejected cache costs one normal
 * compile, and that run writes its own atomically when `dist/` is writable. vm code cannot run
 * `import()` itself (node 20 has no stable dynamic-import callback, and the experimental one is
 * lost when the code cache is used), so the bundle's `import()` calls go to `__gitfenceImport`, an
 * `import()` in the entry file node loaded.
 */
/** Runs inside the emitted CommonJS entry (stringified), with that entry's `require` and `import()`. */
function hotStart(require, bundle, importModule, contentHash, encoding) {
  const fs = require('node:fs');
  const vm = require('node:vm');
  // 'latin1' when the build found the bundle pure ASCII: the same text, without UTF-8 decoding
  const source = fs.readFileSync(bundle, encoding);
  // V8 rejects a cache made under other flags: the launchers' one flag gets its own file, and a run
  // under any other flags neither reads nor writes one (two flag sets would rewrite it in turn).
  const flags = process.execArgv.join(' ');
  const variant = flags === '' ? '' : flags === '--no-rehash-snapshot' ? '-nr' : null;
  // The key is in the name, so a cache of another build or node is simply not found: nothing to compare.
  const cacheFile =
    variant === null
      ? null
      : `${bundle}.${contentHash}-${process.version}-${process.arch}${variant}.v8cache`;
  let cachedData;
  try {
    cachedData = cacheFile === null ? undefined : fs.readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __gitfenceImport) {${source}\n})`,
    { filename: bundle, cachedData },
  );
  if (cacheFile !== null && (cachedData === undefined || script.cachedDataRejected)) {
    // made after the run, so it holds every function this run compiled
    process.once('exit', () => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        fs.writeFileSync(tmp, script.createCachedData());
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

function hotLoader(bundleName, contentHash, encoding) {
  const args = [
    JSON.stringify(`/${bundleName}`),
    '(url) => import(url)',
    JSON.stringify(contentHash),
    JSON.stringify(encoding),
  ];
  return `'use strict';\n(${hotStart})(require, __dirname + ${args.join(', ')});\n`;
}

/** `import(` in a hot bundle's code, which must call the entry's importer instead. */
const DYNAMIC_IMPORT = /\bimport\s*\(/g;

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
  external: ['zod', 'esbuild', 'husky'],
  // import.meta.url is made when read (rarely on a decision path): the URL costs a start ~0.4 ms;
  // import.meta.filename is the bundle's own path, as Node ≥ 20.11 gives ES modules
  define: { 'import.meta': '__gitfenceImportMeta' },
  banner: {
    js: 'var __gitfenceImportMeta = { filename: __filename, get url() { return require("node:url").pathToFileURL(__filename).href; } };',
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
  const contentHash = createHash('sha256').update(rewritten).digest('hex').slice(0, 16);
  const encoding = /^[\x00-\x7f]*$/.test(rewritten) ? 'latin1' : 'utf8';
  await writeFile(`${staging}/${name}.cjs`, hotLoader(`${base}.bundle.cjs`, contentHash, encoding));
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
trainCodeCaches();
console.log(`built dist/${jsOnly ? ' (js only)' : ''}`);

/**
 * One representative run per hot entry, in a throwaway repository with the default policy, so each
 * code cache is written by a run that went through loading the policy, parsing, evaluating and
 * rendering a denial, or saving a patch (a cache holds only what its run compiled). pre-push is
 * trained by its first real run.
 */
function trainCodeCaches() {
  const dir = mkdtempSync(join(tmpdir(), 'gitfence-train-'));
  try {
    const env = {
      PATH: process.env.PATH,
      HOME: dir,
      GITFENCE_HOME: join(dir, 'gitfence-home'),
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_CONFIG_NOSYSTEM: '1',
      NO_COLOR: '1',
    };
    const repo = join(dir, 'repo');
    const gitIn = (...args) => {
      const run = spawnSync(
        'git',
        ['-c', 'user.name=build', '-c', 'user.email=build@localhost', ...args],
        {
          cwd: existsSync(repo) ? repo : dir,
          env,
          encoding: 'utf8',
        },
      );
      if (run.status !== 0) throw new Error(`training: git ${args[0]} failed: ${run.stderr}`);
    };
    gitIn('init', '-q', repo);
    // one committed file changed and one new: save-patch's training saves both
    mkdirSync(join(repo, 'a'));
    writeFileSync(join(repo, 'a', 'one.txt'), 'one\n');
    gitIn('add', '-A');
    gitIn('commit', '-qm', 'training');
    writeFileSync(join(repo, 'a', 'one.txt'), 'one, changed\n');
    writeFileSync(join(repo, 'a', 'two.txt'), 'two\n');
    const realGit = spawnSync('sh', ['-c', 'command -v git'], {
      env,
      encoding: 'utf8',
    }).stdout.trim();
    const hookInput = JSON.stringify({
      session_id: 'build',
      transcript_path: '/dev/null',
      cwd: repo,
      hook_event_name: 'PreToolUse',
      tool_name: 'Bash',
      tool_input: { command: 'git reset --hard' },
    });
    // The shim and the agent hooks start node with FAST_START (src/util/node-flags.ts), which V8
    // keys caches on; `gitfence hook …` through bin/gitfence.js runs without it: both are trained.
    const FAST_START = ['--no-rehash-snapshot'];
    const runs = [
      ['dist/hot/check.cjs', ['--', 'reset', '--hard'], '', 42],
      ['dist/shim-exec.cjs', [`--real-git=${realGit}`, '--', 'reset', '--hard'], '', 42],
      [
        'dist/shim-exec.cjs',
        [`--real-git=${realGit}`, '--', 'reset', '--hard'],
        '',
        42,
        {},
        FAST_START,
      ],
      ['dist/agent-hook.cjs', ['claude-code'], hookInput, 2],
      ['dist/agent-hook.cjs', ['claude-code'], hookInput, 2, {}, FAST_START],
      [
        'dist/hot/save-patch.cjs',
        ['--path', 'a/**', '--stdout'],
        '',
        0,
        { LLM_AGENT_NAME: 'build' },
      ],
    ];
    for (const [entry, args, input, expected, extraEnv = {}, flags = []] of runs) {
      const run = spawnSync(process.execPath, [...flags, join(root, entry), ...args], {
        cwd: repo,
        env: { ...env, ...extraEnv },
        input,
        encoding: 'utf8',
      });
      if (run.status !== expected) {
        throw new Error(
          `training ${entry}: exit ${run.status}, expected ${expected}\n${run.stderr}`,
        );
      }
      const bundle = entry
        .replace(/\.cjs$/, '.bundle.cjs')
        .split('/')
        .pop();
      const dir = join(root, entry, '..');
      const suffix = `${flags.length > 0 ? '-nr' : ''}.v8cache`;
      if (
        !readdirSync(dir).some(
          (f) =>
            f.startsWith(`${bundle}.`) &&
            f.endsWith(suffix) &&
            (flags.length > 0 || !f.endsWith('-nr.v8cache')),
        )
      ) {
        throw new Error(`training ${entry} ${flags.join(' ')}: no code cache was written`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
