/**
 * What a parsed call does to work that is not safely stored yet (see EFFECTS). Pure: decided from
 * the subcommand, the options as git resolved them, the operands and the per-call config.
 */
import type { ConfigEntry, ConfigWrite, Effect, GitOption } from './invocation.js';

export interface EffectInput {
  subcommand: string;
  verb: string | null;
  options: GitOption[];
  operands: string[];
  pathspecs: string[];
  doubleDash: boolean;
  help: boolean;
  config: ConfigEntry[];
  env: Record<string, string>;
  configWrite: ConfigWrite | null;
  refs: readonly string[] | undefined;
}

/** Log-family commands whose `--output` writes a file. */
const WRITES_OUTPUT: ReadonlySet<string | null> = new Set([
  'log',
  'show',
  'diff',
  'whatchanged',
  'shortlog',
]);

/** Boolean option state, last one wins; ambiguous abbreviations count for every candidate. */
class OptionState {
  private readonly state = new Map<string, boolean>();
  private readonly maybe = new Set<string>();
  private readonly values = new Map<string, string | undefined>();

  constructor(options: GitOption[]) {
    for (const o of options) {
      if (o.candidates) {
        for (const c of o.candidates) this.maybe.add(c);
        continue;
      }
      const declared = o.declared ?? o.name;
      this.state.set(declared, !o.negated);
      if (!o.negated) this.values.set(declared, o.value);
    }
  }

  /** Could this option be in effect? */
  on(name: string): boolean {
    return this.state.get(name) === true || this.maybe.has(name);
  }

  /** Is this option certainly in effect (a safety flag like --dry-run)? */
  sure(name: string): boolean {
    return this.state.get(name) === true && !this.maybe.has(negation(name));
  }

  /** Could this option be negated (`--no-verify` as the negation of `--verify`)? */
  off(name: string): boolean {
    return this.state.get(name) === false || this.maybe.has(negation(name));
  }

  value(name: string): string | undefined {
    return this.values.get(name);
  }
}

function negation(name: string): string {
  return name.startsWith('--no-') ? `--${name.slice(5)}` : `--no-${name.slice(2)}`;
}

const VERIFY_COMMANDS = new Set(['commit', 'push', 'merge', 'am', 'rebase', 'cherry-pick', 'pull']);
const REV_WORDS = /^(HEAD|FETCH_HEAD|ORIG_HEAD|MERGE_HEAD|CHERRY_PICK_HEAD|REVERT_HEAD|@|-)$/;

/** A revision expression whatever the refs are: HEAD~1, main^, @{u}, a sha, `-`. */
export function looksLikeRevision(word: string): boolean {
  return (
    REV_WORDS.test(word) ||
    /[~^]/.test(word) ||
    word.includes('@{') ||
    /^[0-9a-f]{7,40}$/i.test(word) ||
    word.startsWith('refs/')
  );
}

/** Without known refs: `.`, `..`, `./x`, `:/`, globs, `dir/`, `file.ext` read as paths. */
export function looksLikePath(word: string): boolean {
  if (word === '.' || word === '..') return true;
  if (
    word.startsWith('./') ||
    word.startsWith('../') ||
    word.startsWith(':/') ||
    word.startsWith(':(')
  )
    return true;
  if (/[*?[]/.test(word) || word.endsWith('/')) return true;
  const base = word.slice(word.lastIndexOf('/') + 1);
  return /\.[A-Za-z][A-Za-z0-9]*$/.test(base);
}

/** Does `git checkout <word>` name a commit (true) or a path (false)? */
export function isRevision(word: string, refs: readonly string[] | undefined): boolean {
  if (looksLikeRevision(word)) return true;
  if (refs === undefined) return !looksLikePath(word);
  return refs.includes(word) || refs.some((r) => r.endsWith(`/${word}`));
}

/** Per-call config or env that skips hooks whatever the command: `-c core.hooksPath=…`, HUSKY=0. */
export function bypassesHooksPerCall(
  config: readonly ConfigEntry[],
  env: Readonly<Record<string, string>>,
): boolean {
  return config.some((e) => e.key === 'core.hookspath') || env.HUSKY === '0';
}

export function computeEffects(input: EffectInput): Effect[] {
  const effects = new Set<Effect>();
  const s = new OptionState(input.options);
  const { subcommand: sub, verb, operands } = input;

  if (bypassesHooksPerCall(input.config, input.env)) effects.add('bypass-hooks');
  if (input.help) return [...effects];

  if (VERIFY_COMMANDS.has(sub) && (s.on('--no-verify') || s.off('--verify'))) {
    if (!(sub === 'push' && s.sure('--dry-run'))) effects.add('bypass-hooks');
  }

  // --output=<file> overwrites a file, which may be another agent's unsaved work.
  if (WRITES_OUTPUT.has(sub) && s.on('--output')) effects.add('discard-worktree-changes');

  switch (sub) {
    case 'reset':
      if (s.on('--hard') || s.on('--merge')) effects.add('discard-worktree-changes');
      break;
    case 'checkout':
      checkoutEffects(input, s, effects);
      break;
    case 'restore':
      if (s.on('--worktree') || !s.sure('--staged')) effects.add('discard-worktree-changes');
      break;
    case 'switch':
      if (s.on('--force') || s.on('--discard-changes')) effects.add('discard-worktree-changes');
      effects.add('switch-branch');
      break;
    case 'clean':
      if (!s.sure('--dry-run')) effects.add('delete-untracked-files');
      break;
    case 'stash':
      if (verb === 'push' || verb === 'save') effects.add('stash-changes');
      if (verb === 'drop' || verb === 'clear') effects.add('drop-stash');
      break;
    case 'push':
      pushEffects(input, s, effects);
      break;
    case 'branch': {
      const del = s.on('--delete');
      if (del && s.on('--force')) effects.add('delete-branch-unmerged');
      else if (del) effects.add('delete-branch');
      if (s.on('--force') && (s.on('--move') || s.on('--copy') || (!del && operands.length > 0)))
        effects.add('reset-branch');
      break;
    }
    case 'worktree':
      if (verb === 'remove' && s.on('--force')) effects.add('remove-worktree-force');
      break;
    case 'rm':
      if (s.on('--force') && !s.sure('--cached') && !s.sure('--dry-run'))
        effects.add('remove-modified-files');
      break;
    case 'tag':
      if (s.on('--delete')) effects.add('delete-tag');
      break;
    case 'reflog':
      if ((verb === 'expire' || verb === 'delete') && !s.sure('--dry-run'))
        effects.add('expire-reflog');
      break;
    case 'gc': {
      const prune = s.value('--prune');
      if (s.on('--prune') && prune !== undefined && !/(day|week|month|year)s?\b/.test(prune))
        effects.add('prune-objects');
      break;
    }
    case 'prune':
      if (!s.sure('--dry-run')) effects.add('prune-objects');
      break;
    case 'update-ref':
      if (s.on('-d') || s.on('--stdin')) effects.add('delete-ref');
      break;
    case 'symbolic-ref':
      if (s.on('--delete')) effects.add('delete-ref');
      break;
    case 'checkout-index':
      if (s.on('--force')) effects.add('discard-worktree-changes');
      break;
    case 'read-tree':
      if (s.on('-u') && s.on('--reset')) effects.add('discard-worktree-changes');
      break;
    case 'revert':
      effects.add('revert-commits');
      break;
    case 'config': {
      const w = input.configWrite;
      if (
        w &&
        (w.key === 'core.hookspath' ||
          (w.op === 'section' && (w.key === '*' || w.key.toLowerCase() === 'core')))
      )
        effects.add('bypass-hooks');
      break;
    }
  }
  return [...effects];
}

function checkoutEffects(input: EffectInput, s: OptionState, effects: Set<Effect>): void {
  const { operands, pathspecs, doubleDash } = input;
  if (s.on('--force')) effects.add('discard-worktree-changes');
  if (s.on('-b') || s.on('-B') || s.on('--orphan')) {
    effects.add('switch-branch');
    return;
  }
  if ((doubleDash && pathspecs.length > 0) || s.on('--pathspec-from-file') || s.on('--patch')) {
    effects.add('discard-worktree-changes');
    return;
  }
  const first = operands[0];
  if (first === undefined) return;
  if (doubleDash || s.on('--detach') || isRevision(first, input.refs)) {
    effects.add('switch-branch');
    if (operands.length > 1) effects.add('discard-worktree-changes');
    return;
  }
  effects.add('discard-worktree-changes');
}

function pushEffects(input: EffectInput, s: OptionState, effects: Set<Effect>): void {
  if (s.sure('--dry-run')) return;
  const refspecs = input.operands.slice(1);
  const force =
    s.on('--force') || s.on('--mirror') || input.operands.some((o) => o.startsWith('+'));
  if (force) effects.add('force-push');
  else if (s.on('--force-with-lease') || s.on('--force-if-includes'))
    effects.add('force-push-with-lease');
  const deletes = refspecs.some((r) => /^\+?:./.test(r));
  if (s.on('--delete') || s.on('--prune') || s.on('--mirror') || deletes)
    effects.add('delete-remote-ref');
}
