/** `gitfence export codex-rules | claude-settings | gemini-policy [--out FILE] [--cwd DIR]`. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { gatherExportSource } from '../../agents/export/gather.js';
import { computeForbiddenPrefixes, policyDecider } from '../../agents/export/prefixes.js';
import {
  renderClaudeSettings,
  renderCodexRules,
  renderGeminiPolicy,
  type ExportContext,
} from '../../agents/export/render.js';
import type { ForbiddenPrefix } from '../../agents/export/prefixes.js';
import { GitfenceError } from '../../errors.js';
import { evaluate } from '../../evaluate/evaluate.js';
import { createRealGitRunner } from '../../facts/real-git.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { parseFlags, positionalsError } from '../args.js';
import type { Command } from '../context.js';

export const FORMATS: Record<string, (entries: ForbiddenPrefix[], ctx: ExportContext) => string> = {
  'codex-rules': renderCodexRules,
  'claude-settings': renderClaudeSettings,
  'gemini-policy': renderGeminiPolicy,
};

const USAGE =
  'gitfence export codex-rules | claude-settings | gemini-policy [--out FILE] [--cwd DIR]';

/** Render one export format for the policy in force at `cwd`. */
export async function renderExport(
  format: string,
  options: { cwd: string; env: Record<string, string | undefined>; home?: string },
): Promise<string> {
  const render = FORMATS[format];
  if (!render) {
    throw new GitfenceError('USAGE', `unknown export format "${format}"`, {
      where: 'gitfence export',
      expected: Object.keys(FORMATS).join(', '),
      got: format,
    });
  }
  const home = options.home ?? options.env.HOME ?? homedir();
  const source = await gatherExportSource({
    cwd: options.cwd,
    env: options.env,
    git: createRealGitRunner(options.env, home, 'repository-at-cwd'),
    home,
  });
  const entries = computeForbiddenPrefixes(policyDecider(source.policy, evaluate, source.root));
  return render(entries, { worktrees: source.worktrees, policyLabel: source.policyLabel });
}

export const command: Command = {
  name: 'export',
  summary: 'export the policy as Codex rules, Claude settings or a Gemini policy',
  usage: [
    `usage: ${USAGE}`,
    '',
    'Render the compiled policy in force here as an agent CLI rule file:',
    '  codex-rules      Codex execpolicy Starlark (prefix_rule … decision = "forbidden")',
    '  claude-settings  Claude Code settings JSON with permissions.deny entries',
    '  gemini-policy    Gemini CLI policy-engine TOML (deny rules)',
    '',
    'Each forbidden prefix is one the policy denies and no allowed call starts with; `-C <worktree>`',
    'forms are added for every worktree of this repository. These files only see command prefixes:',
    'the agent hooks (`gitfence agents install`) decide everything else.',
    '',
    '  --out FILE   write the file (atomically) instead of printing it',
    '  --cwd DIR    use the policy and worktrees of the repository at DIR (default: here)',
  ].join('\n'),
  async run(context) {
    const usage = { where: 'gitfence export', expected: USAGE };
    const parsed = parseFlags(
      {
        args: context.args,
        options: { out: { type: 'string' }, cwd: { type: 'string' } },
        allowPositionals: true,
        strict: true,
      },
      usage,
    );
    const [format, ...extra] = parsed.positionals;
    if (format === undefined || extra.length > 0) {
      throw positionalsError(
        format === undefined ? 'no export format given' : 'too many arguments',
        parsed.positionals,
        usage,
      );
    }
    const cwd = resolve(context.cwd, parsed.values.cwd ?? '.');
    const text = await renderExport(format, { cwd, env: context.env });
    if (parsed.values.out !== undefined) {
      const out = resolve(context.cwd, parsed.values.out);
      await writeFileAtomic(out, text);
      context.stderr.write(`gitfence: wrote ${format} to ${out}\n`);
    } else {
      context.stdout.write(text);
    }
    return 'ok';
  },
};
