/**
 * The edge of `gitfence agents install|uninstall` (and `gitfence init --agents …`): find the
 * repository, render the rule files from the policy in force, and point the hooks at this gitfence.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import { evaluate } from '../evaluate/evaluate.js';
import { createRealGitRunner } from '../facts/real-git.js';
import { findPackageRoot } from '../policy/package-root.js';
import { discoverRepo } from '../repo/discover.js';
import { fastStartFlagsFor } from '../util/node-flags.js';
import { gatherExportSource } from './export/gather.js';
import { computeForbiddenPrefixes, policyDecider } from './export/prefixes.js';
import { claudeDenyEntries, renderCodexRules, renderGeminiPolicy } from './export/render.js';
import {
  installAgents,
  uninstallAgents,
  type AgentName,
  type AgentReport,
  type InstallInput,
} from './install.js';

export interface AgentsEdgeOptions {
  cwd: string;
  env: Record<string, string | undefined>;
  home?: string;
  /** The node binary and gitfence CLI the hooks run (default: this process and this package). */
  nodePath?: string;
  cliPath?: string;
  /** Flags for node before the dedicated entry (default: the FAST_START_FLAGS this node accepts). */
  nodeFlags?: readonly string[];
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * The hook command: absolute paths, and `|| exit 2` so that even a crash before gitfence's own error
 * handling (a broken install, a missing file) blocks the tool call instead of exit 1, which agent CLIs
 * treat as "go ahead".
 */
export function hookCommandFor(nodePath: string, cliPath: string, hook: string): string {
  return `${shellQuote(nodePath)} ${shellQuote(cliPath)} hook ${hook} || exit 2`;
}

/**
 * The same through the dedicated entry `dist/agent-hook.cjs` (no command table: a faster start),
 * with the node flags its code cache was trained under (src/util/node-flags.ts).
 */
export function dedicatedHookCommandFor(
  nodePath: string,
  entryPath: string,
  hook: string,
  nodeFlags: readonly string[] = [],
): string {
  const flags = nodeFlags.map((flag) => `${flag} `).join('');
  return `${shellQuote(nodePath)} ${flags}${shellQuote(entryPath)} ${hook} || exit 2`;
}

/** The hook command for this installation: the dedicated entry when the build has it. */
export function hookCommandIn(
  packageRoot: string,
  nodePath: string,
  hook: string,
  nodeFlags: readonly string[] = [],
): string {
  const entry = join(packageRoot, 'dist', 'agent-hook.cjs');
  return existsSync(entry)
    ? dedicatedHookCommandFor(nodePath, entry, hook, nodeFlags)
    : hookCommandFor(nodePath, join(packageRoot, 'bin', 'gitfence.js'), hook);
}

async function locate(options: AgentsEdgeOptions) {
  const home = options.home ?? options.env.HOME ?? homedir();
  const git = createRealGitRunner(options.env, home, 'repository-at-cwd');
  const repo = await discoverRepo(options.cwd, git);
  if (!repo || !repo.topLevel) {
    throw new GitfenceError(
      'NOT_A_REPOSITORY',
      'agent hooks are installed into a repository worktree',
      {
        where: options.cwd,
        expected: 'a directory inside a git worktree',
        got: repo ? 'a bare repository' : 'no repository',
        hint: 'run it from the worktree the agents work in',
      },
    );
  }
  return { home, git, repo, manifestFile: join(repo.stateDir, 'agents.json') };
}

export async function installAgentsHere(
  agents: AgentName[],
  options: AgentsEdgeOptions,
): Promise<AgentReport[]> {
  const { home, git, repo, manifestFile } = await locate(options);
  const source = await gatherExportSource({ cwd: options.cwd, env: options.env, git, home });
  const entries = computeForbiddenPrefixes(policyDecider(source.policy, evaluate, source.root));
  const ctx = { worktrees: source.worktrees, policyLabel: source.policyLabel };
  const packageRoot = findPackageRoot();
  const nodePath = options.nodePath ?? process.execPath;
  const cliPath = options.cliPath;
  const nodeFlags = cliPath ? [] : (options.nodeFlags ?? fastStartFlagsFor(nodePath));
  if (!cliPath && !packageRoot) {
    throw new GitfenceError('INTERNAL', 'cannot find the gitfence package this command runs from', {
      hint: 'reinstall gitfence',
    });
  }
  const input: InstallInput = {
    root: repo.topLevel!,
    manifestFile,
    hookCommand: (hook) =>
      cliPath
        ? hookCommandFor(nodePath, cliPath, hook)
        : hookCommandIn(packageRoot!, nodePath, hook, nodeFlags),
    claudeDeny: claudeDenyEntries(entries, ctx),
    geminiPolicy: renderGeminiPolicy(entries, ctx),
    codexRules: renderCodexRules(entries, ctx),
  };
  return installAgents(agents, input);
}

export async function uninstallAgentsHere(
  agents: AgentName[],
  options: AgentsEdgeOptions,
): Promise<AgentReport[]> {
  const { repo, manifestFile } = await locate(options);
  return uninstallAgents(agents, { root: repo.topLevel!, manifestFile });
}
