/**
 * `gitfence worktree release`: take an agent's worktree back without losing work. What it holds is
 * measured first (git.ts `assessWork`); the evaluator decides; with `--force`, unsaved work is
 * snapshotted under refs/gitfence/snapshots/ before the worktree goes.
 */
import { existsSync } from 'node:fs';
import { GitfenceError } from '../errors.js';
import type { Decision, WorktreeWork } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { createSnapshot, SNAPSHOT_PREFIX, snapshotRefName } from '../snapshot/snapshot.js';
import type { GitRunner } from '../util/git-runner.js';
import {
  assessWork,
  branchTip,
  gitDirNotWritable,
  isAncestor,
  listWorktrees,
  must,
  NOT_WRITABLE,
  resolveCommit,
} from './git.js';
import { findRecord, withoutRecord, type WorktreeRecord } from './records.js';
import { withRecords } from './store.js';

export interface ReleaseInput {
  git: GitRunner;
  repo: RepoInfo;
  cwd: string;
  owner: string;
  force: boolean;
  keepBranch: boolean;
  /** What the work must already be in (default: the main worktree's HEAD). */
  into?: string;
  now: number;
  /** Ignored files up to this size go into a `--force` snapshot. */
  ignoredMaxBytes: number;
  /** The evaluator, given what the worktree holds. */
  decide: (work: WorktreeWork) => Decision;
}

export interface ReleaseSnapshot {
  /** `worktree`: the whole working state (a checkpoint); `head`: only its HEAD, the directory was gone. */
  kind: 'worktree' | 'head';
  ref: string;
  name: string;
  commit: string;
  /** Ignored files left out for size. */
  skipped: string[];
}

export interface BranchOutcome {
  name: string;
  deleted: boolean;
  /** The branch is there after the release. */
  exists: boolean;
  /** Why it was kept. */
  reason?: string;
}

export type ReleaseResult =
  | { status: 'denied'; decision: Decision; work: WorktreeWork }
  | {
      status: 'released';
      decision: Decision;
      work: WorktreeWork;
      record: WorktreeRecord;
      snapshot: ReleaseSnapshot | null;
      removed: boolean;
      branch: BranchOutcome;
      notes: string[];
    };

export async function releaseWorktree(input: ReleaseInput): Promise<ReleaseResult> {
  const { git, cwd, owner } = input;
  return withRecords(input.repo.stateDir, async (records, save) => {
    const record = findRecord(records, owner);
    if (!record) {
      throw new GitfenceError('USAGE', `no worktree is recorded for agent ${owner}`, {
        where: 'gitfence worktree release',
        hint: 'see `gitfence worktree list`; worktrees gitfence did not add are removed with `git worktree remove`',
      });
    }
    const listed = await listWorktrees(git, cwd);
    const main = listed[0]!;
    const entry = listed.slice(1).find((e) => e.path === record.path) ?? null;
    const into = await resolveInto(git, main.path, input.into, main.branch);

    const work = await assessWork({
      git,
      commonDir: input.repo.commonDir,
      cwd: main.path,
      entry,
      path: record.path,
      branch: record.branch,
      into,
    });
    const decision = input.decide(work);
    if (decision.outcome === 'deny') return { status: 'denied', decision, work };

    const notes: string[] = [];
    let snapshot: ReleaseSnapshot | null = null;
    if (input.force && (work.undelivered.length > 0 || work.strandedCommits > 0)) {
      snapshot = await snapshotWork(input, record, entry?.head ?? null, work);
    }

    let removed = false;
    if (entry) {
      const args = ['worktree', 'remove', ...(work.dirty ? ['--force'] : []), entry.path];
      const result = await git.run(args, { cwd: main.path });
      if (result.code !== 0) throw removalFailed(result.stderr, input.repo, snapshot);
      removed = true;
    } else if (existsSync(record.path)) {
      notes.push(
        `${record.path} is no longer a git worktree; it was left as it is (remove it yourself when you are sure)`,
      );
    }

    const branch = await settleBranch(input, record, into, main.path);
    await save(withoutRecord(records, owner));
    return { status: 'released', decision, work, record, snapshot, removed, branch, notes };
  });
}

async function resolveInto(
  git: GitRunner,
  mainPath: string,
  into: string | undefined,
  mainBranch: string | null,
): Promise<{ commit: string; label: string }> {
  const commit = await resolveCommit(git, mainPath, into ?? 'HEAD');
  if (!commit) {
    throw new GitfenceError(
      'USAGE',
      into ? `--into names no commit` : 'the main worktree has no commit yet',
      {
        where: '--into',
        expected: 'a commit the work should already be in (default: HEAD of the main worktree)',
        got: into ?? 'HEAD',
      },
    );
  }
  return { commit, label: into ?? mainBranch ?? commit.slice(0, 12) };
}

/** Keep what would be lost: the worktree's whole state, or (no directory left) its HEAD's commits. */
async function snapshotWork(
  input: ReleaseInput,
  record: WorktreeRecord,
  head: string | null,
  work: WorktreeWork,
): Promise<ReleaseSnapshot> {
  const { git } = input;
  if (work.exists) {
    const gitDir = (
      await must(git, ['rev-parse', '--path-format=absolute', '--git-dir'], work.path)
    ).trim();
    const taken = await createSnapshot({
      git,
      repo: { topLevel: work.path, gitDir },
      now: input.now,
      ignoredMaxBytes: input.ignoredMaxBytes,
      message: `gitfence worktree release ${record.agent} --force: ${work.path} (${work.branch ?? 'detached'})`,
    });
    return { kind: 'worktree', ...taken, name: taken.ref.slice(SNAPSHOT_PREFIX.length) };
  }
  const commit = head ?? (await branchTip(git, input.cwd, record.branch));
  if (!commit) {
    throw new GitfenceError('INTERNAL', 'nothing to snapshot: the worktree has no commit', {
      where: work.path,
    });
  }
  const ref = snapshotRefName(input.now);
  await must(git, ['update-ref', '-m', 'gitfence worktree release', ref, commit, ''], input.cwd);
  return { kind: 'head', ref, name: ref.slice(SNAPSHOT_PREFIX.length), commit, skipped: [] };
}

function removalFailed(
  stderr: string,
  repo: RepoInfo,
  snapshot: ReleaseSnapshot | null,
): GitfenceError {
  const kept = snapshot ? ` (the work is also in snapshot ${snapshot.name})` : '';
  const got = stderr.trim().split('\n').slice(-1)[0] ?? '';
  if (NOT_WRITABLE.test(stderr)) {
    return gitDirNotWritable(`the worktree was not removed${kept}`, 'release', repo.commonDir, got);
  }
  return new GitfenceError('GIT_FAILED', `git worktree remove failed${kept}`, {
    where: repo.commonDir,
    got,
    hint: 'the record is kept; fix what git reports and release again',
  });
}

/** Delete the agent's branch only when gitfence made it, nobody asked to keep it, and `into` has it all. */
async function settleBranch(
  input: ReleaseInput,
  record: WorktreeRecord,
  { commit: into, label }: { commit: string; label: string },
  mainPath: string,
): Promise<BranchOutcome> {
  const { git } = input;
  const name = record.branch;
  const tip = await branchTip(git, mainPath, name);
  if (!tip) return { name, deleted: false, exists: false, reason: 'it no longer exists' };
  const kept = (reason: string): BranchOutcome => ({ name, deleted: false, exists: true, reason });
  if (!record.branchCreated) return kept('gitfence did not create it');
  if (input.keepBranch) return kept('--keep-branch');
  const holder = (await listWorktrees(git, mainPath)).find((entry) => entry.branch === name);
  if (holder) return kept(`it is checked out in ${holder.path}`);
  if (!(await isAncestor(git, mainPath, tip, into))) {
    return kept(
      `it has commits outside the history of ${label} (delete it with \`git branch -D ${name}\` once they are not needed)`,
    );
  }
  // The old value guards against a branch that moved since we looked.
  const deleted = await git.run(['update-ref', '-d', `refs/heads/${name}`, tip], { cwd: mainPath });
  if (deleted.code !== 0) return kept(`git update-ref failed: ${deleted.stderr.trim()}`);
  return { name, deleted: true, exists: false };
}
