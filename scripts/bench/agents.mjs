// One agent-hook decision as a process (JSON in → JSON out) against bare `node -e 0` (issue 8: at
// most 1.2x). The hook loads the policy code only when the command holds a git call.
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

const hookCase = (name, command, expectCode, hook = 'claude-code') =>
  decisionCase(name, command, expectCode, world, () => [cli, 'hook', hook]);

/** The shipped one-file entry that installed hooks run (`dist/agent-hook.cjs`). */
const entry = join(root, 'dist/agent-hook.cjs');

const entryCase = (name, command, expectCode) =>
  decisionCase(name, command, expectCode, world, () => [entry, 'claude-code']);

export const cases = [
  hookCase('hook claude-code: deny `git reset --hard` vs node -e 0', 'git reset --hard', 2),
  hookCase('hook claude-code: pass `npm test && ls` (no git) vs node -e 0', 'npm test && ls', 0),
  hookCase('hook claude-code: pass `git log --oneline` vs node -e 0', 'git log --oneline', 0),
  entryCase('agent-hook entry: deny `git reset --hard` vs node -e 0', 'git reset --hard', 2),
  entryCase('agent-hook entry: pass `npm test && ls` (no git) vs node -e 0', 'npm test && ls', 0),
  entryCase('agent-hook entry: pass `git log --oneline` vs node -e 0', 'git log --oneline', 0),
];
