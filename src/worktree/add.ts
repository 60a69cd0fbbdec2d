/** `gitfence worktree add`: a linked worktree and a branch for one agent, recorded in the state dir. */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { GitfenceError } from '../errors.js';
import { inspectGitHooks } from '../install/git-hooks.js';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';
import {
  branchNameProblem,
  branchTip,
  gitDirNotWritable,
  listWorktrees,
  NOT_WRITABLE,
  resolveCommit,
} from './git.js';
import { defaultBranchFor, defaultWorktreePath } from './names.js';
import { findRecord, withRecord, type WorktreeRecord } from './records.js';
import { readRecords, withRecords } from './store.js';

export interface AddInput {
  git: GitRunner;
  repo: RepoInfo;
  /** Where the command runs: `--base` (default HEAD) is resolved here. */
  cwd: string;
  agent: string;
  /** Absolute; default beside the main worktree (`defaultWorktreePath`). */
  path?: string;
  /** Default `gitfence/<agent>`, created; an existing branch is checked out only when named. */
  branch?: string;
  base?: string;
  now: number;
}

export interface AddResult {
  record: WorktreeRecord;
  /** The named branch existed and was checked out rather than created. */
  reusedBranch: boolean;
  /** Things to know, e.g. hooks that will not run in the new worktree. */
  notes: string[];
}

function usable(path: string): boolean {
  if (!existsSync(path)) return true;
  // git accepts an empty directory, and so do we
  return statSync(path).isDirectory() && readdirSync(path).length === 0;
}

export async function addWorktree(input: AddInput): Promise<AddResult> {
  const { git, cwd, agent } = input;
  const listed = await listWorktrees(git, cwd);
  const main = listed[0]!;
  const branch = input.branch ?? defaultBranchFor(agent);
  const branchProblem = await branchNameProblem(git, cwd, branch);
  if (branchProblem) {
    throw new GitfenceError('USAGE', branchProblem, {
      where: '--branch',
      expected: 'a branch name such as gitfence/A',
      got: branch,
    });
  }
  const path = input.path ?? defaultWorktreePath(main.path, agent);
  // Checked first so the message names the real clash; checked again under the lock below.
  refuseSecond(findRecord(await readRecords(input.repo.stateDir), agent), agent);

  const tip = await branchTip(git, cwd, branch);
  if (tip && input.branch === undefined) {
    throw new GitfenceError('DENIED', `the branch ${branch} exists already`, {
      where: `agent ${agent}`,
      hint: `pass \`--branch ${branch}\` to give the agent that branch (its commits are kept), or \`--branch NEW\` for a fresh one`,
    });
  }
  if (tip && input.base !== undefined) {
    throw new GitfenceError('USAGE', `--base starts a new branch, but ${branch} exists`, {
      where: '--base',
      hint: `drop --base to check out ${branch} as it is, or name a new branch with --branch`,
    });
  }
  const holder = tip ? listed.find((entry) => entry.branch === branch) : undefined;
  if (holder) {
    throw new GitfenceError('DENIED', `the branch ${branch} is checked out in ${holder.path}`, {
      where: `agent ${agent}`,
      hint: 'a branch can be checked out in one worktree only: name another with --branch',
    });
  }
  const base = tip ?? (await resolveCommit(git, cwd, input.base ?? 'HEAD'));
  if (!base) {
    throw new GitfenceError('USAGE', 'no commit to start the worktree from', {
      where: '--base',
      expected: 'a commit, branch or tag',
      got: input.base ?? 'HEAD (no commit yet)',
    });
  }

  return withRecords(input.repo.stateDir, async (records, save) => {
    refuseSecond(findRecord(records, agent), agent);
    const taken =
      records.worktrees.find((record) => record.path === path)?.agent ??
      (listed.some((entry) => entry.path === path) ? 'git' : null);
    if (taken !== null || !usable(path)) {
      throw new GitfenceError('DENIED', 'the worktree path is taken', {
        where: path,
        got:
          taken === null
            ? 'a file or a directory that is not empty'
            : taken === 'git'
              ? 'git lists a worktree there (run `git worktree prune` if its directory is gone)'
              : `agent ${taken}'s worktree`,
        hint: 'pass --path DIR to put it elsewhere',
      });
    }
    const record: WorktreeRecord = {
      agent,
      path,
      branch,
      branchCreated: tip === null,
      base,
      created: new Date(input.now).toISOString(),
    };
    // Recorded before git runs: a crash in between leaves a record `release` can drop, never an unrecorded worktree.
    await save(withRecord(records, record));
    const args = tip
      ? ['worktree', 'add', path, branch]
      : ['worktree', 'add', '--no-track', '-b', branch, path, base];
    const added = await git.run(args, { cwd });
    if (added.code !== 0) {
      await save(records);
      const got = added.stderr.trim().split('\n').slice(-1)[0] ?? `exit ${added.code}`;
      if (NOT_WRITABLE.test(added.stderr)) {
        throw gitDirNotWritable('no worktree was added', 'add', input.repo.commonDir, got);
      }
      throw new GitfenceError('GIT_FAILED', 'git worktree add failed; nothing was recorded', {
        where: path,
        got,
      });
    }
    // Record the path as git lists it, so later joins compare equal strings.
    const real = realpathSync(path);
    const listedPath =
      (await listWorktrees(git, cwd)).find((entry) => realpathOrSelf(entry.path) === real)?.path ??
      real;
    const final = { ...record, path: listedPath };
    if (listedPath !== path) await save(withRecord(records, final));
    const notes = (await inspectGitHooks(listedPath, git)).map((problem) => `hooks: ${problem}`);
    return { record: final, reusedBranch: tip !== null, notes };
  });
}

function refuseSecond(existing: WorktreeRecord | undefined, agent: string): void {
  if (!existing) return;
  throw new GitfenceError('DENIED', `agent ${agent} already has a worktree`, {
    where: existing.path,
    got: `branch ${existing.branch}, added ${existing.created}`,
    hint: `use it, or take it back first with \`gitfence worktree release ${agent}\``,
  });
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
