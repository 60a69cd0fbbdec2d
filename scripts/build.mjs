#!/usr/bin/env node
// Build: esbuild bundles the CLI and the public API (code-split so each command loads only its own
// code); tsc emits the declaration files policy authors type against (skipped with --js-only).
// The bundle is built beside dist/ and swapped in, so tests running meanwhile never see half a build.
import { build } from 'esbuild';
import { rename, rm, mkdir, cp } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { $, cd } from 'zx';

const root = new URL('..', import.meta.url).pathname;
cd(root);
$.verbose = false;
const jsOnly = process.argv.includes('--js-only');
const staging = `dist.staging-${process.pid}`;
const retired = `dist.retired-${process.pid}`;

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
// Hot entries run on every delegated git call: each is one file (no chunk graph to resolve at
// start-up), so a decision costs close to a bare node start.
await build({
  entryPoints: {
    'hot/check': 'src/cli/hot-check.ts',
    'shim-exec': 'src/shim/exec-entry.ts',
    'agent-hook': 'src/agents/hook-main.ts',
  },
  outdir: staging,
  bundle: true,
  splitting: false,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Small runtime dependencies are bundled in (no node_modules resolution at start-up); the heavy
  // ones stay external and are only ever loaded lazily, off the decision path.
  external: ['zod', 'esbuild', 'micromatch', 'picomatch', 'husky'],
  legalComments: 'none',
  logLevel: 'warning',
});
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
