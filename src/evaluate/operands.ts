/**
 * Which operands git reads as paths and which as revisions. git decides by looking at the repository;
 * we decide from the ref names gathered at the edge and the shape of the word, and callers choose
 * which way an unsure word leans (deny rules lean to "path", auto-scoping leans to "revision").
 */
import type { GitInvocation } from '../git/invocation.js';

export type Lean = 'path' | 'revision';

/** Every operand is a path (after a verb, for subcommands that have one). */
const PATH_OPERANDS = new Set([
  'add',
  'rm',
  'mv',
  'restore',
  'clean',
  'status',
  'commit',
  'checkout-index',
  'ls-files',
  'update-index',
]);

/** Revisions first, then paths: git takes leading words as revisions while they resolve. */
const REVISIONS_THEN_PATHS: Record<string, number> = {
  checkout: 1,
  reset: 1,
  diff: Infinity,
  log: Infinity,
  show: Infinity,
  whatchanged: Infinity,
  blame: 1,
  'diff-index': 1,
  'diff-tree': 2,
  shortlog: Infinity,
};

const SPECIAL_HEADS = new Set([
  'HEAD',
  'FETCH_HEAD',
  'ORIG_HEAD',
  'MERGE_HEAD',
  'CHERRY_PICK_HEAD',
  'REVERT_HEAD',
  'REBASE_HEAD',
  'AUTO_MERGE',
  '-',
  '@',
]);

/** The verb (`stash drop` → `drop`): the parser's when it gives one, else the first operand. */
export function verbOf(inv: GitInvocation): string | undefined {
  if (inv.verb !== undefined) return inv.verb ?? undefined;
  return inv.operands[0];
}

/** Operands after the verb, when the parser left the verb among them. */
function afterVerb(inv: GitInvocation): string[] {
  const verb = verbOf(inv);
  return verb !== undefined && inv.operands[0] === verb ? inv.operands.slice(1) : inv.operands;
}

/** Sure a revision (true), sure a path (false), or unsure (null). */
export function classifyRevision(word: string, refs?: readonly string[]): boolean | null {
  if (SPECIAL_HEADS.has(word)) return true;
  if (/^[0-9a-f]{4,64}$/i.test(word)) return true;
  if (refs?.includes(word)) return true;
  if (word === '.' || word === '..' || /^\.{1,2}\//.test(word) || word.startsWith('/')) {
    return false;
  }
  if (word.startsWith(':(') || word.startsWith(':/') || word.startsWith(':!')) return false;
  if (/[~^@]|\.\./.test(word)) return true;
  // `rev:path` names a blob
  if (/^[^:]+:/.test(word)) return true;
  if (/[*?[]/.test(word)) return false;
  if (refs) {
    // refs known: a word that is none of them is a path, unless it is `<ref>/…`-ish remote form
    return false;
  }
  return null;
}

/**
 * The operands (and `--` pathspecs) git reads as paths for this call.
 * `lean` decides words that could be either when the repository's refs are unknown or unclear.
 */
export function pathOperands(
  inv: GitInvocation,
  refs?: readonly string[],
  lean: Lean = 'path',
): string[] {
  const paths: string[] = [...inv.pathspecs];
  const sub = inv.subcommand;
  if (sub === null) return paths;
  if (PATH_OPERANDS.has(sub)) return [...inv.operands, ...paths];
  if (sub === 'stash') {
    return verbOf(inv) === 'push' ? [...afterVerb(inv), ...paths] : paths;
  }
  const maxRevisions = REVISIONS_THEN_PATHS[sub];
  if (maxRevisions === undefined) return paths;
  const out: string[] = [];
  let revisions = 0;
  let inPaths = false;
  for (const word of inv.operands) {
    if (inPaths || revisions >= maxRevisions) {
      out.push(word);
      continue;
    }
    const revision = classifyRevision(word, refs);
    const isRevision = revision === null ? lean === 'revision' : revision;
    if (isRevision) revisions++;
    else {
      inPaths = true;
      out.push(word);
    }
  }
  return [...out, ...paths];
}
