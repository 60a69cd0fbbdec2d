#!/usr/bin/env node
// Build: esbuild bundles the CLI and the public API (code-split so each command loads only its own
// code), tsc emits the declaration files that policy authors type against.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { $, cd } from 'zx';

const root = new URL('..', import.meta.url).pathname;
cd(root);
$.verbose = false;

await rm('dist', { recursive: true, force: true });
await build({
  entryPoints: { 'cli/main': 'src/cli/main.ts', index: 'src/index.ts' },
  outdir: 'dist',
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
await $`npx tsc -p tsconfig.build.json`;
console.log('built dist/');
