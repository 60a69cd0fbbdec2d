/** Which program names run git, and which strings look like they might. Pure. */
import { GLOBAL_OPTIONS } from '../../git/options/globals.js';

/** git's builtins and main porcelain: `git-<name>` runs them (dashed helper form). */
const DASHED = new Set(
  (
    'add am annotate apply archive bisect blame branch bundle cat-file check-attr check-ignore ' +
    'check-mailmap check-ref-format checkout checkout-index cherry cherry-pick clean clone commit ' +
    'commit-graph commit-tree config count-objects describe diff diff-files diff-index diff-tree ' +
    'difftool fast-export fast-import fetch fetch-pack filter-branch for-each-ref format-patch fsck ' +
    'gc grep hash-object help hook index-pack init log ls-files ls-remote ls-tree maintenance merge ' +
    'merge-base merge-file merge-index merge-tree mergetool mktag mktree mv name-rev notes ' +
    'pack-objects pack-refs prune pull push range-diff read-tree rebase reflog remote repack replace ' +
    'rerere reset restore rev-list rev-parse revert rm send-pack shortlog show show-branch show-ref ' +
    'sparse-checkout stage stash status submodule switch symbolic-ref tag unpack-objects ' +
    'update-index update-ref worktree write-tree'
  ).split(' '),
);

/** A command git runs itself (so no alias can hide it): `status`, `reset`, … */
export function isGitBuiltin(name: string): boolean {
  return DASHED.has(name) || BUILTIN_EXTRA.has(name);
}

const BUILTIN_EXTRA = new Set([
  'version',
  'var',
  'whatchanged',
  'show-index',
  'verify-commit',
  'verify-tag',
  'verify-pack',
  'column',
  'credential',
  'difftool',
  'fsck-objects',
  'init-db',
  'pack-redundant',
  'prune-packed',
  'update-server-info',
  'upload-pack',
  'receive-pack',
  'bugreport',
  'diagnose',
  'for-each-repo',
  'interpret-trailers',
  'mailinfo',
  'mailsplit',
  'stripspace',
  'cherry',
  'get-tar-commit-id',
  'replay',
  'backfill',
]);

/**
 * Where the word git looks up as a command sits, after git's own options (git.c handle_options, by
 * the same table the parser reads); -1 when there is none or git stops before one (`--version`).
 */
export function subcommandIndex(argv: readonly string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    const spec = GLOBAL_OPTIONS[argv[i]!];
    if (spec?.terminal || spec?.exits || spec?.bareExits) return -1;
    i += spec?.value === 'separate' || spec?.value === 'both' ? 2 : 1;
  }
  return i < argv.length ? i : -1;
}

/** The word git looks up as a command, or null. */
export function typedSubcommand(argv: readonly string[]): string | null {
  const i = subcommandIndex(argv);
  return i === -1 ? null : argv[i]!;
}

/** The program a command word names, without its directory or a Windows `.exe`. */
export function programName(word: string): string {
  const base = word.split(/[\\/]/).pop() ?? word;
  return base.replace(/\.exe$/i, '');
}

/** `git`, `/usr/bin/git`, `C:\Git\bin\git.exe`; `hub` passes unknown commands straight to git. */
export function isGitProgram(word: string): boolean {
  const name = programName(word);
  return (
    name === 'git' ||
    name === 'hub' ||
    (name !== word && /^git$/i.test(name) && /\.exe$/i.test(word))
  );
}

/** `git-reset` → `reset`; null for other programs (`git-lfs` is not git's). */
export function dashedSubcommand(word: string): string | null {
  const name = programName(word);
  if (!name.startsWith('git-')) return null;
  const sub = name.slice(4);
  return DASHED.has(sub) ? sub : null;
}

/** A glob command word (`/usr/bin/gi?`) that would match a git binary. */
export function globCouldBeGit(word: string): boolean {
  const base = word.split('/').pop() ?? word;
  let source = '';
  for (let i = 0; i < base.length; i++) {
    const ch = base[i]!;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const close = base.indexOf(']', i + 1);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      source += `[${base
        .slice(i + 1, close)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\')}]`;
      i = close;
    } else source += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${source}$`).test('git') || new RegExp(`^${source}$`).test('git.exe');
  } catch {
    return true;
  }
}

/**
 * Does text hold something that could be a git command? Used to decide strings we cannot parse
 * (deny only those) and dynamic command words. Generous on purpose: quotes and backslashes inside
 * a word (`g'i't`, `g\it`) are removed first.
 */
export function hasGitLikeToken(text: string): boolean {
  const squashed = text.replace(/['"\\]/g, '');
  return (
    /(^|[^A-Za-z0-9_])git([^A-Za-z0-9_]|$)/i.test(squashed) ||
    /(^|[^A-Za-z0-9_])hub\s/.test(squashed)
  );
}
