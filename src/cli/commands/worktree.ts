/** `gitfence worktree add | list | release`: linked worktrees the orchestrator hands to agents and takes back. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { GitfenceError } from '../../errors.js';
import type { Decision, WorktreeRequest, WriteLockFact } from '../../evaluate/types.js';
import { evaluateWorktree } from '../../evaluate/worktree.js';
import { createRealGitRunner } from '../../facts/real-git.js';
import { discoverRepo, type RepoInfo } from '../../repo/discover.js';
import { renderCheck } from '../../render/check.js';
import { renderDenialLine } from '../../render/denial.js';
import { loadPolicyOrDecision } from '../../shim/engine.js';
import type { GitRunner } from '../../util/git-runner.js';
import { parseSize } from '../../util/units.js';
import { ensureWriteLockState } from '../../writelock/service.js';
import { addWorktree } from '../../worktree/add.js';
import { listAgentWorktrees } from '../../worktree/list.js';
import { AGENT_NAME_EXPECTED, agentNameProblem } from '../../worktree/names.js';
import { releaseWorktree } from '../../worktree/release.js';
import { renderAdded, renderListing, renderReleased } from '../../worktree/render.js';
import { parseFlags, positionalsError } from '../args.js';
import type { CliContext, Command, CommandResult } from '../context.js';

const USAGE = `usage: gitfence worktree add <agent> [--path DIR] [--branch NAME] [--base REV] [--json]
       gitfence worktree list [--json]
       gitfence worktree release <agent> [--force] [--keep-branch] [--into REV] [--json]

Linked worktrees for agents: the orchestrator gives each agent its own working tree and branch, and
takes it back without losing work. Records live in <git-common-dir>/gitfence/worktrees.json.

  add       create a worktree for <agent> at DIR (default <main worktree>.worktrees/<agent>, beside
            the repository) on a new branch NAME (default gitfence/<agent>) from REV (default HEAD),
            and print how to start the agent there. Naming an existing branch with --branch checks
            it out instead. Refused (42) if the agent has a worktree already, or the path is taken.
  list      every linked worktree: agent, branch, HEAD, whether it exists, has uncommitted changes,
            and is merged into the main worktree's HEAD. Read-only; works while .git is locked.
  release   remove <agent>'s worktree. Refused (42) while it holds work that is not in the main
            worktree's HEAD (or --into REV): uncommitted changes or commits, unless their content
            is there already (applied from a save-patch, merged, cherry-picked). Hand the work over
            first (save-patch, then apply-patch --commit; or merge the branch).
              --force        snapshot the unsaved work under refs/gitfence/snapshots/ first (the
                             output says how to get it back), then remove
              --keep-branch  keep the branch (by default it is deleted when gitfence created it
                             and it is merged; unmerged branches are always kept)

add and release write .git: while it is write-locked they are refused (42) until the orchestrator
opens a window with \`git-write-lock unlock-for-push --holder NAME\`. An agent (LLM_AGENT_NAME set) may
add or release only its own worktree.

Exit codes: 0 done, 42 refused (nothing changed), 2 usage error (bad name, no such record, bad
revision), 1 git failed. See docs/worktrees.md.`;

const WHERE = { where: 'gitfence worktree', expected: 'see `gitfence worktree --help`' };

async function open(context: CliContext): Promise<{ git: GitRunner; repo: RepoInfo }> {
  const git = createRealGitRunner(context.env, context.env.HOME || homedir(), 'repository-at-cwd');
  const repo = await discoverRepo(context.cwd, git);
  if (!repo) {
    throw new GitfenceError('NOT_A_REPOSITORY', 'gitfence worktree must run inside a repository', {
      where: context.cwd,
      hint: 'cd into the repository (or one of its worktrees) first',
    });
  }
  return { git, repo };
}

function agentArgument(positionals: string[], sub: string): string {
  if (positionals.length !== 1) {
    throw positionalsError(`worktree ${sub} needs exactly one agent name`, positionals, {
      ...WHERE,
      expected: `gitfence worktree ${sub} <agent>`,
    });
  }
  const agent = positionals[0]!;
  const problem = agentNameProblem(agent);
  if (problem) {
    throw new GitfenceError('USAGE', problem, {
      where: '<agent>',
      expected: AGENT_NAME_EXPECTED,
      got: JSON.stringify(agent),
    });
  }
  return agent;
}

/** The policy, who asks and the write-lock: what every add/release decision starts from. */
async function decisionBase(
  context: CliContext,
  repo: RepoInfo,
  action: WorktreeRequest['action'],
  owner: string,
  force: boolean,
) {
  const loaded = await loadPolicyOrDecision({
    stateDir: repo.stateDir,
    env: context.env,
    home: context.env.HOME || homedir(),
    repoRoot: repo.topLevel,
  });
  if (loaded.failed) return { failed: loaded.failed };
  const policy = loaded.policy;
  // A record that cannot be read counts as locked: the lock never fails open.
  const writeLock: WriteLockFact = await ensureWriteLockState(repo, context.now()).catch(() => ({
    state: 'locked' as const,
    mode: 'immutable' as const,
  }));
  const request: WorktreeRequest = {
    kind: 'worktree',
    action,
    owner,
    agent: context.env.LLM_AGENT_NAME || null,
    force,
    facts: {
      writeLock,
      ...(repo.topLevel ? { repoRoot: repo.topLevel } : {}),
    },
  };
  return { policy, request };
}

function writeDenial(context: CliContext, decision: Decision): CommandResult {
  context.stderr.write(`${renderCheck(decision)}\n${renderDenialLine(decision)}\n`);
  return 'denied';
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

async function add(context: CliContext, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseFlags(
    {
      args,
      options: {
        path: { type: 'string' },
        branch: { type: 'string' },
        base: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    },
    { ...WHERE, got: args.join(' ') },
  );
  const agent = agentArgument(positionals, 'add');
  const { git, repo } = await open(context);
  const base = await decisionBase(context, repo, 'add', agent, false);
  if (base.failed) return writeDenial(context, base.failed);
  const decision = evaluateWorktree(base.policy, base.request);
  if (decision.outcome === 'deny') return writeDenial(context, decision);

  const result = await addWorktree({
    git,
    repo,
    cwd: context.cwd,
    agent,
    ...(values.path !== undefined ? { path: resolve(context.cwd, values.path) } : {}),
    ...(values.branch !== undefined ? { branch: values.branch } : {}),
    ...(values.base !== undefined ? { base: values.base } : {}),
    now: context.now(),
  });
  for (const note of result.notes) context.stderr.write(`gitfence worktree: note: ${note}\n`);
  context.stdout.write(
    values.json
      ? json({
          ...result.record,
          reusedBranch: result.reusedBranch,
          env: { LLM_AGENT_NAME: agent },
          notes: result.notes,
        })
      : `${renderAdded(result)}\n`,
  );
  return 'ok';
}

async function list(context: CliContext, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseFlags(
    {
      args,
      options: { json: { type: 'boolean', default: false } },
      allowPositionals: true,
      strict: true,
    },
    { ...WHERE, got: args.join(' ') },
  );
  if (positionals.length > 0) {
    throw positionalsError('worktree list takes no arguments', positionals, WHERE);
  }
  const { git, repo } = await open(context);
  const listing = await listAgentWorktrees({ git, repo, cwd: context.cwd });
  context.stdout.write(values.json ? json(listing) : `${renderListing(listing)}\n`);
  return 'ok';
}

async function release(context: CliContext, args: string[]): Promise<CommandResult> {
  const { values, positionals } = parseFlags(
    {
      args,
      options: {
        force: { type: 'boolean', default: false },
        'keep-branch': { type: 'boolean', default: false },
        into: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      allowPositionals: true,
      strict: true,
    },
    { ...WHERE, got: args.join(' ') },
  );
  const owner = agentArgument(positionals, 'release');
  const { git, repo } = await open(context);
  const base = await decisionBase(context, repo, 'release', owner, values.force);
  if (base.failed) return writeDenial(context, base.failed);
  const { policy, request } = base;
  // Who may ask and whether .git can be written are known now: decide them before reading anything.
  const early = evaluateWorktree(policy, request);
  if (early.outcome === 'deny') return writeDenial(context, early);

  const result = await releaseWorktree({
    git,
    repo,
    cwd: context.cwd,
    owner,
    force: values.force,
    keepBranch: values['keep-branch'],
    ...(values.into !== undefined ? { into: values.into } : {}),
    now: context.now(),
    ignoredMaxBytes: parseSize(policy.settings.breakGlass.snapshotIgnoredMaxBytes),
    decide: (work) => evaluateWorktree(policy, { ...request, work }),
  });
  if (result.status === 'denied') {
    if (values.json) context.stdout.write(json(result));
    return writeDenial(context, result.decision);
  }
  if (values.json) {
    const { decision, ...rest } = result;
    context.stdout.write(json({ ...rest, warnings: decision.warnings }));
  } else {
    context.stdout.write(`${renderReleased(result)}\n`);
  }
  return 'ok';
}

export const command: Command = {
  name: 'worktree',
  summary: 'linked worktrees for agents: add, list, release',
  usage: USAGE,
  async run(context): Promise<CommandResult> {
    const [sub, ...rest] = context.args;
    switch (sub) {
      case 'add':
        return add(context, rest);
      case 'list':
        return list(context, rest);
      case 'release':
        return release(context, rest);
      default:
        throw new GitfenceError('USAGE', `unknown worktree subcommand "${sub ?? ''}"`, {
          where: 'gitfence worktree',
          expected: 'add, list or release',
          got: sub ?? '(nothing)',
          hint: 'run `gitfence worktree --help`',
        });
    }
  },
};
