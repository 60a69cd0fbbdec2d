/**
 * `fastpath.sh`: data the POSIX-sh shim sources to let provably harmless calls skip node.
 * Conservative by construction: a subcommand is listed only if no compiled rule can match it.
 */
import type { CompiledPolicy, CompiledRule } from '../evaluate/types.js';
import type { Effect } from '../git/invocation.js';
import { loadCommandSpec } from '../git/options/index.js';
import type { CommandSpec, OptionSpec } from '../git/options/spec.js';
import { DELEGATE_ENV, FAST_PATH_SUBCOMMANDS, shQuote } from '../shim/template.js';

/** Subcommands that can write a file named by one of their own options (`--output`, `--file`): path guards need the parser. */
const PATH_WRITING = new Set(['log', 'show', 'diff', 'blame', 'grep', 'config', 'shortlog']);

/**
 * Path-writing subcommands the shim may still pass while path guards are on, as long as no argument
 * can be one of their file options (GF_PASS_GUARDED). `diff` is auto-scoped, so never here.
 */
export const GUARDED_CANDIDATES = ['log', 'show'] as const;

/**
 * Auto-scoped subcommands the shim may scope itself (it knows their value-less flags: see
 * SCOPED_FLAGS in src/shim/template.ts), when no rule could match them and the default action
 * lets them through.
 */
export const SCOPE_FAST_CANDIDATES = ['status', 'diff'] as const;

/** Long option names that name a file even when the option table does not mark them `path`. */
const FILE_NAME_HINT = /file|output|dir$|directory|path|template/;

/** The options of a subcommand's table that take a path or write a file. */
export function fileOptionsOf(spec: CommandSpec): OptionSpec[] {
  return spec.options.filter(
    (o) =>
      o.path === true ||
      (o.value !== 'none' && o.long !== undefined && FILE_NAME_HINT.test(o.long)) ||
      // -O<orderfile>: the revision parser's one short file option
      (o.value !== 'none' && o.long === undefined && o.shorts.includes('O')),
  );
}

/**
 * The shortest prefix of `--<long>` that every accepted spelling starts with: git accepts any
 * unambiguous abbreviation (or the exact name), and an ambiguous one is refused, so it writes nothing.
 * Stems are computed as if abbreviations were on even where the table says off: a newer git may allow them.
 */
export function longStem(long: string, others: readonly string[]): string {
  for (let k = 1; k < long.length; k++) {
    const stem = long.slice(0, k);
    if (!others.some((other) => other !== long && other.startsWith(stem))) return `--${stem}`;
  }
  return `--${long}`;
}

export interface GuardedData {
  /** Argument prefixes that send the call to the evaluator (`--ou`, `-O`). */
  prefixes: string[];
  /** Short option letters that send a single-dash argument containing them (a bundle: `-pO/x`) to the evaluator. */
  shorts: string[];
}

/** What the shim must look for to pass `sub` safely: its file options in every spelling. */
export function compileGuarded(sub: string): GuardedData {
  const spec = loadCommandSpec(sub);
  const longs = spec.options.flatMap((o) => (o.long === undefined ? [] : [o.long]));
  const prefixes = new Set<string>();
  const shorts = new Set<string>();
  for (const option of fileOptionsOf(spec)) {
    if (option.long !== undefined) prefixes.add(longStem(option.long, longs));
    for (const short of option.shorts) {
      prefixes.add(`-${short}`);
      shorts.add(short);
    }
  }
  return { prefixes: [...prefixes].sort(), shorts: [...shorts].sort() };
}

/** Which builtins can produce each effect (the catalogue in src/git/invocation.ts). */
export const EFFECT_SUBCOMMANDS: Record<Effect, readonly string[] | '*'> = {
  'discard-worktree-changes': [
    'restore',
    'checkout',
    'switch',
    'reset',
    'checkout-index',
    'read-tree',
  ],
  'delete-untracked-files': ['clean'],
  'stash-changes': ['stash'],
  'drop-stash': ['stash'],
  'force-push': ['push'],
  'force-push-with-lease': ['push'],
  'delete-remote-ref': ['push'],
  'delete-branch-unmerged': ['branch'],
  'delete-branch': ['branch'],
  'reset-branch': ['branch'],
  'remove-worktree-force': ['worktree'],
  'remove-modified-files': ['rm'],
  'delete-tag': ['tag'],
  'expire-reflog': ['reflog'],
  'prune-objects': ['gc', 'prune'],
  'delete-ref': ['update-ref', 'symbolic-ref'],
  // Hooks can be bypassed by `-c`/env on any call; only calls without global options or such env reach the fast path.
  'bypass-hooks': [
    'commit',
    'push',
    'merge',
    'am',
    'rebase',
    'pull',
    'cherry-pick',
    'revert',
    'checkout',
    'switch',
    'worktree',
    'gc',
    'clone',
  ],
  'revert-commits': ['revert'],
  'switch-branch': ['checkout', 'switch'],
  // A `!` alias is never a builtin name, so it never reaches the fast path.
  'run-shell': [],
};

const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The subcommands a rule could match, or '*' when it could match any call. */
export function subcommandsOf(rule: CompiledRule): Set<string> | '*' {
  if (rule.pattern !== undefined) return '*';
  const named = asList(rule.match.subcommand);
  if (named.includes('*')) return '*';
  const effects = asList(rule.match.effect);
  if (named.length === 0 && effects.length === 0) {
    // Keyword rules are checked by the shim itself against GF_DENY_KEYWORDS.
    return rule.contains !== undefined ? new Set() : '*';
  }
  const out = new Set<string>();
  if (named.length > 0) {
    for (const sub of named) out.add(sub);
    return out;
  }
  for (const effect of effects) {
    const subs = EFFECT_SUBCOMMANDS[effect];
    if (subs === '*') return '*';
    for (const sub of subs) out.add(sub);
  }
  return out;
}

export interface FastPathData {
  pass: string[];
  /** Pass only when no argument can be one of their file options (path guards on). */
  guarded: string[];
  guardedPrefixes: string[];
  guardedShorts: string[];
  keywords: string[];
  autoScope: string[];
  /** Auto-scoped subcommands the shim scopes itself from the agent's scope file (GF_SCOPE_FAST). */
  scopeFast: string[];
  slowEnv: string[];
}

export function compileFastPath(policy: CompiledPolicy): FastPathData {
  let pass = new Set<string>(FAST_PATH_SUBCOMMANDS);
  if (policy.defaultAction === 'deny') {
    pass = new Set([...pass].filter((sub) => policy.allow.includes(sub)));
  }
  const slowEnv = new Set<string>();
  for (const rule of policy.rules) {
    if (rule.action === 'allow') continue;
    for (const key of Object.keys(rule.match.env ?? {})) slowEnv.add(key);
    const subs = subcommandsOf(rule);
    if (subs === '*') pass.clear();
    else for (const sub of subs) pass.delete(sub);
  }
  // No rule can match these and the default action lets them through: what is left for the
  // evaluator is auto-scoping itself, which the shim does from the scope file. Path guards do not
  // matter here: the shim scopes only calls whose arguments are all value-less flags.
  const autoScope = policy.settings.scopes.autoScope;
  const scopeFast = SCOPE_FAST_CANDIDATES.filter((sub) => pass.has(sub) && autoScope.includes(sub));
  for (const sub of autoScope) pass.delete(sub);
  const guarded: string[] = [];
  const prefixes = new Set<string>();
  const shorts = new Set<string>();
  if (policy.settings.paths.guard) {
    for (const sub of PATH_WRITING) {
      if (!pass.has(sub)) continue;
      pass.delete(sub);
      if (!(GUARDED_CANDIDATES as readonly string[]).includes(sub)) continue;
      const data = compileGuarded(sub);
      // No file option found means nothing to look for: too unlike what we know, so it delegates.
      if (data.prefixes.length === 0) continue;
      guarded.push(sub);
      for (const p of data.prefixes) prefixes.add(p);
      for (const s of data.shorts) shorts.add(s);
    }
  }
  const keywords = policy.rules
    .filter((rule) => rule.action !== 'allow' && rule.contains !== undefined)
    .map((rule) => rule.contains!);
  return {
    pass: FAST_PATH_SUBCOMMANDS.filter((sub) => pass.has(sub)),
    guarded,
    guardedPrefixes: [...prefixes].sort(),
    guardedShorts: [...shorts].sort(),
    keywords: [...new Set(keywords)],
    autoScope: [...autoScope],
    scopeFast,
    // every shim checks DELEGATE_ENV itself in one expansion; listing them again costs an eval each
    slowEnv: [...slowEnv].filter((name) => !(DELEGATE_ENV as readonly string[]).includes(name)),
  };
}

/** Subcommand names from the shim's own tables: safe as bare `case` patterns. */
const PLAIN_NAME = /^[a-z][a-z0-9-]*$/;
/** A variable name the shim may test with `${NAME+=}`. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A `case` pattern list matching exactly these words (quoted unless plain, so none is a glob). */
function wordsPattern(words: readonly string[]): string {
  return words.map((w) => (PLAIN_NAME.test(w) ? w : shQuote(w))).join('|');
}

/** Patterns for the arguments that send a guarded subcommand to the evaluator. */
function guardPattern(data: FastPathData): string {
  const patterns = data.guardedPrefixes.map((prefix) => `${shQuote(prefix)}*`);
  // a single-dash bundle holding the letter anywhere (-pO<file>): -O… or -x…O…, never --…
  for (const short of data.guardedShorts) {
    const letter = shQuote(short);
    if (!data.guardedPrefixes.includes(`-${short}`)) patterns.push(`-${letter}*`);
    patterns.push(`-[!-]*${letter}*`);
  }
  return patterns.join('|');
}

/**
 * What the shim tests the arguments for, so that a keyword rule never passes a call the evaluator
 * would deny. The evaluator looks for a keyword in the normalised command line: `git`, the
 * subcommand, options in canonical form (abbreviations expanded, bundles split), operands quoted
 * when they need it, joined by single spaces. Each blank-free word of a keyword then lies inside
 * one of those pieces, so a call passes only when no argument is an option (whose canonical form
 * the shim cannot know) and no argument contains any word. Keywords that could match without
 * that (blank only, a word inside `git`, a quote or backslash that quoting adds) give null:
 * nothing passes.
 */
export function keywordWords(keywords: readonly string[]): string[] | null {
  const words: string[] = [];
  for (const keyword of keywords) {
    const own = keyword.split(/\s+/).filter(Boolean);
    if (own.length === 0) return null;
    for (const word of own) {
      if ('git'.includes(word) || /['"\\]/.test(word)) return null;
      words.push(word);
    }
  }
  return [...new Set(words)];
}

/**
 * fastpath.sh: sh the shim sources after its own checks (no global option, no delegating
 * environment variable, a FAST_PATH_SUBCOMMANDS subcommand, the repository found). It sets
 * GF_FAST=pass for a call the policy provably ignores and GF_FAST=scoped for one the shim may scope
 * itself, and returns early, leaving GF_FAST empty, at the first doubt. Compiled per policy, so it
 * holds only the tests this policy needs: dash parses every character of it on every call.
 */
export function renderFastPathData(data: FastPathData, policyHash: string): string {
  const lines = [
    '# gitfence fast path: generated by `gitfence compile`; do not edit (see docs/shim.md).',
    `GF_POLICY_HASH=${shQuote(policyHash)}`,
  ];
  if (data.slowEnv.length > 0) {
    // a name the shim could not test safely: nothing passes (as when a variable is set)
    if (!data.slowEnv.every((name) => ENV_NAME.test(name))) return `${lines.join('\n')}\nreturn\n`;
    const set = data.slowEnv.map((name) => `\${${name}+=}`).join('');
    lines.push(`case ${set} in ?*) return ;; esac`);
  }
  if (data.keywords.length > 0) {
    const words = keywordWords(data.keywords);
    // a keyword the argument test cannot rule out: nothing passes
    if (words === null) return `${lines.join('\n')}\nreturn\n`;
    const any = words.map((w) => `*${shQuote(w)}*`).join('|');
    lines.push(`for gf_a; do case $gf_a in -*|${any}) return ;; esac; done`);
  }
  // One `case` per kind, cheapest first, each returning when it decides: dash stops reading there.
  // The lists are kept disjoint here too, so the order never changes what passes: an auto-scoped
  // subcommand is never a plain or guarded pass, a guarded one never a plain pass, and one guarded
  // by nothing (no prefixes) never passes.
  const scopeFast = data.scopeFast.filter((sub) => data.autoScope.includes(sub));
  const guarded =
    data.guardedPrefixes.length > 0
      ? data.guarded.filter((sub) => !data.autoScope.includes(sub))
      : [];
  const pass = data.pass.filter(
    (sub) => !data.autoScope.includes(sub) && !data.guarded.includes(sub),
  );
  if (pass.length > 0) lines.push(`case $1 in ${wordsPattern(pass)}) GF_FAST=pass; return ;; esac`);
  if (guarded.length > 0) {
    lines.push(
      `case $1 in ${wordsPattern(guarded)}) for gf_a; do case $gf_a in ${guardPattern(data)}) return ;; esac; done; GF_FAST=pass; return ;; esac`,
    );
  }
  if (scopeFast.length > 0)
    lines.push(`case $1 in ${wordsPattern(scopeFast)}) GF_FAST=scoped ;; esac`);
  return `${lines.join('\n')}\n`;
}

/** The sourced sh fragment. `policyHash` is the integrity of the policy.json written with it. */
export function renderFastPath(policy: CompiledPolicy, policyHash: string): string {
  return renderFastPathData(compileFastPath(policy), policyHash);
}
