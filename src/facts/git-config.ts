/**
 * The git reads facts need: alias table, ref names, worktree roots. One git process each, never more.
 * TEMPORARY: `gatherAliases`/`gatherRefs` here stand in for `src/git/gather-config.ts` until it lands.
 */
import type { GitRunner } from '../util/git-runner.js';

export interface GitReadOptions {
  cwd: string;
  git: GitRunner;
}

/** `alias.*` from every config file git reads in `cwd` (includes and `includeIf` resolved by git itself). */
export async function gatherAliases({ cwd, git }: GitReadOptions): Promise<Record<string, string>> {
  const result = await git.run(['config', '-z', '--get-regexp', '^alias\\.'], { cwd });
  const aliases: Record<string, string> = {};
  // exit 1: no alias at all
  if (result.code !== 0) return aliases;
  for (const entry of result.stdout.split('\0')) {
    if (entry === '') continue;
    const newline = entry.indexOf('\n');
    const key = newline === -1 ? entry : entry.slice(0, newline);
    const value = newline === -1 ? '' : entry.slice(newline + 1);
    // later files override earlier ones, as git resolves them
    aliases[key.slice('alias.'.length)] = value;
  }
  return aliases;
}

/** Short names of every branch, tag and remote-tracking ref. */
export async function gatherRefs({ cwd, git }: GitReadOptions): Promise<string[]> {
  const result = await git.run(['for-each-ref', '--format=%(refname:short)'], { cwd });
  if (result.code !== 0) return [];
  return result.stdout.split('\n').filter((line) => line !== '');
}

/** Absolute roots of every worktree of the repository. */
export async function gatherWorktreeRoots({ cwd, git }: GitReadOptions): Promise<string[]> {
  const result = await git.run(['worktree', 'list', '--porcelain'], { cwd });
  if (result.code !== 0) return [];
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('worktree '))
    .map((line) => line.slice('worktree '.length));
}
