/** `gitfence hook <name>`: one entry point for git hooks and agent-CLI hooks; each handler lives in src/hooks/. */
import { GitfenceError } from '../../errors.js';
import type { CliContext, Command, CommandResult } from '../context.js';

type HookHandler = (context: CliContext) => Promise<CommandResult>;

const HANDLERS: Record<string, { summary: string; load: () => Promise<HookHandler> }> = {
  'pre-commit': {
    summary: 'lock-scope and commit rules (git pre-commit hook)',
    load: async () => (await import('../../hooks/pre-commit.js')).run,
  },
  'pre-push': {
    summary: 'final push check (git pre-push hook)',
    load: async () => (await import('../../hooks/pre-push.js')).run,
  },
  'claude-code': {
    summary: 'Claude Code PreToolUse hook (JSON on stdin)',
    load: async () => (await import('../../hooks/claude-code.js')).run,
  },
  gemini: {
    summary: 'Gemini CLI BeforeTool hook (JSON on stdin)',
    load: async () => (await import('../../hooks/gemini.js')).run,
  },
};

export const command: Command = {
  name: 'hook',
  summary: 'entry point for git hooks and agent-CLI hooks',
  usage: [
    'usage: gitfence hook <name> [args…]',
    '',
    'Called by installed hooks, not by hand:',
    ...Object.entries(HANDLERS).map(([name, h]) => `  ${name.padEnd(12)} ${h.summary}`),
  ].join('\n'),
  async run(context) {
    const [name, ...rest] = context.args;
    const handler = name === undefined ? undefined : HANDLERS[name];
    if (!handler) {
      throw new GitfenceError('USAGE', `unknown hook "${name ?? ''}"`, {
        expected: Object.keys(HANDLERS).join(', '),
        got: name ?? '(nothing)',
      });
    }
    return (await handler.load())({ ...context, args: rest });
  },
};
