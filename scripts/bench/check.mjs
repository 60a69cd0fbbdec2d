// `gitfence check -- status` as a process against bare `node -e 0` (issue 2: at most 1.3x).
import { benchRepo, cli, nodeBaseline, removeWorld } from './lib.mjs';

const world = () => benchRepo('gitfence-bench-');

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
];
