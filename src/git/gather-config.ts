/**
 * Edge I/O for the invocation model: the alias table from every config file git reads here, and
 * the ref names that tell `checkout main` from `checkout file`. Per-call config (`-c`,
 * GIT_CONFIG_*) is left out on purpose: parseInvocation reads it from argv and env itself.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { GitRunner } from '../util/git-runner.js';

const PER_CALL = /^GIT_CONFIG_(COUNT|PARAMETERS|KEY_\d+|VALUE_\d+)$/;

/** The environment for reading config files only: per-call config variables removed. */
export function withoutPerCallConfig(
  env: Record<string, string | undefined>,
  also: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = { ...env };
  for (const key of [...Object.keys(env), ...Object.keys(also)]) {
    if (PER_CALL.test(key)) out[key] = undefined;
  }
  return out;
}

/** Parses `git config -z --get-regexp` output: `key\nvalue\0` records. */
export function parseConfigZ(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const record of text.split('\0')) {
    if (record === '') continue;
    const nl = record.indexOf('\n');
    const key = nl < 0 ? record : record.slice(0, nl);
    const value = nl < 0 ? 'true' : record.slice(nl + 1);
    if (key.startsWith('alias.')) out[key.slice(6).toLowerCase()] = value;
  }
  return out;
}

/** `alias.*` from system, global, repository and worktree config (includes resolved by git). */
export async function gatherAliases(
  cwd: string,
  git: GitRunner,
  env: Record<string, string | undefined>,
): Promise<Record<string, string>> {
  const result = await git.run(['config', '-z', '--get-regexp', '^alias\\.'], {
    cwd,
    env: withoutPerCallConfig(env),
  });
  // Exit 1 means "no such key": no aliases.
  if (result.code === 1 && result.stdout === '') return {};
  if (result.code !== 0) {
    throw new GitfenceError('GIT_FAILED', 'could not read the alias table from git config', {
      where: cwd,
      expected: 'git config --get-regexp to exit 0 or 1',
      got: `exit ${result.code}: ${result.stderr.trim()}`,
      hint: 'fix the config file git names above (aliases cannot be checked while it is broken)',
    });
  }
  return parseConfigZ(result.stdout);
}

/** The git dir shared by every worktree, found on disk (`.git` dir, `.git` file, `commondir`). */
export function findCommonDir(cwd: string): string | null {
  let dir = resolve(cwd);
  for (;;) {
    const dotgit = join(dir, '.git');
    let gitDir: string | null = null;
    try {
      const st = statSync(dotgit);
      if (st.isDirectory()) gitDir = dotgit;
      else if (st.isFile()) {
        const m = /^gitdir: (.+)$/m.exec(readFileSync(dotgit, 'utf8'));
        if (m) gitDir = resolve(dir, (m[1] as string).trim());
      }
    } catch {
      // not here; a bare repository is recognised below
    }
    if (
      gitDir === null &&
      existsSync(join(dir, 'HEAD')) &&
      existsSync(join(dir, 'refs')) &&
      existsSync(join(dir, 'objects'))
    )
      gitDir = dir;
    if (gitDir !== null) {
      try {
        const common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
        return resolve(gitDir, common);
      } catch {
        return gitDir;
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

const PREFIXES = ['refs/heads/', 'refs/tags/', 'refs/remotes/'];

function shortName(ref: string): string | null {
  for (const p of PREFIXES) if (ref.startsWith(p)) return ref.slice(p.length);
  return null;
}

function walkLoose(base: string, rel: string, out: Set<string>): void {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(join(base, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const path = `${rel}/${e.name}`;
    if (e.isDirectory()) walkLoose(base, path, out);
    else if (e.isFile() && !e.name.endsWith('.lock')) {
      const short = shortName(path);
      if (short !== null) out.add(short);
    }
  }
}

/** Short names of branches, tags and remote-tracking refs, read from the files git keeps them in. */
export function readRefsFromDisk(commonDir: string): string[] {
  const names = new Set<string>();
  for (const prefix of ['refs/heads', 'refs/tags', 'refs/remotes'])
    walkLoose(commonDir, prefix, names);
  try {
    for (const line of readFileSync(join(commonDir, 'packed-refs'), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
      const ref = line.slice(line.indexOf(' ') + 1).trim();
      const short = shortName(ref);
      if (short !== null) names.add(short);
    }
  } catch {
    // no packed-refs file
  }
  return [...names].sort();
}

/** Ref short names for `cwd`'s repository; [] outside one. Reads files; asks git only for reftable. */
export async function gatherRefs(cwd: string, git: GitRunner): Promise<string[]> {
  const commonDir = findCommonDir(cwd);
  if (commonDir !== null && !existsSync(join(commonDir, 'reftable')))
    return readRefsFromDisk(commonDir);
  const result = await git.run(
    ['for-each-ref', '--format=%(refname)', 'refs/heads', 'refs/tags', 'refs/remotes'],
    { cwd },
  );
  if (result.code !== 0) return [];
  const names = new Set<string>();
  for (const line of result.stdout.split('\n')) {
    const short = shortName(line.trim());
    if (short !== null) names.add(short);
  }
  return [...names].sort();
}
