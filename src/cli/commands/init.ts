/**
 * `gitfence init`: the policy file (kept when present), husky hooks (chained, never replacing), the
 * `prepare` script, the compiled policy, and optionally the agent-CLI hooks. Safe to run again.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { GitfenceError } from '../../errors.js';
import { createRealGitRunner } from '../../facts/real-git.js';
import { installGitHooks } from '../../install/git-hooks.js';
import { addPrepareScript } from '../../install/package-json.js';
import {
  describePreset,
  PRESET_NAMES,
  renderPolicyTemplate,
  type PresetName,
} from '../../install/policy-template.js';
import { loadHookTemplates } from '../../install/templates.js';
import { findPackageRoot } from '../../policy/package-root.js';
import { discoverRepo } from '../../repo/discover.js';
import { POLICY_FILE } from '../../repo/state-paths.js';
import { resolveRealGitFor } from '../../shim/resolve-git.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { parseFlags } from '../args.js';
import type { CliContext, Command } from '../context.js';

const USAGE = `gitfence init: set up gitfence in this repository

usage: gitfence init [--preset opsGitSafety|precise] [--agents claude,gemini,codex] [--cwd DIR] [--yes]

  1. writes ${POLICY_FILE} extending the preset (an existing file is kept, never overwritten);
     asks for the preset on a terminal unless --preset or --yes is given (default opsGitSafety)
  2. installs git hooks with husky: .husky/pre-push (final push check) and .husky/pre-commit
     (scope and commit checks), each calling \`gitfence hook …\`; existing .husky scripts and hooks
     from .git/hooks or a previous core.hooksPath keep running after gitfence's check
  3. sets core.hooksPath to the absolute path of .husky/_, so linked worktrees run the hooks too
  4. adds "prepare": "husky" to package.json when there is one
  5. compiles the policy (\`gitfence compile\`)
  6. with --agents: installs the agent-CLI hooks and rule files (\`gitfence agents install\`)

Run it again at any time: it updates its own parts and leaves everything else alone.
Refused inside an agent session. Exit codes: 0 done, 2 usage or invalid policy, 1 internal error.`;

function parseCommandFlags(args: string[]) {
  return parseFlags(
    {
      args,
      options: {
        preset: { type: 'string' },
        agents: { type: 'string' },
        cwd: { type: 'string' },
        yes: { type: 'boolean', short: 'y', default: false },
      },
      allowPositionals: false,
      strict: true,
    },
    {
      where: 'gitfence init',
      expected: 'gitfence init [--preset NAME] [--agents LIST] [--cwd DIR] [--yes]',
      got: args.join(' ') || '(no arguments)',
      hint: 'run `gitfence init --help`',
    },
  ).values;
}

function checkPreset(name: string): PresetName {
  if ((PRESET_NAMES as readonly string[]).includes(name)) return name as PresetName;
  throw new GitfenceError('USAGE', 'unknown preset', {
    where: 'gitfence init --preset',
    expected: PRESET_NAMES.join(' or '),
    got: name,
  });
}

async function askPreset(context: CliContext): Promise<PresetName> {
  const rl = createInterface({
    input: context.stdin,
    output: context.stdout as NodeJS.WritableStream,
    terminal: true,
  });
  try {
    context.stdout.write('Which preset should this repository extend?\n');
    PRESET_NAMES.forEach((name, i) =>
      context.stdout.write(`  ${i + 1}) ${name}: ${describePreset(name)}\n`),
    );
    for (;;) {
      const answer = (await rl.question(`preset [1-${PRESET_NAMES.length}, default 1]: `)).trim();
      if (answer === '') return PRESET_NAMES[0];
      const byNumber = PRESET_NAMES[Number(answer) - 1];
      if (byNumber) return byNumber;
      const byName = PRESET_NAMES.find((n) => n.toLowerCase() === answer.toLowerCase());
      if (byName) return byName;
      context.stdout.write(
        `  expected 1-${PRESET_NAMES.length} or a preset name, got "${answer}"\n`,
      );
    }
  } finally {
    rl.close();
  }
}

export const command: Command = {
  name: 'init',
  summary: 'set up gitfence in this repository (policy, hooks, compile)',
  usage: USAGE,
  async run(context) {
    const flags = parseCommandFlags(context.args);
    if (context.env.LLM_AGENT_NAME) {
      throw new GitfenceError('DENIED', 'setting up gitfence is for the orchestrator or a human', {
        where: `agent ${context.env.LLM_AGENT_NAME}`,
        hint: 'ask the orchestrator to run `gitfence init`',
      });
    }
    const preset = flags.preset === undefined ? undefined : checkPreset(flags.preset);
    // Validate the agent list before touching anything.
    const agents =
      flags.agents === undefined
        ? null
        : (await import('../../agents/install.js')).parseAgentList(flags.agents);
    const cwd = resolve(context.cwd, flags.cwd ?? '.');
    const home = context.env.HOME || homedir();
    const git = createRealGitRunner(context.env, home, 'repository-at-cwd');
    const repo = await discoverRepo(cwd, git);
    if (!repo || !repo.topLevel) {
      throw new GitfenceError('NOT_A_REPOSITORY', 'gitfence init needs a git worktree', {
        where: cwd,
        got: repo ? 'a bare repository' : 'no repository',
        hint: 'run `git init` first, or pass --cwd DIR inside a worktree',
      });
    }
    const out = (line: string) => context.stdout.write(`${line}\n`);

    const policyFile = join(repo.topLevel, POLICY_FILE);
    if (existsSync(policyFile)) {
      out(`policy   kept ${policyFile} (never overwritten)`);
    } else {
      const interactive =
        preset === undefined && !flags.yes && context.stdin.isTTY && context.stdout.isTTY;
      const chosen = preset ?? (interactive ? await askPreset(context) : 'opsGitSafety');
      await writeFileAtomic(policyFile, renderPolicyTemplate(chosen));
      out(`policy   wrote ${policyFile} (extends ${chosen})`);
    }

    const packageRoot = findPackageRoot();
    if (!packageRoot) {
      throw new GitfenceError(
        'INTERNAL',
        'cannot find the gitfence package this command runs from',
        {
          hint: 'reinstall gitfence',
        },
      );
    }
    const hooks = await installGitHooks({
      repo,
      git,
      nodePath: process.execPath,
      cliPath: join(packageRoot, 'bin', 'gitfence.js'),
      // baked in as the shim bakes it: hooks inherit the committer's environment, so it cannot say
      gitPath: resolveRealGitFor(context.env, home),
      templates: await loadHookTemplates(packageRoot),
    });
    out(`hooks    husky in ${join(hooks.huskyRoot, '.husky')}; core.hooksPath=${hooks.hooksPath}`);
    for (const file of hooks.changed) out(`         updated ${file}`);
    for (const file of hooks.chained) out(`         chained ${file} (still runs, after gitfence)`);

    const manifest = join(repo.topLevel, 'package.json');
    if (existsSync(manifest)) {
      const next = addPrepareScript(await readFile(manifest, 'utf8'));
      if (next !== null) {
        await writeFile(manifest, next);
        out(`package  added husky to the "prepare" script in ${manifest}`);
      }
    }

    const compile = (await import('./compile.js')).command;
    const compiled = await compile.run({ ...context, args: ['--cwd', repo.topLevel] });
    if (compiled !== 'ok') return compiled;

    if (agents) {
      const { installAgentsHere } = await import('../../agents/install-edge.js');
      const reports = await installAgentsHere(agents, { cwd: repo.topLevel, env: context.env });
      for (const report of reports) {
        out(
          `agents   ${report.agent}: ${report.changed ? 'installed' : 'up to date'} (${report.files.join(', ')})`,
        );
      }
    }
    out('done     commit gitfence.policy.ts and .husky/ so every clone gets them');
    return 'ok';
  },
};
