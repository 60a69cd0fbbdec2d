/** `gitfence agents install|uninstall [--agents claude,gemini,codex] [--cwd DIR] [--json]`. */
import { resolve } from 'node:path';
import { installAgentsHere, uninstallAgentsHere } from '../../agents/install-edge.js';
import { AGENT_NAMES, parseAgentList } from '../../agents/install.js';
import { parseFlags, positionalsError } from '../args.js';
import type { Command } from '../context.js';

const USAGE =
  'gitfence agents install|uninstall [--agents claude,gemini,codex] [--cwd DIR] [--json]';

export const command: Command = {
  name: 'agents',
  summary: 'install or remove agent-CLI hooks and rule files (Claude Code, Gemini, Codex)',
  usage: [
    `usage: ${USAGE}`,
    '',
    'install    write the hook configuration and rule files into this worktree (idempotent):',
    '             claude  .claude/settings.json: PreToolUse hook on Bash + permissions.deny',
    '             gemini  .gemini/settings.json: BeforeTool hook on run_shell_command,',
    '                     and .gemini/policies/gitfence.toml',
    '             codex   .codex/rules/gitfence.rules (execpolicy prefix rules)',
    'uninstall  remove exactly what install added (entries you had before stay)',
    '',
    `  --agents LIST  comma-separated: ${AGENT_NAMES.join(', ')} or all (default: all)`,
    '  --cwd DIR      the worktree to install into (default: here)',
    '  --json         print what was written as JSON',
    '',
    'Re-run install after `gitfence compile` so the rule files follow the policy.',
  ].join('\n'),
  async run(context) {
    const usage = { where: 'gitfence agents', expected: USAGE };
    const parsed = parseFlags(
      {
        args: context.args,
        options: {
          agents: { type: 'string', default: 'all' },
          cwd: { type: 'string' },
          json: { type: 'boolean', default: false },
        },
        allowPositionals: true,
        strict: true,
      },
      usage,
    );
    const [action, ...extra] = parsed.positionals;
    if ((action !== 'install' && action !== 'uninstall') || extra.length > 0) {
      throw positionalsError(
        action ? `unknown action "${parsed.positionals.join(' ')}"` : 'no action given',
        parsed.positionals,
        usage,
      );
    }
    const agents = parseAgentList(parsed.values.agents);
    const options = { cwd: resolve(context.cwd, parsed.values.cwd ?? '.'), env: context.env };
    const reports =
      action === 'install'
        ? await installAgentsHere(agents, options)
        : await uninstallAgentsHere(agents, options);
    if (parsed.values.json) {
      context.stdout.write(`${JSON.stringify({ action, reports }, null, 2)}\n`);
    } else {
      for (const report of reports) {
        const state = report.changed ? (action === 'install' ? 'written' : 'removed') : 'unchanged';
        const files = report.files.length > 0 ? report.files.join(', ') : 'nothing installed';
        context.stdout.write(`gitfence: ${report.agent}: ${state} (${files})\n`);
      }
    }
    return 'ok';
  },
};
