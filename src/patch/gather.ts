/**
 * Builds the scoped patch without touching the real index, working tree or object store: a private
 * index holding only the scope's entries and a private object directory (the real one as an
 * alternate) take every write, so this works while `.git` is write-locked, leaves nothing behind,
 * and costs in proportion to the scope rather than the repository.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';
import { readHeadFromFiles } from './head.js';
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
  const { base, branch } =
    (await readHeadFromFiles(repo.gitDir, repo.commonDir)) ?? (await readHead(git, cwd));

  const specs = pathspecsFor(scopes);
  // One read-only listing against the real index: the scope's entries (H), and what differs in the
  // working tree: modified (C), deleted (R), untracked and not ignored (?).
  const listed = await git.run(
    [
      ...DIFF_CONFIG,
      'ls-files',
      '-z',
      '-t',
      '-s',
      '-c',
      '-m',
      '-d',
      '-o',
      '--exclude-standard',
      '--',
      ...specs,
    ],
    { cwd, env: { GIT_OPTIONAL_LOCKS: '0' } },
  );
  if (listed.code !== 0) throw gitFailed('ls-files', listed, cwd);
  const { entries, changed, skipped } = readListing(listed.stdout, scopes);

  const temp = await mkdtemp(join(options.tmpRoot ?? tmpdir(), 'gitfence-patch-'));
  try {
    // A private index holding only the scope (so its cost follows the scope, not the repository),
    // and a private object directory for the blobs of changed files.
    await mkdir(join(temp, 'objects'));
    const env = {
      GIT_INDEX_FILE: join(temp, 'index'),
      GIT_OBJECT_DIRECTORY: join(temp, 'objects'),
      GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.commonDir, 'objects'),
      GIT_OPTIONAL_LOCKS: '0',
    };
    await buildScopeIndex(git, cwd, env, entries, changed);

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

/** `<sha>\n<branch or HEAD>\n` from one rev-parse; no commit yet is a usage error. */
async function readHead(
  git: GitRunner,
  cwd: string,
): Promise<{ base: string; branch: string | null }> {
  const head = await git.run(['rev-parse', 'HEAD^{commit}', '--abbrev-ref', 'HEAD'], { cwd });
  const [base, abbrev] = head.stdout.split('\n');
  if (head.code !== 0 || !base || !/^[0-9a-f]{40,64}$/.test(base)) {
    throw new GitfenceError('USAGE', 'the repository has no commit yet, so a patch has no base', {
      where: cwd,
      hint: 'make a first commit, then save the patch',
    });
  }
  return { base, branch: abbrev && abbrev !== 'HEAD' ? abbrev : null };
}

interface Listing {
  /** `mode sha stage\tpath` lines of unchanged index entries in scope, as `--index-info` takes them. */
  entries: string[];
  /** Modified or untracked paths in scope: hashed from the working tree. */
  changed: string[];
  skipped: string[];
}

/** Parse `ls-files -z -t -s -c -m -d -o` output, keeping only paths inside the scopes. */
export function readListing(stdout: string, scopes: readonly string[]): Listing {
  const cached = new Map<string, string[]>();
  const modified = new Set<string>();
  const removed = new Set<string>();
  const skipped: string[] = [];
  for (const record of splitZ(stdout)) {
    const tag = record[0];
    const rest = record.slice(2);
    if (tag === '?') {
      if (rest.endsWith('/')) skipped.push(rest);
      else if (pathInScopes(rest, scopes)) modified.add(rest);
      continue;
    }
    const tab = rest.indexOf('\t');
    if (tab === -1) continue;
    const path = rest.slice(tab + 1);
    if (!pathInScopes(path, scopes)) continue;
    if (tag === 'C') modified.add(path);
    else if (tag === 'R') removed.add(path);
    else {
      const lines = cached.get(path) ?? [];
      lines.push(rest);
      cached.set(path, lines);
    }
  }
  for (const path of removed) modified.delete(path);
  const entries = [...cached]
    .filter(([path]) => !modified.has(path) && !removed.has(path))
    .flatMap(([, lines]) => lines);
  return { entries, changed: [...modified], skipped };
}

/** Command lines stay well under every platform's argument limit; longer lists go through stdin. */
const ARGV_BUDGET = 64 * 1024;

async function buildScopeIndex(
  git: GitRunner,
  cwd: string,
  env: Record<string, string>,
  entries: string[],
  changed: string[],
): Promise<void> {
  const info = entries.length > 0 ? `${entries.join('\0')}\0` : '';
  const paths = changed.map((p) => `./${p}`);
  if (paths.reduce((n, p) => n + p.length + 1, 0) <= ARGV_BUDGET) {
    // one call: the changed paths are hashed first, then the unchanged entries are read from stdin
    const result = await git.run(
      ['update-index', '-z', '--add', '--replace', ...paths, '--index-info'],
      {
        cwd,
        env,
        input: info,
      },
    );
    if (result.code !== 0) throw gitFailed('update-index (temporary index)', result, cwd);
    return;
  }
  const first = await git.run(['update-index', '-z', '--index-info'], { cwd, env, input: info });
  if (first.code !== 0) throw gitFailed('update-index (temporary index)', first, cwd);
  const second = await git.run(['update-index', '-z', '--add', '--replace', '--stdin'], {
    cwd,
    env,
    input: `${changed.join('\0')}\0`,
  });
  if (second.code !== 0) throw gitFailed('update-index (temporary index)', second, cwd);
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
