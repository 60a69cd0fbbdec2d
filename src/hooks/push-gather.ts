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
import { LOG_FORMAT, PATCH_FLAGS, PatchLogParser, type ParsedChange } from './diff-parse.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Before every git command of the push check: `git push` sends the objects themselves, never what
 * `refs/replace/*` substitutes for them, so the check must read those same objects.
 */
export const PUSHED_OBJECTS = '--no-replace-objects';

/**
 * What a merge commit changes beyond git's own automatic merge of its parents: conflict
 * resolutions and anything else edited in the merge, never again what its parents brought (those
 * commits are in the range and checked themselves, or the remote has them already).
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

/** One streamed log walk; blob sizes are looked up alongside by one `cat-file --batch-check`. */
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
  const logArgs = (merges: string, revisions: string[]) => [
    PUSHED_OBJECTS,
    '-c',
    'core.quotePath=false',
    'log',
    // a root commit's files are a diff too, whatever log.showRoot says
    '--root',
    merges,
    ...PATCH_FLAGS,
    LOG_FORMAT,
    ...revisions,
    '--',
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
    logArgs(MERGE_DIFF, ['--ignore-missing', ...range]),
    edge.cwd,
    parser,
  );
  const sizes = startSizeLookup(edge.real, edge.cwd);
  const log = await logDone;
  // --remerge-diff shows nothing for a merge of more than two parents: the combined diff shows
  // what such a merge has that none of its parents has.
  const octopus =
    log.code === 0 && parser.octopusMerges.length > 0
      ? await streamPatchLog(
          edge.real,
          logArgs('--cc', ['--no-walk=unsorted', ...parser.octopusMerges]),
          edge.cwd,
          parser,
        )
      : { code: 0, stderr: '' };
  const found = await sizes.finish();
  if (log.code !== 0) throw failed(`git log ${range.join(' ')}`, log.stderr);
  if (octopus.code !== 0)
    throw failed(`git log --cc ${parser.octopusMerges.join(' ')}`, octopus.stderr);
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
