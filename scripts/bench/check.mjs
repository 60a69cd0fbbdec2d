// `gitfence check -- status` as a process against bare `node -e 0` (issue 2: at most 1.3x).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchRepo, buildBenchEntry, cli, nodeBaseline, removeWorld, root } from './lib.mjs';

const world = () => benchRepo('gitfence-bench-');

/**
 * The same decision through a dedicated entry that loads only the check command's code (what the
 * build gives once `bin/gitfence.js` sends `check` to it; see the check command's runCheckProcess).
 */
async function dedicatedEntry() {
  const ctx = world();
  const outdir = join(root, '.bench/fast-check');
  mkdirSync(outdir, { recursive: true });
  const entry = join(root, '.bench/fast-check-entry.mjs');
  writeFileSync(
    entry,
    "import { runCheckProcess } from '../src/cli/commands/check.ts';\n" +
      'process.exitCode = await runCheckProcess(process.argv.slice(2));\n',
  );
  await buildBenchEntry({ check: entry }, outdir);
  return { ...ctx, fast: join(outdir, 'check.js') };
}

export const cases = [
  {
    name: 'check -- status vs node -e 0',
    target: 1.3,
    setup: world,
    teardown: removeWorld,
    subject: (ctx) => [
      process.execPath,
      [cli, 'check', '--', 'status'],
      { cwd: ctx.repo, env: ctx.env },
    ],
    baseline: nodeBaseline,
  },
  {
    name: 'check -- status (dedicated entry) vs node -e 0',
    target: 1.3,
    setup: dedicatedEntry,
    teardown: removeWorld,
    subject: (ctx) => [
      process.execPath,
      [ctx.fast, '--', 'status'],
      { cwd: ctx.repo, env: ctx.env },
    ],
    baseline: nodeBaseline,
  },
];
