/**
 * The one rule for the environment gitfence's own git processes get, by purpose. Every runner gitfence
 * builds (util/git-runner `ownGitRunner`, facts/real-git `createRealGitRunner`) goes through it.
 *
 * Three classes of variable:
 * - REDIRECT (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_COMMON_DIR, the object directories,
 *   GIT_NAMESPACE, GIT_PREFIX, GIT_SHALLOW_FILE, GIT_REPLACE_REF_BASE): they point git at another
 *   repository, index, worktree or part of one. Dropped when gitfence inspects the repository at
 *   cwd: a caller's `GIT_DIR=/elsewhere gitfence …` must not make gitfence read or write another
 *   repository's policy, leases, write-lock or refs.
 * - REINTERPRET (GIT_EXTERNAL_DIFF, GIT_DIFF_OPTS, the *_PATHSPECS switches): they change how git
 *   reads gitfence's own arguments or prints what gitfence parses. Dropped with the redirects.
 * - everything else is kept, on purpose: config injection (GIT_CONFIG_COUNT/KEY_n/VALUE_n,
 *   GIT_CONFIG_PARAMETERS, GIT_CONFIG_GLOBAL/SYSTEM/NOSYSTEM) is how a caller makes git usable at
 *   all, e.g. `safe.directory` when root inspects a repository an agent user owns; identity
 *   (GIT_AUTHOR_*, GIT_COMMITTER_*) names who made a snapshot; HOME, PATH, locale as the caller has them.
 *
 * 'as-called' keeps every class: git then acts for a call whose environment names its repository on
 * purpose. The shim's decision reads the aliases, refs and worktree roots the agent's call would see
 * (with its GIT_DIR: that call is what the evaluator judges, and the path guard denies a GIT_DIR
 * outside the allowed roots), and git sets GIT_DIR/GIT_INDEX_FILE itself for the hooks it runs
 * (`commit -a` stages into a temporary index the pre-commit hook must read). Repository discovery
 * still drops the redirects on every runner (`REDIRECTS_UNSET`): where gitfence's own state lives
 * is always decided by cwd.
 */

export type GitEnv = Record<string, string | undefined>;

export type GitEnvPurpose =
  /** gitfence inspects or changes the repository at cwd: CLI commands, write-lock, patches, snapshots. */
  | 'repository-at-cwd'
  /** git works for a call as its caller made it: the shim's decision facts, git hooks. */
  | 'as-called';

/** Variables that point git at another repository, index, worktree or part of one. */
export const REDIRECT_VARIABLES = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_PREFIX',
  'GIT_SHALLOW_FILE',
  'GIT_REPLACE_REF_BASE',
] as const;

/** Variables that change how git reads gitfence's arguments or formats what gitfence parses. */
export const REINTERPRET_VARIABLES = [
  'GIT_EXTERNAL_DIFF',
  'GIT_DIFF_OPTS',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
] as const;

const DROPPED_AT_CWD: ReadonlySet<string> = new Set([
  ...REDIRECT_VARIABLES,
  ...REINTERPRET_VARIABLES,
]);

/** A run-options overlay that unsets every redirect: discovery always asks about cwd. */
export const REDIRECTS_UNSET: Readonly<GitEnv> = Object.freeze(
  Object.fromEntries(REDIRECT_VARIABLES.map((name) => [name, undefined])),
);

/** Whether gitfence's own git keeps `name` for `purpose`. */
export function keepsGitVariable(name: string, purpose: GitEnvPurpose): boolean {
  return purpose === 'as-called' || !DROPPED_AT_CWD.has(name);
}

/** The environment for gitfence's own git processes with this purpose (a new object; `env` untouched). */
export function gitEnvFor(env: GitEnv, purpose: GitEnvPurpose): GitEnv {
  if (purpose === 'as-called') return { ...env };
  const out: GitEnv = {};
  for (const [name, value] of Object.entries(env)) if (!DROPPED_AT_CWD.has(name)) out[name] = value;
  return out;
}
