// One agent-hook decision as a process (JSON in → JSON out) against bare `node -e 0` (issue 8: at
// most 1.2x), as installed hooks run it (the dedicated entry, with the installer's node flags), and
// through the CLI (`gitfence hook claude-code`). The hook loads the policy code only when the
// command holds a git call.
import { join } from 'node:path';
import { benchRepo, cli, nodeBaseline, removeWorld, root } from './lib.mjs';

const world = () => benchRepo('gitfence-bench-agents-');

const toolCall = (repo, command) =>
  JSON.stringify({
    session_id: 'bench',
    transcript_path: '/dev/null',
    cwd: repo,
    hook_event_name: 'PreToolUse',
    tool_name: 'Bash',
    tool_input: { command, description: 'bench' },
  });

/** One hook decision as a case: `args(ctx)` is the node argv that runs the hook. */
const decisionCase = (name, command, expectCode, setup, args) => ({
  name,
  target: 1.2,
  setup,
  teardown: removeWorld,
  subject: (ctx) => [
    process.execPath,
    args(ctx),
    {
      cwd: ctx.repo,
      env: ctx.env,
      input: toolCall(ctx.repo, command),
      stdio: ['pipe', 'pipe', 'pipe'],
      expectCode,
    },
  ],
  baseline: nodeBaseline,
});

/** `gitfence hook …` typed by hand: bin/gitfence.js, node without the installer's flags. A reference:
 * installed hooks run the dedicated entry (the entry rows carry the target). */
const hookCase = (name, command, expectCode, hook = 'claude-code') => ({
  ...decisionCase(name, command, expectCode, world, () => [cli, 'hook', hook]),
  target: null,
});

/** The shipped one-file entry that installed hooks run (`dist/agent-hook.cjs`). */
const entry = join(root, 'dist/agent-hook.cjs');
/** As `gitfence agents install` writes the hook command (src/util/node-flags.ts). */
const FAST_START = ['--no-rehash-snapshot'];

const entryCase = (name, command, expectCode) =>
  decisionCase(name, command, expectCode, world, () => [...FAST_START, entry, 'claude-code']);

export const cases = [
  hookCase(
    'reference: gitfence hook claude-code, deny `git reset --hard` vs node -e 0',
    'git reset --hard',
    2,
  ),
  hookCase(
    'reference: gitfence hook claude-code, pass `npm test && ls` (no git) vs node -e 0',
    'npm test && ls',
    0,
  ),
  hookCase(
    'reference: gitfence hook claude-code, pass `git log --oneline` vs node -e 0',
    'git log --oneline',
    0,
  ),
  entryCase('agent-hook entry: deny `git reset --hard` vs node -e 0', 'git reset --hard', 2),
  entryCase('agent-hook entry: pass `npm test && ls` (no git) vs node -e 0', 'npm test && ls', 0),
  entryCase('agent-hook entry: pass `git log --oneline` vs node -e 0', 'git log --oneline', 0),
  {
    // what the flag alone gives node: read the entry rows by it
    ...decisionCase('reference: node --no-rehash-snapshot -e 0 vs node -e 0', '', 0, world, () => [
      ...FAST_START,
      '-e',
      '0',
    ]),
    target: null,
  },
  {
    // gitfence's own work: the denial against a node started the same way
    ...entryCase(
      'reference: agent-hook entry deny vs node --no-rehash-snapshot -e 0',
      'git reset --hard',
      2,
    ),
    target: null,
    baseline: (ctx) => [
      process.execPath,
      [...FAST_START, '-e', '0'],
      { cwd: ctx.repo, env: ctx.env },
    ],
  },
];
