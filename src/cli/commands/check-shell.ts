/** `gitfence check-shell [--json] [--cwd DIR] [--agent NAME] -- '<command string>'`: decide every git call in it. */
import { resolve } from 'node:path';
import { decideCallWithPolicy } from '../../agents/decide-call.js';
import {
  decideShell,
  renderArgv,
  shellDenials,
  type ShellDecision,
} from '../../agents/decide-shell.js';
import { GitfenceError } from '../../errors.js';
import { colorEnabled } from '../../render/color-enabled.js';
import { renderDenialLine } from '../../render/denial.js';
import { parseDecisionArgs, requireDirectory } from '../args.js';
import type { CliContext, Command } from '../context.js';

const USAGE =
  "gitfence check-shell [--json] [--cwd DIR] [--agent NAME] -- '<shell command string>'";

export interface CheckShellArgs {
  json: boolean;
  cwd: string;
  agent: string | null;
  command: string;
}

export function parseCheckShellArgs(context: CliContext): CheckShellArgs {
  const parsed = parseDecisionArgs(context.args, {
    where: 'gitfence check-shell',
    expected: USAGE,
    hint: 'put the shell command string after `--`, quoted as one argument',
  });
  // Several words after `--` are joined as `sh -c "$*"` would see them.
  const command = parsed.words.join(' ');
  if (command.trim() === '') {
    throw new GitfenceError('USAGE', 'no shell command given', {
      where: 'gitfence check-shell',
      expected: "a command string after `--`, e.g. -- 'git reset --hard && git status'",
      got: '(nothing)',
    });
  }
  const cwd = resolve(context.cwd, parsed.cwd ?? '.');
  requireDirectory(cwd);
  const agent = parsed.agent || context.env.LLM_AGENT_NAME || null;
  return { json: parsed.json, cwd, agent, command };
}

/** The JSON report: the Decision for each call, in the order the calls appear. */
export function renderShellJson(result: ShellDecision): string {
  return JSON.stringify(
    {
      outcome: result.outcome,
      command: result.command,
      ...(result.unparseable !== undefined
        ? { unparseable: result.unparseable, unparseableDecision: result.unparseableDecision }
        : {}),
      calls: result.calls.map((c) => ({
        argv: c.argv,
        via: c.call.via,
        cwd: c.cwd,
        env: c.call.env,
        ...(c.call.aliases ? { aliases: c.call.aliases } : {}),
        decision: c.decision,
      })),
    },
    null,
    2,
  );
}

/** The human summary: one line per call. */
export function renderShellSummary(result: ShellDecision): string {
  if (result.calls.length === 0 && result.unparseable === undefined) {
    return 'gitfence: allowed (no git call in this command)';
  }
  const lines = [
    `gitfence: ${result.outcome === 'deny' ? 'denied' : 'allowed'} (${result.calls.length} git call${result.calls.length === 1 ? '' : 's'})`,
  ];
  if (result.unparseable !== undefined) lines.push(`  x cannot parse: ${result.unparseable}`);
  for (const c of result.calls) {
    const mark = c.decision.outcome === 'deny' ? 'x' : '+';
    const via = c.call.via.length > 0 ? `  (via ${c.call.via.join(' → ')})` : '';
    const rules = c.decision.matches
      .filter((m) => m.outcome === 'deny')
      .map((m) => m.ruleId)
      .join(', ');
    lines.push(`  ${mark} git ${renderArgv(c.argv)}${via}${rules ? `  — ${rules}` : ''}`);
  }
  return lines.join('\n');
}

export const command: Command = {
  name: 'check-shell',
  summary: 'decide every git call in a shell command string',
  usage: [
    `usage: ${USAGE}`,
    '',
    'Find every git invocation in a shell command string (through &&, pipes, subshells, $(…),',
    'sudo/env/xargs/find -exec wrappers, sh -c, eval, heredocs fed to a shell, inline python/node/ruby)',
    'and decide each one with the compiled policy found from --cwd, without running anything.',
    '',
    '  --json         print the Decision for each call as JSON on stdout',
    '  --cwd DIR      decide as if the command ran in DIR (default: here)',
    '  --agent NAME   decide for this agent (default: $LLM_AGENT_NAME)',
    '',
    'A string that cannot be parsed is denied when it contains a git-like word, allowed otherwise.',
    'Exit codes: 0 allowed, 42 denied (any call), 2 usage error, 1 internal error.',
  ].join('\n'),
  async run(context) {
    const args = parseCheckShellArgs(context);
    const result = await decideShell(args.command, {
      cwd: args.cwd,
      env: context.env,
      agent: args.agent,
      now: context.now,
      decide: decideCallWithPolicy,
    });
    if (args.json) context.stdout.write(`${renderShellJson(result)}\n`);
    else context.stdout.write(`${renderShellSummary(result)}\n`);
    const denials = shellDenials(result);
    for (const denial of denials) {
      context.stderr.write(`${renderDenialLine(denial.decision)} [${denial.label}]\n`);
    }
    const first = denials[0];
    if (first && !args.json && context.stderr.isTTY) {
      // A person at a terminal gets the loud banner for the first denial; agents read the lines above.
      const { renderAlert } = await import('../../render/alert.js');
      const color = colorEnabled(context.env, true);
      context.stderr.write(`${renderAlert(first.decision, { color, command: first.label })}\n`);
    }
    return result.outcome === 'deny' ? 'denied' : 'ok';
  },
};
