/**
 * The pre-push edge: git's pre-push protocol on stdin → a PushRequest (ancestry, touched files with
 * sizes, added lines), with one `git log --raw -p --remerge-diff` over the commits the remote does
 * not have (and a `--cc` read of any octopus merge among them).
 */
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { GitfenceError } from '../errors.js';
import { ZERO_SHA_PATTERN } from '../evaluate/push.js';
import type { PushRefUpdate } from '../evaluate/types.js';
import type { GitRunner } from '../util/git-runner.js';
import {
  LOG_FORMAT,
  PATCH_FLAGS,
  PatchLogParser,
  sectionKey,
  TextBlobJudge,
  type ParsedChange,
} from './diff-parse.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Before every git command of the push check: `git push` sends the objects themselves, never what
 * `refs/replace/*` substitutes for them, so the check must read those same objects.
 */
export const PUSHED_OBJECTS = '--no-replace-objects';

/**
 * What a merge commit changes beyond git's own automatic merge of its parents: conflict
 * resolutions and anything else edited in the merge, never again what its parents brought (those
 * commits are in the range and checked themselves, or the remote has them already). Not
 * `--diff-merges=first-parent` or `-m`: they show what the other parents brought as the merge's
 * own change. Not `--cc`: it hides a merge that takes one parent's version of a file.
 */
export const MERGE_DIFF = '--remerge-diff';

/** `<local ref> SP <local sha> SP <remote ref> SP <remote sha> LF`, per githooks(5). */
export function parsePrePushInput(text: string): PushRefUpdate[] {
  const updates: PushRefUpdate[] = [];
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    const [localRef, localSha, remoteRef, remoteSha, ...rest] = line.split(' ');
    if (
      !localRef ||
      !remoteRef ||
      !localSha ||
      !remoteSha ||
      rest.length > 0 ||
      !SHA.test(localSha) ||
      !SHA.test(remoteSha)
    ) {
      throw new GitfenceError('USAGE', "unreadable pre-push input (git's pre-push protocol)", {
        where: `stdin line ${index + 1}`,
        expected: '<local ref> <local sha> <remote ref> <remote sha>',
        got: JSON.stringify(raw),
        hint: 'this command is run by git as the pre-push hook; do not call it by hand',
      });
    }
    updates.push({ localRef, localSha, remoteRef, remoteSha });
  }
  return updates;
}

/** Fast-forwardness by ancestry; a remote tip we do not have cannot be in our history. */
export async function gatherFastForward(
  updates: PushRefUpdate[],
  git: GitRunner,
  cwd: string,
): Promise<PushRefUpdate[]> {
  return Promise.all(
    updates.map(async (update) => {
      if (ZERO_SHA_PATTERN.test(update.localSha) || ZERO_SHA_PATTERN.test(update.remoteSha))
        return update;
      const result = await git.run(
        [PUSHED_OBJECTS, 'merge-base', '--is-ancestor', update.remoteSha, update.localSha],
        { cwd },
      );
      // Not an ancestor, or a remote tip we do not have (so not in our history): not a fast-forward.
      return { ...update, fastForward: result.code === 0 };
    }),
  );
}

/** The revisions git log walks: new tips, minus what the remote already has. */
export function pushRangeArgs(
  updates: PushRefUpdate[],
  remote: { name: string; url: string },
): string[] | null {
  const tips = [
    ...new Set(updates.map((u) => u.localSha).filter((sha) => !ZERO_SHA_PATTERN.test(sha))),
  ];
  if (tips.length === 0) return null;
  const known = [
    ...new Set(updates.map((u) => u.remoteSha).filter((sha) => !ZERO_SHA_PATTERN.test(sha))),
  ];
  // Pushing to a bare URL, git passes the URL as the name: exclude every remote-tracking ref then.
  const remotes =
    remote.name && remote.name !== remote.url ? `--remotes=${remote.name}` : '--remotes';
  return [...tips, '--not', remotes, ...known];
}

export interface GatheredChange extends ParsedChange {
  sizes: Map<string, number>;
}

/** The real git to stream from (never the shim): see `realGitEnv`. */
export interface StreamingGit {
  gitPath: string;
  env: Record<string, string | undefined>;
}

function spawnEnv(real: StreamingGit): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(real.env)) if (value !== undefined) env[key] = value;
  return env;
}

/** `git cat-file --batch-check` started alongside the log: blob ids in, sizes out. */
function startSizeLookup(real: StreamingGit, cwd: string) {
  const child = spawn(
    real.gitPath,
    [PUSHED_OBJECTS, 'cat-file', '--batch-check=%(objectname) %(objectsize)'],
    { cwd, env: spawnEnv(real), stdio: ['pipe', 'pipe', 'ignore'] },
  );
  const out: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  // cat-file may exit early (a bad repository); the log's own failure reports that.
  child.stdin.on('error', () => {});
  const done = new Promise<Map<string, number>>((resolve) => {
    child.on('error', () => resolve(new Map()));
    child.on('close', () => {
      const sizes = new Map<string, number>();
      for (const line of Buffer.concat(out).toString('utf8').split('\n')) {
        const [sha, size] = line.split(' ');
        if (sha && size && /^\d+$/.test(size)) sizes.set(sha, Number(size));
      }
      resolve(sizes);
    });
  });
  // Started early so its start-up overlaps the log; the ids go in one write at the end, because a
  // write per id (or per chunk) costs the log's reader more than cat-file's lookups take.
  const ids: string[] = [];
  return {
    add: (blob: string) => {
      ids.push(blob);
    },
    finish: () => {
      child.stdin.end(ids.length > 0 ? `${ids.join('\n')}\n` : '');
      return done;
    },
  };
}

/** Run git and feed its stdout to `parser` as it arrives, so parsing overlaps git's own diffing. */
export function streamPatchLog(
  real: StreamingGit,
  args: string[],
  cwd: string,
  parser: PatchLogParser,
): Promise<{ code: number; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(real.gitPath, args, {
      cwd,
      env: spawnEnv(real),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const decoder = new StringDecoder('utf8');
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => parser.push(decoder.write(chunk)));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      parser.push(decoder.end());
      done({ code: code ?? 1, stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

/** Run git for its whole stdout (small outputs only). */
function collect(
  real: StreamingGit,
  args: string[],
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(real.gitPath, args, {
      cwd,
      env: spawnEnv(real),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
}

/**
 * The blobs among `blobs` git's content check finds text, with one streamed `git cat-file --batch`
 * (see `TextBlobJudge`).
 */
export function textBlobs(real: StreamingGit, cwd: string, blobs: string[]): Promise<Set<string>> {
  return new Promise((done, fail) => {
    const child = spawn(real.gitPath, [PUSHED_OBJECTS, 'cat-file', '--batch'], {
      cwd,
      env: spawnEnv(real),
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    const judge = new TextBlobJudge();
    child.stdout.on('data', (chunk: Buffer) => judge.push(chunk));
    child.stdin.on('error', () => {});
    child.on('error', fail);
    child.on('close', (code) => {
      if (code !== 0) {
        fail(
          new GitfenceError('GIT_FAILED', 'cannot read the pushed files git showed as binary', {
            where: 'git cat-file --batch',
            hint: 'check the repository with `git fsck`; the push was refused',
          }),
        );
      } else done(judge.text);
    });
    child.stdin.end(`${blobs.join('\n')}\n`);
  });
}

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/**
 * `-c` settings that make the remerge git's own automatic merge, whatever the pusher configured:
 * a custom merge driver (`merge.<name>.driver`, chosen by a `merge` attribute or `merge.default`)
 * is a command whose output would be the remerge, so it could write the merge's own additions
 * there and hide them; each becomes git's plain three-way file merge. Renormalizing would run
 * the configured clean filters on both sides, another command with the same power.
 */
export async function remergeSettings(real: StreamingGit, cwd: string): Promise<string[]> {
  const found = await collect(
    real,
    [PUSHED_OBJECTS, 'config', '--name-only', '-z', '--get-regexp', '^merge\\..+\\.driver$'],
    cwd,
  );
  // 1: no such setting
  if (found.code !== 0 && found.code !== 1) {
    throw new GitfenceError(
      'GIT_FAILED',
      'cannot read the merge drivers the configuration defines',
      {
        where: 'git config --get-regexp merge.*.driver',
        got: found.stderr.trim(),
        hint: 'fix the git configuration; the push was refused',
      },
    );
  }
  const settings = ['-c', 'merge.renormalize=false'];
  const textMerge = `${shellQuote(real.gitPath)} merge-file -q --marker-size=%L %A %O %B`;
  for (const key of found.stdout.split('\0')) {
    if (key === '') continue;
    // `-c` splits at the first '=': a name with one cannot be overridden, so nothing is trusted
    if (key.includes('=') || key.includes('\n')) {
      throw new GitfenceError('CONFIG_INVALID', 'a merge driver name the check cannot override', {
        where: 'git config',
        got: JSON.stringify(key),
        hint: 'rename the merge driver (no "=" in its name); the push was refused',
      });
    }
    settings.push('-c', `${key}=${textMerge}`);
  }
  return settings;
}

/**
 * The pushed commits in one streamed log walk, merges without their diff; then what each merge
 * changes beyond git's own automatic merge (see MERGE_DIFF), and for an octopus merge (which
 * `--remerge-diff` skips) what none of its parents has (`--cc`). Blob sizes are looked up alongside
 * by one `cat-file --batch-check`.
 */
export async function gatherPushedChange(
  updates: PushRefUpdate[],
  remote: { name: string; url: string },
  edge: {
    real: StreamingGit;
    cwd: string;
    /** Whether the unified diff is still wanted (only custom checks read it); asked as output arrives. */
    keepDiff?: () => boolean;
  },
): Promise<GatheredChange> {
  const range = pushRangeArgs(updates, remote);
  if (!range) return { commits: [], files: [], addedLines: [], diff: '', sizes: new Map() };
  const logArgs = (
    settings: string[],
    merges: string,
    revisions: string[],
    paths: string[] = [],
  ) => [
    PUSHED_OBJECTS,
    // paths named after `--` are file names, never globs or magic
    ...(paths.length > 0 ? ['--literal-pathspecs'] : []),
    '-c',
    'core.quotePath=false',
    ...settings,
    'log',
    // a root commit's files are a diff too, whatever log.showRoot says
    '--root',
    merges,
    ...PATCH_FLAGS,
    ...(paths.length > 0 ? ['--text'] : []),
    LOG_FORMAT,
    ...revisions,
    '--',
    ...paths,
  ];
  // called only for output, which arrives after `sizes` exists
  const parser = new PatchLogParser((blob) => sizes.add(blob), edge.keepDiff);
  const failed = (where: string, stderr: string) =>
    new GitfenceError('GIT_FAILED', 'cannot list the commits being pushed', {
      where,
      got: stderr.trim(),
      hint: 'check the repository with `git fsck`; the push was refused',
    });
  // git log is the long pole: it is spawned first; cat-file is spawned before any of its output is read.
  const logDone = streamPatchLog(
    edge.real,
    logArgs([], '--diff-merges=off', ['--ignore-missing', ...range]),
    edge.cwd,
    parser,
  );
  const sizes = startSizeLookup(edge.real, edge.cwd);
  const read = async () => {
    const log = await logDone;
    if (log.code !== 0) throw failed(`git log ${range.join(' ')}`, log.stderr);
    // Merges are rare: their reads (and the configuration they need) cost nothing without one.
    const rereads: Array<[string, string[], string[]]> = [];
    if (parser.merges.length > 0)
      rereads.push([MERGE_DIFF, await remergeSettings(edge.real, edge.cwd), parser.merges]);
    if (parser.octopusMerges.length > 0) rereads.push(['--cc', [], parser.octopusMerges]);
    // one after the other: they feed the same parser
    for (const [mode, settings, shas] of rereads) {
      const again = await streamPatchLog(
        edge.real,
        logArgs(settings, mode, ['--no-walk=unsorted', ...shas]),
        edge.cwd,
        parser,
      );
      if (again.code !== 0) throw failed(`git log ${mode} ${shas.join(' ')}`, again.stderr);
    }
    if (parser.binaries.length > 0) await readBinariesAsText(rereads);
  };
  /**
   * A `-diff` or `binary` attribute (which the pushed commits' own `.gitattributes` can set), or a
   * diff driver's `binary`, makes git print `Binary files … differ` for a text file, and its added
   * lines would never be checked. Sections whose new blob git's content check finds text are read
   * again with `--text`, in the same mode as the first time; anything not found again refuses.
   */
  const readBinariesAsText = async (rereads: Array<[string, string[], string[]]>) => {
    const blobs = [...new Set(parser.binaries.flatMap((b) => (b.blob ? [b.blob] : [])))];
    const text = blobs.length > 0 ? await textBlobs(edge.real, edge.cwd, blobs) : new Set();
    const wanted = parser.binaries.filter((b) => b.blob === undefined || text.has(b.blob));
    if (wanted.length === 0) return;
    const modeOf = new Map<string, [string, string[]]>();
    for (const [mode, settings, shas] of rereads)
      for (const sha of shas) modeOf.set(sha, [mode, settings]);
    const groups = new Map<
      string,
      { settings: string[]; commits: Set<string>; paths: Set<string> }
    >();
    for (const { commit, path } of wanted) {
      const [mode, settings] = modeOf.get(commit) ?? ['--diff-merges=off', []];
      const group = groups.get(mode) ?? { settings, commits: new Set(), paths: new Set() };
      groups.set(mode, group);
      group.commits.add(commit);
      group.paths.add(path);
    }
    const missing = parser.readOnly(new Set(wanted.map((b) => sectionKey(b.commit, b.path))));
    for (const [mode, { settings, commits, paths }] of groups) {
      const again = await streamPatchLog(
        edge.real,
        logArgs(settings, mode, ['--no-walk=unsorted', ...commits], [...paths]),
        edge.cwd,
        parser,
      );
      if (again.code !== 0) throw failed(`git log --text ${mode}`, again.stderr);
    }
    const lost = missing();
    if (lost.length > 0) {
      throw new GitfenceError(
        'GIT_FAILED',
        'cannot read the added lines of a file git showed as binary',
        {
          where: 'git log --text',
          got: lost.map((key) => key.replace('\0', ' ')).join(', '),
          hint: 'the push was refused',
        },
      );
    }
  };
  const failure = await read().then(
    () => undefined,
    (error: unknown) => error ?? new Error('reading the pushed commits failed'),
  );
  // cat-file ends once its input does, whatever happened to the log
  const found = await sizes.finish();
  if (failure !== undefined) throw failure;
  // Not spread: `diff` is a lazy getter, built only when a custom check reads it.
  const change = parser.end() as GatheredChange;
  change.sizes = found;
  return change;
}

/** Sizes of every blob the change carries, in one `git cat-file --batch-check`. */
export async function gatherBlobSizes(
  parsed: ParsedChange,
  git: GitRunner,
  cwd: string,
): Promise<Map<string, number>> {
  const blobs = [...new Set(parsed.files.flatMap((f) => f.blobs))];
  const sizes = new Map<string, number>();
  if (blobs.length === 0) return sizes;
  const result = await git.run(['cat-file', '--batch-check=%(objectname) %(objectsize)'], {
    cwd,
    input: `${blobs.join('\n')}\n`,
  });
  for (const line of result.stdout.split('\n')) {
    const [sha, size] = line.split(' ');
    if (sha && size && /^\d+$/.test(size)) sizes.set(sha, Number(size));
  }
  return sizes;
}

/** Files with the largest size any pushed version of them has. */
export function filesWithSizes(change: GatheredChange) {
  return change.files.map((file) => {
    const sizes = file.blobs
      .map((blob) => change.sizes.get(blob))
      .filter((s): s is number => s !== undefined);
    return sizes.length > 0
      ? { path: file.path, status: file.status, size: Math.max(...sizes) }
      : { path: file.path, status: file.status };
  });
}
