/**
 * The normalised invocation text that `denyIfContains` and `denyPatterns` run over:
 * `git <globals> <subcommand> [verb] <canonical options with values> <operands> [-- <pathspecs>]`,
 * after alias expansion. Values and operands are shell-quoted when they need it, so a commit
 * message reads as one quoted word.
 */
import type { GitInvocation, GitOption } from './invocation.js';

const SAFE = /^[A-Za-z0-9_@%+=:,./^~{}-]+$/;

export function quoteWord(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function renderOption(o: GitOption): string {
  if (o.value === undefined) return o.name;
  if (o.name.startsWith('--')) return `${o.name}=${quoteWord(o.value)}`;
  return `${o.name} ${quoteWord(o.value)}`;
}

export function normalizeInvocation(inv: GitInvocation): string {
  const parts = ['git', ...inv.globals.map(renderOption)];
  if (inv.shellAlias !== null) {
    parts.push(`!${quoteWord(inv.shellAlias)}`, ...inv.args.map(quoteWord));
    const nested = (inv.shellCalls ?? []).map(normalizeInvocation);
    return [parts.join(' '), ...nested].join(' ; ');
  }
  if (inv.subcommand === null) {
    if (inv.typed !== null && !inv.globals.some((g) => g.raw === inv.typed))
      parts.push(quoteWord(inv.typed));
    parts.push(...inv.args.map(quoteWord));
    return parts.join(' ');
  }
  parts.push(inv.subcommand);
  if (inv.verb) parts.push(inv.verb);
  parts.push(...inv.options.map(renderOption));
  if (inv.operands.some((o) => o.startsWith('-'))) parts.push('--end-of-options');
  parts.push(...inv.operands.map(quoteWord));
  if (inv.doubleDash) parts.push('--', ...inv.pathspecs.map(quoteWord));
  return parts.join(' ');
}
