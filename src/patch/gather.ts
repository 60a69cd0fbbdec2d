/**
 * Builds the scoped patch without touching the real index, working tree or object store. A private
 * index holds only the scope's entries, so the cost follows the scope rather than the repository,
 * and `git diff <base>` compares it with the working tree: changed files are read where they lie,
 * so nothing is hashed into an object store and no file is written but that one index. Scopes with
 * submodules take the older route (changed files hashed into a private object directory, then
 * `diff --cached`), because a working-tree diff would also report their uncommitted insides.
 * Either way it works while `.git` is write-locked and leaves nothing behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitfenceError } from '../errors.js';
import { undecodablePath } from '../scopes/match.js';
import type { RepoInfo } from '../repo/discover.js';
import type { GitResult, GitRunner } from '../util/git-runner.js';
import { readHeadFromFiles } from './head.js';
import { warmHashing } from './metadata.js';
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

/**
 * For the commands on the private index: no stat refresh written back (the diff reads what it
 * needs), and no file-system monitor that could vouch for entries this index never recorded.
 */
const PRIVATE_INDEX_CONFIG = ['-c', 'diff.autoRefreshIndex=false', '-c', 'core.fsmonitor=false'];

export const DIFF_ARGS = [
  'diff',
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

/**
 * One read-only listing of the scope against the real index: its entries (H; S when
 * skip-worktree), and what differs in the working tree: modified (C), deleted (R), untracked and
 * not ignored (?). The tag is lower-case for entries marked assume-unchanged. It changes nothing,
 * so a caller may start it early and run other work while git reads.
 */
export function listScope(
  git: GitRunner,
  cwd: string,
  scopes: readonly string[],
): Promise<GitResult & { stdoutBuffer: Buffer }> {
  return git.run(
    [
      ...DIFF_CONFIG,
      'ls-files',
      '-z',
      '-v',
      '-s',
      '-c',
      '-m',
      '-d',
      '-o',
      '--exclude-standard',
      '--',
      ...pathspecsFor(scopes),
    ],
    { cwd, env: { GIT_OPTIONAL_LOCKS: '0' } },
  );
}

export interface GatherOptions {
  git: GitRunner;
  repo: RepoInfo;
  scopes: readonly string[];
  tmpRoot?: string;
  /** `listScope` of these scopes in the working tree, already started. */
  listing?: Promise<GitResult>;
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
    readHeadFromFiles(repo.gitDir, repo.commonDir) ?? (await readHead(git, cwd));

  const specs = pathspecsFor(scopes);
  const listed = await (options.listing ?? listScope(git, cwd, scopes));
  if (listed.code !== 0) throw gitFailed('ls-files', listed, cwd);
  const listing = readListing(listed.stdout, scopes);
  const { skipped } = listing;

  const temp = mkdtempSync(join(options.tmpRoot ?? tmpdir(), 'gitfence-patch-'));
  try {
    // The temp dir is also the object directory (the real one as an alternate): the submodule
    // route hashes changed files into it, and any other write git might make lands there too.
    const env = {
      GIT_INDEX_FILE: join(temp, 'index'),
      GIT_OBJECT_DIRECTORY: temp,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: join(repo.commonDir, 'objects'),
      GIT_OPTIONAL_LOCKS: '0',
    };
    const cached = listing.submodules;
    if (cached) await hashScopeIndex(git, cwd, env, listing.entries, listing.changed);
    else await buildScopeIndex(git, cwd, env, listing, base.length);
    const diff = (paths: string[]) => diffScope(git, cwd, env, base, paths, cached);

    const pending = diff(specs);
    // the patch's sha256 comes next: node:crypto loads while git works
    setImmediate(warmHashing);
    let patch = await pending;
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
        patch = await diff(keep.map((p) => `:(top,literal)${p}`));
        files = parsePatch0(patch);
      }
    }
    return { base, branch, patch, files, skipped };
  } finally {
    rmSync(temp, { recursive: true, force: true });
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
  /** Modified or untracked paths in scope: their content comes from the working tree. */
  changed: string[];
  /** The index mode of each changed path git tracks (stage 0, else the first stage listed). */
  modes: Map<string, string>;
  /** A submodule (gitlink) is in scope. */
  submodules: boolean;
  /** An unchanged entry is skip-worktree or assume-unchanged: the index, not the file, holds it. */
  pinned: boolean;
  skipped: string[];
}

/** Parse `ls-files -z -v -s -c -m -d -o` output, keeping only paths inside the scopes. */
export function readListing(stdout: string, scopes: readonly string[]): Listing {
  const cached = new Map<string, string[]>();
  const modified = new Set<string>();
  const removed = new Set<string>();
  const skipped: string[] = [];
  const fromIndex = new Set<string>();
  let submodules = false;
  const undecodable: string[] = [];
  for (const record of splitZ(stdout)) {
    const letter = record[0]!;
    const tag = letter.toUpperCase();
    const rest = record.slice(2);
    // git listed it under the scope pathspecs, but its name lost bytes in decoding: it cannot be
    // saved as it is, and leaving it out would hand over less work than the agent has
    const named = tag === '?' ? rest : rest.slice(rest.indexOf('\t') + 1);
    if (undecodablePath(named)) {
      undecodable.push(named);
      continue;
    }
    if (tag === '?') {
      if (rest.endsWith('/')) skipped.push(rest);
      else if (pathInScopes(rest, scopes)) modified.add(rest);
      continue;
    }
    const tab = rest.indexOf('\t');
    if (tab === -1) continue;
    const path = rest.slice(tab + 1);
    if (!pathInScopes(path, scopes)) continue;
    if (rest.startsWith('160000 ')) submodules = true;
    if (tag === 'C') modified.add(path);
    else if (tag === 'R') removed.add(path);
    else {
      const lines = cached.get(path) ?? [];
      lines.push(rest);
      cached.set(path, lines);
      if (tag === 'S' || letter !== tag) fromIndex.add(path);
    }
  }
  if (undecodable.length > 0) {
    throw new GitfenceError('DENIED', 'save-patch cannot save files whose names are not UTF-8', {
      where: undecodable.join(', '),
      expected: 'file names in UTF-8 (git lists these inside the scope)',
      got: `${undecodable.length} name(s) with bytes that are not UTF-8 (shown as \uFFFD)`,
      hint: 'rename them to UTF-8 names (git mv, or mv for untracked files), then save again',
    });
  }
  for (const path of removed) modified.delete(path);
  const entries = [...cached]
    .filter(([path]) => !modified.has(path) && !removed.has(path))
    .flatMap(([, lines]) => lines);
  const pinned = [...fromIndex].some((path) => !modified.has(path) && !removed.has(path));
  const modes = new Map<string, string>();
  for (const path of modified) {
    const lines = cached.get(path);
    if (!lines) continue;
    const line = lines.find((l) => / 0\t/.test(l)) ?? lines[0]!;
    modes.set(path, line.slice(0, line.indexOf(' ')));
  }
  return { entries, changed: [...modified], modes, submodules, pinned, skipped };
}

/**
 * Beyond this many unchanged entries, marking them assume-unchanged (one more git call) is cheaper
 * than the diff reading and hashing each of their files.
 */
const REHASH_LIMIT = 64;

/**
 * The private index for a working-tree diff: unchanged entries as the real index has them, and
 * each changed path as an entry with no stat data, which git can never take for up to date, so
 * the diff reads the file itself. Its object id names no object: were it ever read instead of the
 * file, the diff would fail rather than carry wrong content. Its mode is the index's for a tracked
 * path (with core.fileMode=false git keeps that executable bit, as `git add` would), a regular
 * file's for a new one; git replaces it from the file as hashing it in would (a symlink, or the
 * executable bit when core.fileMode trusts it).
 */
async function buildScopeIndex(
  git: GitRunner,
  cwd: string,
  env: Record<string, string>,
  listing: Listing,
  oidLength: number,
): Promise<void> {
  const placeholder = `${'0'.repeat(oidLength - 1)}1`;
  const changed = listing.changed.map(
    (path) => `${listing.modes.get(path) ?? '100644'} ${placeholder} 0\t${path}`,
  );
  const indexInfo = async (lines: string[], assumeUnchanged: boolean) => {
    // no index file at all is an empty index to git
    if (lines.length === 0) return;
    const result = await git.run(
      [
        ...PRIVATE_INDEX_CONFIG,
        '-c',
        `core.ignoreStat=${assumeUnchanged}`,
        'update-index',
        '-z',
        '--index-info',
      ],
      { cwd, env, input: `${lines.join('\0')}\0` },
    );
    if (result.code !== 0) throw gitFailed('update-index (temporary index)', result, cwd);
  };
  if (changed.length === 0 || (listing.entries.length <= REHASH_LIMIT && !listing.pinned)) {
    // with no changed entries every entry may be marked; otherwise a few unchanged files are re-read
    await indexInfo([...listing.entries, ...changed], changed.length === 0);
    return;
  }
  // core.ignoreStat marks the entries it adds assume-unchanged: the diff takes them from the index
  await indexInfo(listing.entries, true);
  await indexInfo(changed, false);
}

/** Command lines stay well under every platform's argument limit; longer lists go through stdin. */
const ARGV_BUDGET = 64 * 1024;

/** The submodule route's private index: changed files hashed into the private object directory. */
async function hashScopeIndex(
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

async function diffScope(
  git: GitRunner,
  cwd: string,
  env: Record<string, string>,
  base: string,
  specs: string[],
  cached: boolean,
): Promise<Buffer> {
  const args = [
    ...DIFF_CONFIG,
    ...PRIVATE_INDEX_CONFIG,
    ...DIFF_ARGS,
    ...(cached ? ['--cached'] : []),
    base,
    '--',
    ...specs,
  ];
  const result = await git.run(args, {
    cwd,
    env,
    binary: true,
  });
  if (result.code !== 0) throw gitFailed('diff (temporary index)', result, cwd);
  return result.stdoutBuffer;
}
