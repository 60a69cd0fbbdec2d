/**
 * The git edge of `gitfence worktree`: listing worktrees, resolving revisions, and measuring what a
 * worktree holds that a target commit does not. Every call goes to the real git (never the shim).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { WorktreeWork } from '../evaluate/types.js';
import type { GitRunner } from '../util/git-runner.js';
import { parseWorktreeList, type ListedWorktree } from './porcelain.js';
import type { WorktreeStatus } from './view.js';
import { chunk, literalPathspec, splitPaths, undeliveredCandidates } from './work.js';

type Env = Record<string, string | undefined>;

/** Failures that mean ".git cannot be written": the write-lock, a read-only mount, permissions. */
export const NOT_WRITABLE = /Operation not permitted|Permission denied|Read-only file system/;

/** git could not write .git (NOT_WRITABLE), most likely the write-lock: say how to open a window for `step`. */
export function gitDirNotWritable(
  outcome: string,
  step: 'add' | 'release',
  commonDir: string,
  got: string,
): GitfenceError {
  return new GitfenceError('IO', `cannot write to .git, so ${outcome}`, {
    where: commonDir,
    got,
    hint: `if .git is write-locked, open a window with \`git-write-lock unlock-for-push --holder NAME\`, ${step}, then \`git-write-lock relock --holder NAME\``,
  });
}

export async function must(
  git: GitRunner,
  args: string[],
  cwd: string,
  env?: Env,
  input?: string | Buffer,
): Promise<string> {
  const result = await git.run(args, { cwd, env, input });
  if (result.code !== 0) {
    throw new GitfenceError('GIT_FAILED', `git ${args[0]} failed`, {
      where: cwd,
      got: result.stderr.trim() || `exit ${result.code}`,
      hint: 'check the repository with `git status` and `gitfence doctor`',
    });
  }
  return result.stdout;
}

export async function listWorktrees(git: GitRunner, cwd: string): Promise<ListedWorktree[]> {
  return parseWorktreeList(await must(git, ['worktree', 'list', '--porcelain', '-z'], cwd));
}

/** The full commit id `rev` names, or null. */
export async function resolveCommit(
  git: GitRunner,
  cwd: string,
  rev: string,
): Promise<string | null> {
  const result = await git.run(
    ['rev-parse', '--verify', '-q', '--end-of-options', `${rev}^{commit}`],
    { cwd },
  );
  return result.code === 0 ? result.stdout.trim() : null;
}

export const branchTip = (git: GitRunner, cwd: string, branch: string) =>
  resolveCommit(git, cwd, `refs/heads/${branch}`);

/** Why `name` cannot be a branch name, or null when it can. */
export async function branchNameProblem(
  git: GitRunner,
  cwd: string,
  name: string,
): Promise<string | null> {
  if (name.startsWith('-')) return 'a branch name cannot start with "-"';
  const result = await git.run(['check-ref-format', '--branch', name], { cwd });
  return result.code === 0 ? null : 'not a valid branch name (`git check-ref-format --branch`)';
}

/** Is `ancestor` in the history of `commit`? */
export async function isAncestor(
  git: GitRunner,
  cwd: string,
  ancestor: string,
  commit: string,
): Promise<boolean> {
  const result = await git.run(['merge-base', '--is-ancestor', ancestor, commit], { cwd });
  if (result.code === 0 || result.code === 1) return result.code === 0;
  throw new GitfenceError('GIT_FAILED', 'git merge-base failed', {
    where: cwd,
    got: result.stderr.trim() || `exit ${result.code}`,
  });
}

/** Commits in `head`'s history that `target` lacks (and, with `notBranches`, that no branch holds). */
async function countAhead(
  git: GitRunner,
  cwd: string,
  head: string,
  target: string | null,
  notBranches = false,
): Promise<number> {
  const args = ['rev-list', '--count', head, '--not', ...(target ? [target] : [])];
  if (notBranches) args.push('--branches');
  return Number((await must(git, args, cwd)).trim());
}

/** dirty / merged / ahead for `list`; read-only (no index refresh), so it works while `.git` is locked. */
export async function worktreeStatus(
  git: GitRunner,
  entry: ListedWorktree,
  target: string | null,
): Promise<WorktreeStatus> {
  const status = await must(
    git,
    ['--no-optional-locks', 'status', '--porcelain', '-z', '--untracked-files=normal'],
    entry.path,
  );
  const head = entry.head;
  const merged =
    head !== null && target !== null && (await isAncestor(git, entry.path, head, target));
  const ahead = head === null ? 0 : await countAhead(git, entry.path, head, target);
  return { dirty: status.length > 0, merged, ahead };
}

export interface AssessInput {
  git: GitRunner;
  commonDir: string;
  /** Where repository-wide commands run (the main worktree). */
  cwd: string;
  /** The worktree as git lists it; null when git no longer knows it. */
  entry: ListedWorktree | null;
  /** Its recorded path and branch, for a worktree git no longer knows. */
  path: string;
  branch: string | null;
  into: { commit: string; label: string };
}

/**
 * What removing the worktree would lose, measured against `into`: the worktree's whole state
 * (HEAD + index + working tree, untracked files included, ignored files not) is written as a tree
 * into a private object store (so this works while `.git` is write-locked), then every path it
 * changed since the merge base must hold the same content in `into`, or its change must
 * reverse-apply there (delivered as a patch that was merged with other changes).
 */
export async function assessWork(input: AssessInput): Promise<WorktreeWork> {
  const { git, cwd, entry, into } = input;
  const exists = entry !== null && entry.prunable === null && existsSync(entry.path);
  const head = entry?.head ?? (input.branch ? await branchTip(git, cwd, input.branch) : null);
  const scratch = mkdtempSync(join(tmpdir(), 'gitfence-worktree-'));
  try {
    const objects = join(scratch, 'objects');
    mkdirSync(objects);
    const store: Env = {
      GIT_OBJECT_DIRECTORY: objects,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: join(input.commonDir, 'objects'),
    };
    const emptyTree = (
      await must(git, ['hash-object', '-t', 'tree', '--stdin'], cwd, {}, '')
    ).trim();
    const treeOf = async (commit: string | null) =>
      commit ? (await must(git, ['rev-parse', `${commit}^{tree}`], cwd)).trim() : emptyTree;
    const headTree = await treeOf(head);

    let state = headTree;
    if (exists) {
      const gitDir = (
        await must(git, ['rev-parse', '--path-format=absolute', '--git-dir'], entry.path)
      ).trim();
      const index = join(scratch, 'index');
      if (existsSync(join(gitDir, 'index'))) copyFileSync(join(gitDir, 'index'), index);
      const env = { ...store, GIT_INDEX_FILE: index };
      await must(git, ['add', '-A', '--', '.'], entry.path, env);
      state = (await must(git, ['write-tree'], entry.path, env)).trim();
    }

    let base = emptyTree;
    if (head) {
      const mergeBase = await git.run(['merge-base', head, into.commit], { cwd });
      if (mergeBase.code === 0) base = await treeOf(mergeBase.stdout.trim());
    }
    const diffNames = async (a: string, b: string) =>
      a === b
        ? []
        : splitPaths(
            await must(
              git,
              ['diff-tree', '-r', '--no-renames', '--name-only', '-z', a, b],
              cwd,
              store,
            ),
          );
    const target = await treeOf(into.commit);
    const candidates = undeliveredCandidates(
      await diffNames(base, state),
      await diffNames(target, state),
    );
    const undelivered = await notReverseApplying(git, cwd, store, scratch, {
      base,
      state,
      target,
      paths: candidates,
    });

    const unmergedCommits = head ? await countAhead(git, cwd, head, into.commit) : 0;
    const strandedCommits =
      unmergedCommits > 0 && head ? await countAhead(git, cwd, head, into.commit, true) : 0;
    return {
      path: entry?.path ?? input.path,
      branch: entry ? entry.branch : input.branch,
      exists,
      into: into.label,
      undelivered,
      dirty: state !== headTree,
      unmergedCommits,
      strandedCommits,
      lockedReason: entry?.locked ?? null,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One path at a time while few (so the report names each), in groups when many. */
const EACH_UP_TO = 30;
const GROUP = 500;

/** The candidate paths whose change (base → state) does not reverse-apply to the target tree. */
async function notReverseApplying(
  git: GitRunner,
  cwd: string,
  store: Env,
  scratch: string,
  trees: { base: string; state: string; target: string; paths: string[] },
): Promise<string[]> {
  if (trees.paths.length === 0) return [];
  const index = join(scratch, 'target.index');
  await must(git, ['read-tree', trees.target], cwd, { ...store, GIT_INDEX_FILE: index });
  const groups =
    trees.paths.length <= EACH_UP_TO ? trees.paths.map((p) => [p]) : chunk(trees.paths, GROUP);
  const left: string[] = [];
  for (const group of groups) {
    const patch = await git.run(
      [
        'diff-tree',
        '-r',
        '-p',
        '--binary',
        '--full-index',
        '--no-renames',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        trees.base,
        trees.state,
        '--',
        ...group.map(literalPathspec),
      ],
      { cwd, env: store, binary: true },
    );
    if (patch.code !== 0 || patch.stdoutBuffer.length === 0) {
      left.push(...group);
      continue;
    }
    const check = await git.run(
      ['apply', '--cached', '--check', '--reverse', '--whitespace=nowarn', '-'],
      { cwd, env: { ...store, GIT_INDEX_FILE: index }, input: patch.stdoutBuffer },
    );
    if (check.code !== 0) left.push(...group);
  }
  return left;
}
