/**
 * The git invocation model: what one `git …` argv means, as git itself would read it.
 * Produced by `parseInvocation` (pure); consumed by the evaluator and every enforcement point.
 */

/**
 * What a command does to work that is not safely stored yet. The parser computes effects from
 * the subcommand, its options (as git resolves bundles and abbreviations) and its operands, so
 * that presets and policies can name the danger instead of every spelling of it.
 */
export const EFFECTS = [
  'discard-worktree-changes', // restore (worktree), checkout -- paths, checkout -f, switch -f, reset --hard|--merge, checkout-index -f, read-tree -u --reset
  'delete-untracked-files', // clean without -n/--dry-run
  'stash-changes', // stash / stash push / stash save: other agents' edits vanish from a shared tree
  'drop-stash', // stash drop | clear
  'force-push', // push -f/--force (any spelling), +refspec, --mirror, --force alongside a lease
  'force-push-with-lease', // push --force-with-lease / --force-if-includes without a plain force
  'delete-remote-ref', // push --delete/-d, :ref refspec, --prune, --mirror
  'delete-branch-unmerged', // branch -D, --delete --force
  'delete-branch', // branch -d
  'reset-branch', // branch -f/--force <existing> (moves a branch tip)
  'remove-worktree-force', // worktree remove --force
  'remove-modified-files', // rm -f without --cached
  'delete-tag', // tag -d
  'expire-reflog', // reflog expire | delete
  'prune-objects', // gc --prune=now|all, prune
  'delete-ref', // update-ref -d, symbolic-ref -d
  'bypass-hooks', // --no-verify, commit -n, -c core.hooksPath=…, GIT_CONFIG_* injection, HUSKY=0
  'revert-commits', // revert
  'switch-branch', // checkout <branch>, switch <branch>
  'run-shell', // a `!` alias: runs a shell command
] as const;

export type Effect = (typeof EFFECTS)[number];

export interface GitOption {
  /** Canonical name: the long form where git has one (`--hard`, `--force`), else the short form (`-D`). */
  name: string;
  /** The value, for options that take one (`--source=HEAD`, `-m msg`, `-C dir`). */
  value?: string;
  /** Exactly what was typed (`--har`, `-fdx`, `-mmsg`). */
  raw: string;
  /** For an abbreviation git would reject as ambiguous: every option it could mean (deny wins). */
  candidates?: string[];
  /** True when this is the negation of a declared option (`--no-force`, or `--verify` for `--no-verify`). */
  negated?: boolean;
  /** The option as the command declares it (`--force`, `--no-verify`), when it differs from `name`. */
  declared?: string;
}

/** A `git config` call that writes or removes a variable (`git config alias.x '…'`, `--unset`). */
export interface ConfigWrite {
  op: 'set' | 'unset' | 'section';
  /** Canonical key, or the section name for `--remove-section`/`--rename-section`. */
  key: string;
  value: string | null;
}

export type ConfigSource =
  'command-line' | 'config-env' | 'GIT_CONFIG_COUNT' | 'GIT_CONFIG_PARAMETERS';

export interface ConfigEntry {
  key: string; // lower-cased section and name, as git compares them (`alias.x`, `core.hookspath`)
  value: string;
  source: ConfigSource;
}

export interface PathOption {
  /** `-C`, `--git-dir`, `--work-tree`, `GIT_DIR`, … */
  option: string;
  value: string;
  /** Absolute, resolved against the request's cwd and any earlier `-C`. */
  resolved: string;
}

export interface GitInvocation {
  /** argv after `git`, exactly as given. */
  raw: readonly string[];
  /** Global options before the subcommand, canonical. */
  globals: GitOption[];
  /** Config set for this call only: `-c`, `--config-env`, `GIT_CONFIG_COUNT/KEY/VALUE`, `GIT_CONFIG_PARAMETERS`. */
  config: ConfigEntry[];
  /** What the user typed as the subcommand (an alias, a dashed `git-reset` form), or null. */
  typed: string | null;
  /** The builtin git will run after alias expansion; null for plain `git`, `git --version`, … */
  subcommand: string | null;
  /** Aliases expanded, outermost first. */
  aliasChain: string[];
  /** The body of a `!` shell alias, when the call runs one. */
  shellAlias: string | null;
  /** argv after the subcommand, after alias expansion. */
  args: string[];
  /** Options of the subcommand, canonical, bundles split, abbreviations resolved. */
  options: GitOption[];
  /** Non-option arguments before `--`. */
  operands: string[];
  /** Arguments after `--`. */
  pathspecs: string[];
  doubleDash: boolean;
  /** What the call does to unsaved work (see EFFECTS). */
  effects: Effect[];
  /** Environment variables that change what git does (GIT_DIR, GIT_WORK_TREE, GIT_EXEC_PATH, HUSKY, …). */
  env: Record<string, string>;
  /** Every path-taking option and variable, for path guards. */
  paths: PathOption[];
  /** The directory git will run in, after `-C`. */
  cwd: string;
  /** What the model could not read with certainty (unknown option, alias loop, …): callers fail closed. */
  problems: string[];
  /** The verb of a command that has them (`stash drop` → `drop`), or null. */
  verb?: string | null;
  /** `-h`/`--help` among the options: git only prints usage. */
  help?: boolean;
  /** `--end-of-options` was given: every later argument is an operand. */
  endOfOptions?: boolean;
  /** For `git config` writes: what the call changes (alias definitions, core.hooksPath, …). */
  configWrite?: ConfigWrite | null;
  /** For a `!` shell alias: the git calls its body makes, parsed. */
  shellCalls?: GitInvocation[];
}
