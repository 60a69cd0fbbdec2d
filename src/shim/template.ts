/**
 * The shim as a POSIX sh script. Its fast path spawns nothing: it finds the repository by walking
 * up from $PWD, sources the compiled fast-path data, and either execs the real git (for calls the
 * policy provably does not care about) or hands the call to `gitfence shim exec`. It never denies.
 */
import { SHIM_MARKER } from './resolve-git.js';

/**
 * 2: GF_GUARDED_SHORTS (an older shim would miss a file option inside a short bundle).
 * 3: GF_SCOPE_FAST (an agent's scoped status/diff from its scope file, without Node).
 * 4: subcommands outside FAST_PATH_SUBCOMMANDS delegate before the repository walk.
 * 5: fastpath.sh is compiled sh that sets GF_FAST (a v4 shim delegates every call on it, and this
 *    one every call on the v4 variables); a hot pass from the top directory before the walk.
 * 6: node starts the slow-path entry with the install's node flags (src/util/node-flags.ts); the
 *    top-directory block decides scoped calls too, so fastpath.sh is sourced once per call.
 */
export const SHIM_VERSION = 6;

export interface ShimTemplateInput {
  realGit: string;
  node: string;
  /** The gitfence CLI (`bin/gitfence.js`): the slow path runs `shim exec` there. */
  cli: string;
  /** The dedicated slow-path entry (`dist/shim-exec.cjs`), used while it exists (it loads less). */
  entry?: string | null;
  /** Node flags for the entry (FAST_START_FLAGS when this node accepts them). */
  nodeFlags?: readonly string[];
  /** Directory of dashed wrappers answered for `git --exec-path` (see docs/shim.md). */
  execShadow: string;
}

/** Single-quote for sh: the only character that needs care inside '…' is ' itself. */
export function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Read-only builtins the fast path may start from; rules, auto-scoping and path guards only remove.
 * Any other subcommand can never pass, so the shim delegates it before walking up for the repository.
 */
export const FAST_PATH_SUBCOMMANDS = [
  'rev-parse',
  'log',
  'show',
  'status',
  'diff',
  'branch',
  'tag',
  'ls-files',
  'ls-tree',
  'cat-file',
  'config',
  'rev-list',
  'describe',
  'show-ref',
  'for-each-ref',
  'merge-base',
  'name-rev',
  'count-objects',
  'var',
  'version',
  'help',
  'blame',
  'shortlog',
  'grep',
] as const;

/** Environment variables that move the repository or inject config: the fast path delegates when any is set. */
export const DELEGATE_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_EXEC_PATH',
  'GIT_CONFIG',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_PARAMETERS',
  'HUSKY',
  'GITFENCE_BREAKGLASS',
] as const;

/**
 * The arguments the shim may scope itself, per subcommand: value-less flags only, spelled in
 * full (an abbreviation, a flag taking a separate value, `--` or any operand delegates). Each is
 * read the same way by the evaluator's option tables, so the call it runs is the one it would run.
 */
export const SCOPED_FLAGS: Readonly<Record<string, readonly string[]>> = {
  status: [
    '-s',
    '--short',
    '--porcelain',
    '--porcelain=v1',
    '--porcelain=v2',
    '-b',
    '--branch',
    '--long',
    '-v',
    '--verbose',
    '-u',
    '-uno',
    '-unormal',
    '-uall',
    '--untracked-files',
    '--untracked-files=no',
    '--untracked-files=normal',
    '--untracked-files=all',
    '--show-stash',
    '--ahead-behind',
    '--no-ahead-behind',
    '--renames',
    '--no-renames',
    '-z',
  ],
  diff: [
    '-p',
    '-u',
    '--patch',
    '-s',
    '--no-patch',
    '--stat',
    '--numstat',
    '--shortstat',
    '--summary',
    '--name-only',
    '--name-status',
    '--raw',
    '--cached',
    '--staged',
    '-z',
    '--color',
    '--color=always',
    '--color=never',
    '--color=auto',
    '--no-color',
    '--exit-code',
    '--quiet',
    '-w',
    '--ignore-all-space',
    '-b',
    '--ignore-space-change',
    '-R',
    '--no-renames',
    '--minimal',
    '--patience',
    '--histogram',
    '--check',
  ],
};

/** A word as a `case` pattern matching only itself: bare when it holds no glob or shell character. */
const literal = (word: string): string => (/^[-A-Za-z0-9=]+$/.test(word) ? word : shQuote(word));

/** The scoped subcommands, as one `case` pattern list. */
const SCOPED_SUBCOMMANDS = Object.keys(SCOPED_FLAGS).map(literal).join('|');

/** `case $1` arms that let `$gf_arg` through only when it is one of the subcommand's SCOPED_FLAGS. */
function scopedFlagArms(): string {
  return Object.entries(SCOPED_FLAGS)
    .map(
      ([sub, flags]) =>
        `${literal(sub)}) case $gf_arg in ${flags.map(literal).join('|')}) ;; *) break 2 ;; esac ;;`,
    )
    .join('\n      ');
}

/** Nested shims deeper than this mean a loop (the real git resolved to a shim): fail closed. */
export const MAX_SHIM_DEPTH = 16;

/** 1 to MAX_SHIM_DEPTH (10 to 19) as `case` patterns: `[1-9]` and `1[0-6]` for 16. */
const DEPTHS = ['[1-9]', `1[0-${MAX_SHIM_DEPTH - 10}]`];

/**
 * A depth up to MAX_SHIM_DEPTH directly followed by an absolute PWD, in one `case`: dash leaves
 * PWD empty when the working directory was removed, and the walk must not start at / then.
 */
const SANE_CALL = `case $GITFENCE_SHIM_DEPTH$PWD in ${DEPTHS.map((d) => `${d}/*`).join('|')}) ;; *) break ;; esac`;

/**
 * The first `case` of the pass paths: each set DELEGATE_ENV variable puts `=` before `$1`, which
 * no subcommand name matches, so one `case` checks the environment, an empty or dashed `$1` and
 * FAST_PATH_SUBCOMMANDS at once (dash parses every character on every call: fewer is faster).
 */
const ANY_DELEGATE_ENV = DELEGATE_ENV.map((name) => `\${${name}+=}`).join('');
const CANDIDATE_CASE = `case ${ANY_DELEGATE_ENV}$1 in ${FAST_PATH_SUBCOMMANDS.join('|')}) ;; *) break ;; esac`;

/**
 * Sourcing the compiled data at `path`: it sets GF_FAST (pass or scoped) only for calls its policy
 * ignores. Both variables are emptied first: the environment could hold them, an older file not set them.
 */
function sourceFastPath(path: string): string {
  return `gf_fp=${path}/gitfence/fastpath.sh GF_FAST= GF_POLICY_HASH=
  [ -f "$gf_fp" ] && [ -r "$gf_fp" ] || break
  . "$gf_fp"`;
}

/** After the checks, with the repository's common dir found: pass, or note a scoped pass for later. */
function decide(common: string): string {
  return `${sourceFastPath(common)}
  case $GF_FAST:$GF_POLICY_HASH in
    pass:?*) exec "$GF_REAL_GIT" "$@" ;;
    scoped:?*) gf_scoped=${common} ;;
  esac`;
}

/**
 * The installed shim: a row of blocks, each `break`ing to the next when unsure (dash parses a block
 * only when it reaches it, so a call pays only for the blocks it runs):
 * 1. the hot pass from a main checkout's top directory: no walk, no function, no test it can skip;
 * 2. the same decision from any directory, then from a linked worktree, then the scoped pass;
 * 3. the recursion report, `--exec-path`, and delegation to the evaluator.
 * Pass paths need no `-ef "$0"` test: a real git that is this shim comes back here with a higher
 * GITFENCE_SHIM_DEPTH and, past MAX_SHIM_DEPTH, reaches part 3, which reports the loop. Nor a
 * `"$PWD" -ef .` test: the shell itself replaced a PWD that does not name the working directory
 * at startup (POSIX sh; dash, bash and busybox ash do; only when the directory was removed may bash
 * keep it, and git cannot run there). Every variable a later part trusts is set before the first
 * `break` (gf_wt, gf_scoped, gf_top) or right before its use: the environment could hold any of them.
 */
export function renderShimScript(input: ShimTemplateInput): string {
  return `#!/bin/sh
${SHIM_MARKER} v${SHIM_VERSION}: generated by \`gitfence shim install\`; do not edit (reinstall instead).
export GITFENCE_SHIM_DEPTH=$((\${GITFENCE_SHIM_DEPTH:-0}+1))
GF_REAL_GIT=${shQuote(input.realGit)}
gf_wt= gf_scoped= gf_top=
while :; do
  ${CANDIDATE_CASE}
  ${SANE_CALL}
  ${sourceFastPath('$PWD/.git')}
  case $GF_FAST:$GF_POLICY_HASH in
    pass:?*) exec "$GF_REAL_GIT" "$@" ;;
    scoped:?*) gf_scoped=$PWD/.git ;;
  esac
  gf_top=1
  break
done
# Above: the pass from a main checkout's top directory, as cheap as it can be (see docs/shim.md).
# Exec the real git only for calls the compiled policy provably ignores: fastpath.sh, written by
# \`gitfence compile\`, sets GF_FAST=pass for those (and GF_FAST=scoped for a status or diff the shim
# may scope itself). Anything else goes to \`gitfence shim exec\`. This script never denies.

# The same from any directory: walk up for the first .git (a linked worktree's is a file: next block).
# Not again from the top directory: the walk would stop at once, at the file sourced above.
while [ -z "$gf_top" ]; do
  ${CANDIDATE_CASE}
  ${SANE_CALL}
  gf_dir=$PWD
  until [ -d "$gf_dir/.git" ]; do
    [ -e "$gf_dir/.git" ] && gf_wt=$gf_dir/.git && break 2
    case $gf_dir in '') break 2 ;; esac
    gf_dir=\${gf_dir%/*}
  done
  ${decide('$gf_dir/.git')}
  break
done

# A linked worktree or submodule: follow its \`gitdir:\` file, then \`commondir\`, to the common dir.
while [ -n "$gf_wt" ]; do
  gf_line=
  { IFS= read -r gf_line || [ -n "$gf_line" ]; } < "$gf_wt" 2>/dev/null || break
  case "$gf_line" in 'gitdir: '?*) gf_gitdir=\${gf_line#gitdir: } ;; *) break ;; esac
  case "$gf_gitdir" in /*) ;; *) gf_gitdir=\${gf_wt%/.git}/$gf_gitdir ;; esac
  [ -d "$gf_gitdir" ] || break
  gf_common=$gf_gitdir
  if [ -e "$gf_gitdir/commondir" ]; then
    gf_line=
    { IFS= read -r gf_line || [ -n "$gf_line" ]; } < "$gf_gitdir/commondir" 2>/dev/null || break
    case "$gf_line" in '') break ;; /*) gf_common=$gf_line ;; *) gf_common=$gf_gitdir/$gf_line ;; esac
  fi
  ${decide('$gf_common')}
  break
done

# Scoped pass: an auto-scoped status or diff the compiled policy otherwise ignores, in an agent
# session with a plain agent name, given value-less flags only, runs with the agent's scope
# pathspecs appended. Anything else (an operand, a double dash, an unknown flag) delegates.
while [ -n "$gf_scoped" ]; do
  case "\${LLM_AGENT_NAME:-}" in ''|*[!A-Za-z0-9._-]*) break ;; esac
  case $1 in ${SCOPED_SUBCOMMANDS}) ;; *) break ;; esac
  gf_first=1
  for gf_arg in "$@"; do
    [ -z "$gf_first" ] || { gf_first=; continue; }
    case $1 in
      ${scopedFlagArms()}
    esac
  done
  # Written by the lease store with every change of leases.json; a missing, unreadable or expired
  # file delegates (the evaluator then reclaims, rewrites or denies).
  gf_scope_file=$gf_scoped/gitfence/scopes/$LLM_AGENT_NAME.sh
  GF_SCOPE_EXPIRES= GF_SCOPE_PATHSPECS=
  [ -f "$gf_scope_file" ] && [ -r "$gf_scope_file" ] || break
  . "$gf_scope_file"
  case "$GF_SCOPE_EXPIRES" in ''|*[!0-9]*) break ;; esac
  [ -n "$GF_SCOPE_PATHSPECS" ] || break
  # The clock from a fixed path, not PATH (which the agent controls).
  gf_now=
  if [ -x /bin/date ]; then gf_now=$(/bin/date +%s)
  elif [ -x /usr/bin/date ]; then gf_now=$(/usr/bin/date +%s)
  fi
  case "$gf_now" in ''|*[!0-9]*) break ;; esac
  [ "$gf_now" -lt "$GF_SCOPE_EXPIRES" ] || break
  set -f
  IFS='
'
  set -- "$@" -- $GF_SCOPE_PATHSPECS
  exec "$GF_REAL_GIT" "$@"
done

# Recursion guard: a shim that reaches itself again and again means the real git is a shim.
if [ "$GITFENCE_SHIM_DEPTH" -gt ${MAX_SHIM_DEPTH} ] || [ "$GF_REAL_GIT" -ef "$0" ]; then
  echo "gitfence: denied shim-recursion: the gitfence shim is calling itself (real git: $GF_REAL_GIT) — reinstall with \\\`gitfence shim install\\\`" >&2
  exit 1
fi

# \`git --exec-path\` answers the shadow directory, so dashed \`git-reset\` found through it meets the policy too.
GF_EXEC_SHADOW=${shQuote(input.execShadow)}
if [ "$#" -eq 1 ] && [ "$1" = --exec-path ] && [ -d "$GF_EXEC_SHADOW" ]; then
  printf '%s\\n' "$GF_EXEC_SHADOW"
  exit 0
fi

GF_NODE=${shQuote(input.node)}
GF_ENTRY=${shQuote(input.entry ?? '')}
if [ -n "$GF_ENTRY" ] && [ -f "$GF_ENTRY" ]; then
  exec "$GF_NODE" ${(input.nodeFlags ?? []).map((flag) => `${shQuote(flag)} `).join('')}"$GF_ENTRY" --real-git="$GF_REAL_GIT" -- "$@"
fi
GF_CLI=${shQuote(input.cli)}
exec "$GF_NODE" "$GF_CLI" shim exec --real-git="$GF_REAL_GIT" -- "$@"
`;
}

/** A dashed wrapper (`git-reset`) for the exec-path shadow: it runs the shim with the subcommand. */
export function renderDashedWrapper(shimPath: string, subcommand: string): string {
  return `#!/bin/sh
${SHIM_MARKER}-dashed: \`git-${subcommand}\` through the gitfence shim
exec ${shQuote(shimPath)} ${shQuote(subcommand)} "$@"
`;
}
