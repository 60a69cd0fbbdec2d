/**
 * Applying a verified patch for the orchestrator: all or nothing to the index and working tree.
 * Applicability is decided before anything changes (a clean apply, the already-present case of a
 * shared tree, or a 3-way merge rehearsed in a private index); a real run that still fails, or a
 * commit a hook rejects, is rolled back to the exact prior state.
 */
import { copyFile, lstat, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';
import { metadataPathFor, type PatchMetadata } from './metadata.js';
import { loadPatchMetadata } from './metadata-schema.js';
import type { PatchFile } from './parse.js';
import { restoreSnapshot, takeSnapshot } from './snapshot.js';
import { verifyPatch } from './verify.js';

/** How the patch goes in: as is, staged only (its changes are already in this working tree), or by 3-way merge. */
export type ApplyMode = 'clean' | 'stage-only' | '3way';

export interface FileProblem {
  path: string;
  problem: string;
}

export interface ApplyReport {
  patch: string;
  metadata: PatchMetadata;
  files: PatchFile[];
  /** `applied`/`checked` succeeded; `conflict` means nothing was changed. */
  status: 'applied' | 'checked' | 'conflict';
  mode?: ApplyMode;
  problems: FileProblem[];
  commit?: string;
}

const APPLY_CONFIG = ['-c', 'apply.whitespace=nowarn', '-c', 'core.quotePath=true'];

export async function loadPatchFiles(
  patchPath: string,
  metaPath?: string,
): Promise<{ patch: Buffer; metadata: PatchMetadata; metaPath: string }> {
  const metaFile = metaPath ?? metadataPathFor(patchPath);
  let patch: Buffer;
  try {
    patch = await readFile(patchPath);
  } catch (error) {
    throw new GitfenceError('USAGE', 'cannot read the patch file', {
      where: patchPath,
      got: (error as NodeJS.ErrnoException).code ?? String(error),
      hint: 'give the path of a .patch file written by `save-patch`',
    });
  }
  let text: string;
  try {
    text = await readFile(metaFile, 'utf8');
  } catch (error) {
    throw new GitfenceError(
      'DENIED',
      'patch refused: its metadata is missing, so it cannot be verified',
      {
        where: metaFile,
        got: (error as NodeJS.ErrnoException).code ?? String(error),
        hint: 'keep the .json metadata beside the .patch file (or pass it with --meta FILE); patches from `save-patch --stdout` carry none',
      },
    );
  }
  return { patch, metadata: loadPatchMetadata(text, metaFile), metaPath: metaFile };
}

/** File-by-file reasons from git apply's stderr. */
export function problemsFromApplyErrors(stderr: string, files: PatchFile[]): FileProblem[] {
  const problems: FileProblem[] = [];
  const seen = new Set<string>();
  for (const line of stderr.split('\n')) {
    let m = /^error: patch failed: (.+):(\d+)$/.exec(line);
    if (m) {
      if (!seen.has(m[1]!))
        problems.push({ path: m[1]!, problem: `does not apply at line ${m[2]}` });
      seen.add(m[1]!);
      continue;
    }
    m =
      /^error: (.+?): (does not match index|already exists in (?:working directory|index)|does not exist in (?:index|working tree)|No such file or directory|patch does not apply|.+)$/.exec(
        line,
      );
    if (m && files.some((f) => f.path === m![1] || f.oldPath === m![1])) {
      if (!seen.has(m[1]!) || m[2] !== 'patch does not apply')
        problems.push({ path: m[1]!, problem: m[2]! });
      seen.add(m[1]!);
      continue;
    }
    m = /^U (.+)$/.exec(line);
    if (m) {
      problems.push({ path: m[1]!, problem: 'conflicts in a 3-way merge' });
      seen.add(m[1]!);
    }
  }
  if (problems.length === 0 && stderr.trim())
    problems.push({ path: '(patch)', problem: stderr.trim().split('\n').slice(-2).join(' / ') });
  return problems;
}

export interface ApplyOptions {
  git: GitRunner;
  repo: RepoInfo;
  patchPath: string;
  metaPath?: string;
  check: boolean;
  commit: boolean;
  message?: string;
  tmpRoot?: string;
}

export async function applyPatch(options: ApplyOptions): Promise<ApplyReport> {
  const { git, repo, patchPath } = options;
  const cwd = repo.topLevel;
  if (cwd === null) {
    throw new GitfenceError('USAGE', 'apply-patch needs a working tree', {
      where: repo.gitDir,
      got: 'a bare repository',
      hint: 'run apply-patch inside the working tree to apply to',
    });
  }
  const { patch, metadata } = await loadPatchFiles(patchPath, options.metaPath);
  const files = verifyPatch(patch, metadata, patchPath);
  const report: ApplyReport = {
    patch: patchPath,
    metadata,
    files,
    status: 'conflict',
    problems: [],
  };
  const paths = [...new Set(files.flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path])))];

  const temp = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'gitfence-apply-'));
  try {
    const apply = (args: string[], env: Record<string, string> = {}) =>
      git.run([...APPLY_CONFIG, 'apply', ...args], { cwd, env, input: patch });

    // `git apply --check --index` is not read-only (it checks a missing file out of the index), so
    // the index and the working tree are checked apart: --cached against the index, and ls-files.
    let mode: ApplyMode | null = null;
    const indexCheck = await apply(['--check', '--cached']);
    const dirty = await dirtyPaths(git, cwd, paths);
    if (indexCheck.code === 0 && dirty.length === 0) mode = 'clean';
    else if (await alreadyInWorktree(git, cwd, temp, repo, patch, metadata.base, files, paths)) {
      mode = 'stage-only';
    } else if (dirty.length > 0) {
      report.problems = dirty.map((path) => ({
        path,
        problem:
          'has uncommitted changes in the working tree (or an untracked file where the patch adds one)',
      }));
      return report;
    } else {
      // Rehearse the 3-way merge in a private index and object store: conflicts show up without touching anything.
      const index = join(temp, 'index');
      await copyFile(join(repo.gitDir, 'index'), index).catch(() => undefined);
      await mkdir(join(temp, 'objects'));
      const env = {
        GIT_INDEX_FILE: index,
        GIT_OBJECT_DIRECTORY: join(temp, 'objects'),
        GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.commonDir, 'objects'),
      };
      const rehearsal = await apply(['--3way', '--cached'], env);
      if (rehearsal.code !== 0) {
        report.problems = problemsFromApplyErrors(
          `${indexCheck.stderr}\n${rehearsal.stderr}`,
          files,
        );
        dedupeProblems(report);
        return report;
      }
      mode = '3way';
    }
    report.mode = mode;
    if (options.check) {
      report.status = 'checked';
      return report;
    }

    const snapshot = await takeSnapshot(git, cwd, paths);
    const touchesWorktree = mode !== 'stage-only';
    const real =
      mode === 'stage-only'
        ? await stagePostimage(git, cwd, temp, patch, metadata.base, paths)
        : await apply(mode === 'clean' ? ['--index'] : ['--3way', '--index']);
    if (real.code !== 0) {
      await restoreSnapshot(git, snapshot, { worktree: touchesWorktree });
      if (
        /index\.lock|Operation not permitted|Permission denied|Read-only file system/.test(
          real.stderr,
        )
      ) {
        throw new GitfenceError('IO', 'cannot write to .git, so nothing was applied', {
          where: repo.gitDir,
          expected: 'a writable .git (index, objects)',
          got: real.stderr.trim().split('\n').slice(-1)[0] ?? '',
          hint: 'if .git is write-locked, open the window with `git-write-lock unlock-for-push --holder NAME`, apply, then `git-write-lock relock`',
        });
      }
      report.problems = problemsFromApplyErrors(real.stderr, files);
      return report;
    }
    if (options.commit) {
      try {
        report.commit = await commitPatch(git, cwd, temp, paths, metadata, options.message);
      } catch (error) {
        await restoreSnapshot(git, snapshot, { worktree: touchesWorktree });
        throw error;
      }
    }
    report.status = 'applied';
    return report;
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** A private index holding `base` + the patch, for the paths' postimage; objects go where `env` says. */
async function postimageIndex(
  git: GitRunner,
  cwd: string,
  index: string,
  patch: Buffer,
  base: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const full = { ...env, GIT_INDEX_FILE: index };
  const read = await git.run(['read-tree', `${base}^{tree}`], { cwd, env: full });
  if (read.code !== 0) return read;
  return git.run([...APPLY_CONFIG, 'apply', '--cached'], { cwd, env: full, input: patch });
}

/**
 * The shared-tree case: the agent's changes are already in this working tree, exactly. True when
 * base + patch equals the working tree at every patched path (deleted paths absent).
 */
async function alreadyInWorktree(
  git: GitRunner,
  cwd: string,
  temp: string,
  repo: RepoInfo,
  patch: Buffer,
  base: string,
  files: PatchFile[],
  paths: string[],
): Promise<boolean> {
  const objects = join(temp, 'present-objects');
  await mkdir(objects, { recursive: true });
  const env = {
    GIT_OBJECT_DIRECTORY: objects,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.commonDir, 'objects'),
  };
  const index = join(temp, 'present-index');
  const built = await postimageIndex(git, cwd, index, patch, base, env);
  if (built.code !== 0) return false;
  const specs = paths.map((p) => `:(top,literal)${p}`);
  const same = await git.run(
    ['diff', '--quiet', '--no-ext-diff', '--no-textconv', '--', ...specs],
    {
      cwd,
      env: { ...env, GIT_INDEX_FILE: index },
    },
  );
  if (same.code !== 0) return false;
  const gone = files.flatMap((f) =>
    f.status === 'D' ? [f.path] : f.status === 'R' && f.oldPath ? [f.oldPath] : [],
  );
  for (const path of gone) {
    try {
      await lstat(join(cwd, path));
      return false;
    } catch {
      // absent, as the patch leaves it
    }
  }
  return true;
}

/** Stage base + patch for the patched paths into the real index; the working tree already holds them. */
async function stagePostimage(
  git: GitRunner,
  cwd: string,
  temp: string,
  patch: Buffer,
  base: string,
  paths: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const index = join(temp, 'stage-index');
  const built = await postimageIndex(git, cwd, index, patch, base, {});
  if (built.code !== 0) return built;
  const specs = paths.map((p) => `:(top,literal)${p}`);
  const entries = await git.run(['ls-files', '-s', '-z', '--', ...specs], {
    cwd,
    env: { GIT_INDEX_FILE: index },
  });
  if (entries.code !== 0) return entries;
  const lines = [
    ...paths.map((p) => `0 ${'0'.repeat(40)}\t${p}`),
    ...entries.stdout.split('\0').filter(Boolean),
  ];
  const staged = await git.run(['update-index', '-z', '--index-info'], {
    cwd,
    input: `${lines.join('\0')}\0`,
  });
  if (staged.code !== 0) return staged;
  // refresh the stat data of what was staged, so `git status` does not see it as modified
  await git.run(['update-index', '-q', '--refresh'], { cwd });
  return staged;
}

function dedupeProblems(report: ApplyReport): void {
  const byPath = new Map<string, FileProblem>();
  for (const problem of report.problems) {
    // a 3-way verdict is more precise than the plain apply's
    if (!byPath.has(problem.path) || problem.problem.includes('3-way'))
      byPath.set(problem.path, problem);
  }
  report.problems = [...byPath.values()];
}

/** Paths whose working-tree state differs from the index (modified, deleted, or present but untracked). */
async function dirtyPaths(git: GitRunner, cwd: string, paths: string[]): Promise<string[]> {
  const specs = paths.map((p) => `:(top,literal)${p}`);
  const listed = await git.run(['ls-files', '-z', '-m', '-d', '-o', '--', ...specs], { cwd });
  if (listed.code !== 0) {
    throw new GitfenceError('GIT_FAILED', 'could not check the working tree before applying', {
      where: cwd,
      got: listed.stderr.trim(),
    });
  }
  return [...new Set(listed.stdout.split('\0').filter(Boolean))];
}

export function renderCommitMessage(metadata: PatchMetadata, message?: string): string {
  const who = metadata.agent ?? 'the orchestrator';
  const scopes = metadata.all ? 'the whole tree' : metadata.scopes.join(', ');
  const subject =
    message?.trim() ||
    metadata.message?.trim() ||
    `Apply ${metadata.agent ? `${metadata.agent}'s` : 'a'} patch: ${scopes}`;
  return [
    subject,
    '',
    `Changes saved by ${who} with gitfence save-patch (scopes: ${scopes}) against base ${metadata.base}.`,
    '',
    `Gitfence-Agent: ${metadata.agent ?? '(none)'}`,
    `Gitfence-Scopes: ${metadata.scopes.join(' ')}`,
    `Gitfence-Base: ${metadata.base}`,
    `Gitfence-Patch-Sha256: ${metadata.sha256}`,
    '',
  ].join('\n');
}

/**
 * Commit exactly HEAD plus the patch's paths (as the index now holds them), through a private index,
 * so anything else staged in the real index stays staged and out of this commit. Hooks run as usual.
 */
async function commitPatch(
  git: GitRunner,
  cwd: string,
  temp: string,
  paths: string[],
  metadata: PatchMetadata,
  message: string | undefined,
): Promise<string> {
  const index = join(temp, 'commit-index');
  const env = { GIT_INDEX_FILE: index };
  const fail = (what: string, result: { code: number; stdout: string; stderr: string }) =>
    new GitfenceError(
      'GIT_FAILED',
      `${what} failed (exit ${result.code}); the patch was rolled back`,
      {
        where: cwd,
        got:
          `${result.stdout}${result.stderr}`.trim().split('\n').slice(-6).join('\n    ') ||
          'no output',
        hint: 'fix what git or the hook reported, then run apply-patch again',
      },
    );
  const read = await git.run(['read-tree', 'HEAD'], { cwd, env });
  if (read.code !== 0) throw fail('git read-tree HEAD', read);
  const entries = await git.run(
    ['ls-files', '-s', '-z', '--', ...paths.map((p) => `:(top,literal)${p}`)],
    { cwd },
  );
  if (entries.code !== 0) throw fail('git ls-files', entries);
  const removal = paths.map((p) => `0 ${'0'.repeat(40)}\t${p}`);
  const lines = [...removal, ...entries.stdout.split('\0').filter(Boolean)];
  const update = await git.run(['update-index', '-z', '--index-info'], {
    cwd,
    env,
    input: `${lines.join('\0')}\0`,
  });
  if (update.code !== 0) throw fail('git update-index', update);
  const commit = await git.run(['commit', '-q', '-F', '-'], {
    cwd,
    env,
    input: renderCommitMessage(metadata, message),
  });
  if (commit.code !== 0) throw fail('git commit', commit);
  const head = await git.run(['rev-parse', 'HEAD'], { cwd });
  return head.stdout.trim();
}
