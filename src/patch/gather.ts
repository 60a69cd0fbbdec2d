/**
 * Builds the scoped patch without touching the real index, working tree or object store: a copy of
 * the index and a private object directory (the real one as an alternate) take every write, so this
 * works while `.git` is write-locked and leaves nothing behind.
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';
import { parsePatch, type PatchFile } from './parse.js';
import { pathInScopes, pathspecsFor } from './scope-match.js';

/** Config that would change the patch's shape is pinned, whatever the user's config says. */
export const DIFF_CONFIG = [
  '-c',
  'core.quotePath=true',
  '-c',
  'diff.noprefix=false',
  '-c',
  'diff.mnemonicPrefix=false',
  '-c',
  'diff.relative=false',
  '-c',
  'color.ui=never',
];

export const DIFF_ARGS = [
  'diff',
  '--cached',
  '--binary',
  '-M',
  '--full-index',
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--src-prefix=a/',
  '--dst-prefix=b/',
];

export interface ScopedPatch {
  /** HEAD when the patch was made: the base it applies to. */
  base: string;
  branch: string | null;
  patch: Buffer;
  files: PatchFile[];
  /** Paths git listed that could not go into a patch (untracked nested repositories). */
  skipped: string[];
}

function gitFailed(
  what: string,
  result: { code: number; stderr: string },
  where: string,
): GitfenceError {
  return new GitfenceError('GIT_FAILED', `git ${what} failed (exit ${result.code})`, {
    where,
    expected: 'exit 0',
    got: result.stderr.trim().split('\n').slice(-3).join(' / ') || 'no output',
    hint: 'run the same git command yourself to see why; nothing was changed',
  });
}

function splitZ(text: string): string[] {
  return text.split('\0').filter((entry) => entry !== '');
}

export interface GatherOptions {
  git: GitRunner;
  repo: RepoInfo;
  scopes: readonly string[];
  tmpRoot?: string;
}

export async function gatherScopedPatch(options: GatherOptions): Promise<ScopedPatch> {
  const { git, repo, scopes } = options;
  const cwd = repo.topLevel;
  if (cwd === null) {
    throw new GitfenceError('USAGE', 'save-patch needs a working tree', {
      where: repo.gitDir,
      got: 'a bare repository',
      hint: 'run save-patch inside the working tree whose changes you want to save',
    });
  }
  // one call for the base and the branch: `<sha>\n<branch or HEAD>\n`
  const head = await git.run(['rev-parse', 'HEAD^{commit}', '--abbrev-ref', 'HEAD'], {
    cwd,
  });
  const [base, abbrev] = head.stdout.split('\n');
  if (head.code !== 0 || !base || !/^[0-9a-f]{40,64}$/.test(base)) {
    throw new GitfenceError('USAGE', 'the repository has no commit yet, so a patch has no base', {
      where: cwd,
      hint: 'make a first commit, then save the patch',
    });
  }
  const branch = abbrev && abbrev !== 'HEAD' ? abbrev : null;

  const temp = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'gitfence-patch-'));
  try {
    const index = join(temp, 'index');
    try {
      await copyFile(join(repo.gitDir, 'index'), index);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    await mkdir(join(temp, 'objects'));
    const env = {
      GIT_INDEX_FILE: index,
      GIT_OBJECT_DIRECTORY: join(temp, 'objects'),
      GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.commonDir, 'objects'),
      GIT_OPTIONAL_LOCKS: '0',
    };
    const specs = pathspecsFor(scopes);

    // One listing of what differs from the index in scope: modified, deleted, untracked (not ignored).
    const listed = await git.run(
      [...DIFF_CONFIG, 'ls-files', '-z', '-m', '-d', '-o', '--exclude-standard', '--', ...specs],
      { cwd, env },
    );
    if (listed.code !== 0) throw gitFailed('ls-files', listed, cwd);
    const skipped: string[] = [];
    const update = new Set<string>();
    for (const path of splitZ(listed.stdout)) {
      if (path.endsWith('/')) skipped.push(path);
      else if (pathInScopes(path, scopes)) update.add(path);
    }
    if (update.size > 0) {
      const updated = await git.run(
        ['update-index', '--add', '--remove', '--replace', '-z', '--stdin'],
        { cwd, env, input: `${[...update].join('\0')}\0` },
      );
      if (updated.code !== 0) throw gitFailed('update-index (temporary index)', updated, cwd);
    }

    let patch = await diff(git, cwd, env, base, specs);
    let files = parsePatch0(patch);
    const outside = files.filter((f) => !inScope(f, scopes));
    if (outside.length > 0) {
      // git's pathspec reached further than the scope matcher: list the in-scope paths literally.
      const keep = files
        .filter((f) => inScope(f, scopes))
        .flatMap((f) => (f.oldPath ? [f.oldPath, f.path] : [f.path]));
      if (keep.length === 0) {
        patch = Buffer.alloc(0);
        files = [];
      } else {
        patch = await diff(
          git,
          cwd,
          env,
          base,
          keep.map((p) => `:(top,literal)${p}`),
        );
        files = parsePatch0(patch);
      }
    }
    return { base, branch, patch, files, skipped };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

function inScope(file: PatchFile, scopes: readonly string[]): boolean {
  return (
    pathInScopes(file.path, scopes) &&
    (file.oldPath === undefined || pathInScopes(file.oldPath, scopes))
  );
}

function parsePatch0(patch: Buffer): PatchFile[] {
  return patch.length === 0 ? [] : parsePatch(patch);
}

async function diff(
  git: GitRunner,
  cwd: string,
  env: Record<string, string>,
  base: string,
  specs: string[],
): Promise<Buffer> {
  const result = await git.run([...DIFF_CONFIG, ...DIFF_ARGS, base, '--', ...specs], {
    cwd,
    env,
    binary: true,
  });
  if (result.code !== 0) throw gitFailed('diff (temporary index)', result, cwd);
  return result.stdoutBuffer;
}
