/**
 * A POSIX/bash lexer: turns a command string into words, operators and redirections, removing
 * quotes the way the shell does and keeping every piece of code that will run (`$(…)`, backticks,
 * process substitutions, unquoted heredoc bodies) as a nested substitution to analyse in turn.
 * It never expands variables or globs: a word that depends on them is marked `dynamic`.
 */

export interface Substitution {
  kind: '$(' | '`' | '<(' | '>(' | '${';
  /** The code inside, exactly as written (backtick escapes already undone). */
  code: string;
}

export interface Word {
  type: 'word';
  /** The word after quote removal; expansions are kept as written (`$HOME`). */
  text: string;
  /** As typed, for messages. */
  raw: string;
  /** Any part was quoted or escaped: such a word is never a reserved word or an assignment. */
  quoted: boolean;
  /** Depends on an expansion ($var, $(…), `…`) or an unquoted glob. */
  dynamic: boolean;
  /** Unquoted glob characters are present. */
  glob: boolean;
  /** Length of the unquoted, unescaped prefix that looks like `NAME=`, or 0. */
  assignPrefix: number;
  subs: Substitution[];
}

export interface Operator {
  type: 'op';
  /** `&&` `||` `;` `;;` `;&` `;;&` `|` `|&` `&` `(` `)` or `\n`. */
  op: string;
}

export interface Heredoc {
  body: string;
  /** A quoted delimiter: the body is literal; otherwise `$(…)` inside it runs. */
  quoted: boolean;
  subs: Substitution[];
}

export interface Redirection {
  type: 'redir';
  /** `<` `>` `>>` `>|` `<>` `<<` `<<-` `<<<` `>&` `<&` `&>` `&>>`. */
  op: string;
  fd: number | null;
  target: Word | null;
  heredoc?: Heredoc;
}

export type Token = Word | Operator | Redirection;

export class ShellSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

const OPERATORS = [';;&', '&&', '||', ';;', ';&', '|&', ';', '|', '&', '(', ')'];
const REDIRECTIONS = ['<<<', '<<-', '&>>', '<<', '>>', '>|', '<>', '>&', '<&', '&>', '<', '>'];
const BLANK = /[ \t\r\f\v]/;

interface LexResult {
  tokens: Token[];
  /** Index just past what was consumed (the closing `)` when stopping at one). */
  end: number;
}

/** Lex a whole command string. Throws ShellSyntaxError on unterminated quotes or substitutions. */
export function lexShell(source: string): Token[] {
  const { tokens, end } = lexFrom(source, 0, false);
  if (end < source.length) throw new ShellSyntaxError('unexpected `)`', end);
  return tokens;
}

/** Lex from `start`; inside a substitution, stop at the unbalanced `)` and return its index. */
function lexFrom(src: string, start: number, inSubstitution: boolean): LexResult {
  const tokens: Token[] = [];
  const pendingHeredocs: Array<{ redir: Redirection; delimiter: string; strip: boolean }> = [];
  let i = start;
  let depth = 0;

  const readHeredocBodies = () => {
    for (const pending of pendingHeredocs) {
      const lines: string[] = [];
      let found = false;
      while (i < src.length) {
        const nl = src.indexOf('\n', i);
        const lineEnd = nl === -1 ? src.length : nl;
        let line = src.slice(i, lineEnd);
        i = nl === -1 ? src.length : nl + 1;
        if (pending.strip) line = line.replace(/^\t+/, '');
        if (line === pending.delimiter) {
          found = true;
          break;
        }
        lines.push(line);
      }
      // bash runs a heredoc cut short by the end of input, with a warning; so do we.
      void found;
      const body = lines.join('\n');
      const quoted = pending.redir.heredoc?.quoted ?? false;
      pending.redir.heredoc = { body, quoted, subs: quoted ? [] : collectSubstitutions(body) };
    }
    pendingHeredocs.length = 0;
  };

  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (BLANK.test(ch)) {
      i++;
      continue;
    }
    if (ch === '\n') {
      tokens.push({ type: 'op', op: '\n' });
      i++;
      if (pendingHeredocs.length > 0) readHeredocBodies();
      continue;
    }
    if (ch === '#') {
      // A comment runs to the end of the line (only at the start of a word, which this is).
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    // Process substitution `<(…)` / `>(…)` is a word, not a redirection.
    if ((ch === '<' || ch === '>') && src[i + 1] === '(') {
      const word = readWord(src, i);
      tokens.push(word.word);
      i = word.end;
      continue;
    }
    const redirOp = REDIRECTIONS.find((op) => src.startsWith(op, i));
    if (redirOp) {
      i += redirOp.length;
      const redir: Redirection = { type: 'redir', op: redirOp, fd: null, target: null };
      while (i < src.length && BLANK.test(src[i]!)) i++;
      if (i < src.length && !isMeta(src, i)) {
        const word = readWord(src, i);
        redir.target = word.word;
        i = word.end;
      } else if (redirOp !== '>&' && redirOp !== '<&') {
        throw new ShellSyntaxError(`redirection \`${redirOp}\` has no target`, i);
      }
      if ((redirOp === '<<' || redirOp === '<<-') && redir.target) {
        redir.heredoc = { body: '', quoted: redir.target.quoted, subs: [] };
        pendingHeredocs.push({
          redir,
          delimiter: redir.target.text,
          strip: redirOp === '<<-',
        });
      }
      tokens.push(redir);
      continue;
    }
    const op = OPERATORS.find((candidate) => src.startsWith(candidate, i));
    if (op) {
      if (op === '(') depth++;
      if (op === ')') {
        if (depth === 0) {
          if (inSubstitution) {
            if (pendingHeredocs.length > 0) readHeredocBodies();
            return { tokens, end: i };
          }
          // A `case` pattern's `)`, or a stray one: the walker decides.
        } else depth--;
      }
      tokens.push({ type: 'op', op });
      i += op.length;
      continue;
    }
    const word = readWord(src, i);
    i = word.end;
    // `2>file`: a word of digits glued to a redirection is its file descriptor.
    const next = REDIRECTIONS.find((candidate) => src.startsWith(candidate, i));
    if (next && !word.word.quoted && /^\d+$/.test(word.word.raw) && !src.startsWith('<(', i)) {
      i += next.length;
      const redir: Redirection = {
        type: 'redir',
        op: next,
        fd: Number(word.word.raw),
        target: null,
      };
      while (i < src.length && BLANK.test(src[i]!)) i++;
      if (i < src.length && !isMeta(src, i)) {
        const target = readWord(src, i);
        redir.target = target.word;
        i = target.end;
      }
      if ((next === '<<' || next === '<<-') && redir.target) {
        redir.heredoc = { body: '', quoted: redir.target.quoted, subs: [] };
        pendingHeredocs.push({ redir, delimiter: redir.target.text, strip: next === '<<-' });
      }
      tokens.push(redir);
      continue;
    }
    tokens.push(word.word);
  }
  if (inSubstitution) throw new ShellSyntaxError('unterminated `$(`', start);
  if (depth > 0) throw new ShellSyntaxError('unterminated `(`', start);
  if (pendingHeredocs.length > 0) readHeredocBodies();
  return { tokens, end: i };
}

function isMeta(src: string, i: number): boolean {
  const ch = src[i]!;
  if (ch === '<' || ch === '>') return src[i + 1] !== '(';
  return (
    BLANK.test(ch) ||
    ch === '\n' ||
    ch === ';' ||
    ch === '&' ||
    ch === '|' ||
    ch === '(' ||
    ch === ')'
  );
}

/** The end of a `$(…)` starting at `open` (index of `$`): the index just past `)`. */
function readCommandSubstitution(src: string, bodyStart: number): { code: string; end: number } {
  const { end } = lexFrom(src, bodyStart, true);
  return { code: src.slice(bodyStart, end), end: end + 1 };
}

/** `$((…))`: arithmetic. Its inside can hold `$(…)`, so collect those. */
function readArithmetic(src: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  throw new ShellSyntaxError('unterminated `$((`', start);
}

/** `${…}`: the index just past the matching `}`, honouring quotes inside. */
function readBraceParameter(src: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = src.indexOf("'", i + 1);
      if (close === -1) break;
      i = close + 1;
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  throw new ShellSyntaxError('unterminated `${`', start);
}

/** Backtick body: up to the next unescaped backtick; `\``, `\\` and `\$` are unescaped. */
function readBackticks(src: string, start: number): { code: string; end: number } {
  let i = start + 1;
  let code = '';
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\' && i + 1 < src.length) {
      const next = src[i + 1]!;
      code += next === '`' || next === '\\' || next === '$' ? next : ch + next;
      i += 2;
      continue;
    }
    if (ch === '`') return { code, end: i + 1 };
    code += ch;
    i++;
  }
  throw new ShellSyntaxError('unterminated backtick', start);
}

const ANSI_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/** Read one word starting at `start`. */
function readWord(src: string, start: number): { word: Word; end: number } {
  let i = start;
  let text = '';
  let quoted = false;
  let dynamic = false;
  let glob = false;
  let unquotedPrefix = true;
  let assignPrefix = 0;
  const subs: Substitution[] = [];

  const dollar = (inDouble: boolean): boolean => {
    // At src[i] === '$'. Returns true when it consumed an expansion.
    const next = src[i + 1];
    if (next === '(' && src[i + 2] === '(') {
      const end = readArithmetic(src, i + 1);
      const inner = src.slice(i + 3, end - 2);
      subs.push(...collectSubstitutions(inner));
      text += src.slice(i, end);
      dynamic = true;
      i = end;
      return true;
    }
    if (next === '(') {
      const sub = readCommandSubstitution(src, i + 2);
      subs.push({ kind: '$(', code: sub.code });
      text += src.slice(i, sub.end);
      dynamic = true;
      i = sub.end;
      return true;
    }
    if (next === '{') {
      const end = readBraceParameter(src, i + 1);
      subs.push(...collectSubstitutions(src.slice(i + 2, end - 1)));
      text += src.slice(i, end);
      dynamic = true;
      i = end;
      return true;
    }
    if (next !== undefined && /[A-Za-z0-9_@*#?$!-]/.test(next)) {
      let end = i + 2;
      if (/[A-Za-z_]/.test(next)) while (end < src.length && /[A-Za-z0-9_]/.test(src[end]!)) end++;
      text += src.slice(i, end);
      dynamic = true;
      i = end;
      return true;
    }
    if (!inDouble && next === "'") {
      // $'…' ANSI-C quoting.
      quoted = true;
      unquotedPrefix = false;
      i += 2;
      while (i < src.length && src[i] !== "'") {
        if (src[i] === '\\' && i + 1 < src.length) {
          const esc = src[i + 1]!;
          if (esc === 'x') {
            const hex = /^[0-9a-fA-F]{1,2}/.exec(src.slice(i + 2))?.[0] ?? '';
            text += hex ? String.fromCharCode(parseInt(hex, 16)) : '\\x';
            i += 2 + hex.length;
            continue;
          }
          if (/[0-7]/.test(esc)) {
            const oct = /^[0-7]{1,3}/.exec(src.slice(i + 1))?.[0] ?? '0';
            text += String.fromCharCode(parseInt(oct, 8));
            i += 1 + oct.length;
            continue;
          }
          text += ANSI_ESCAPES[esc] ?? `\\${esc}`;
          i += 2;
          continue;
        }
        text += src[i];
        i++;
      }
      if (i >= src.length) throw new ShellSyntaxError("unterminated $'", start);
      i++;
      return true;
    }
    if (!inDouble && next === '"') {
      // $"…" locale quoting reads like "…": drop the `$`, the quote is read next.
      i++;
      return true;
    }
    return false;
  };

  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '\\') {
      if (src[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (i + 1 >= src.length) {
        i++;
        continue;
      }
      text += src[i + 1];
      quoted = true;
      unquotedPrefix = false;
      i += 2;
      continue;
    }
    if (ch === "'") {
      const close = src.indexOf("'", i + 1);
      if (close === -1) throw new ShellSyntaxError('unterminated single quote', i);
      text += src.slice(i + 1, close);
      quoted = true;
      unquotedPrefix = false;
      i = close + 1;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      unquotedPrefix = false;
      i++;
      let closed = false;
      while (i < src.length) {
        const c = src[i]!;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\') {
          const next = src[i + 1];
          if (next === '\n') {
            i += 2;
            continue;
          }
          if (next === '$' || next === '`' || next === '"' || next === '\\') {
            text += next;
            i += 2;
            continue;
          }
          text += c;
          i++;
          continue;
        }
        if (c === '$' && dollar(true)) continue;
        if (c === '`') {
          const sub = readBackticks(src, i);
          subs.push({ kind: '`', code: sub.code });
          text += src.slice(i, sub.end);
          dynamic = true;
          i = sub.end;
          continue;
        }
        text += c;
        i++;
      }
      if (!closed) throw new ShellSyntaxError('unterminated double quote', start);
      continue;
    }
    if (ch === '$') {
      if (dollar(false)) {
        unquotedPrefix = false;
        continue;
      }
      text += ch;
      i++;
      continue;
    }
    if (ch === '`') {
      const sub = readBackticks(src, i);
      subs.push({ kind: '`', code: sub.code });
      text += src.slice(i, sub.end);
      dynamic = true;
      unquotedPrefix = false;
      i = sub.end;
      continue;
    }
    if ((ch === '<' || ch === '>') && src[i + 1] === '(') {
      const sub = readCommandSubstitution(src, i + 2);
      subs.push({ kind: ch === '<' ? '<(' : '>(', code: sub.code });
      text += src.slice(i, sub.end);
      dynamic = true;
      unquotedPrefix = false;
      i = sub.end;
      continue;
    }
    if (BLANK.test(ch) || ch === '\n' || isMeta(src, i)) break;
    if (ch === '*' || ch === '?') glob = true;
    // `[` globs only with a closing `]` in the same word (`[ -f x ]` is the test command).
    if (ch === '[' && /^\[[^\s;&|<>()]*\]/.test(src.slice(i))) glob = true;
    if (
      ch === '=' &&
      unquotedPrefix &&
      assignPrefix === 0 &&
      /^[A-Za-z_][A-Za-z0-9_]*$/.test(text)
    ) {
      assignPrefix = text.length + 1;
    }
    text += ch;
    i++;
  }
  return {
    word: {
      type: 'word',
      text,
      raw: src.slice(start, i),
      quoted,
      dynamic: dynamic || glob,
      glob,
      assignPrefix,
      subs,
    },
    end: i,
  };
}

/**
 * The command substitutions inside text that the shell expands (an unquoted heredoc body, `${…}`,
 * arithmetic): `$(…)` and backticks. Single quotes are literal there, so they do not hide code.
 */
export function collectSubstitutions(text: string): Substitution[] {
  const subs: Substitution[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '\\') {
      i += 2;
      continue;
    }
    if (ch === '$' && text[i + 1] === '(' && text[i + 2] !== '(') {
      try {
        const sub = readCommandSubstitution(text, i + 2);
        subs.push({ kind: '$(', code: sub.code });
        i = sub.end;
      } catch {
        // An unterminated substitution in a body: keep the rest as code, fail closed.
        subs.push({ kind: '$(', code: text.slice(i + 2) });
        i = text.length;
      }
      continue;
    }
    if (ch === '`') {
      try {
        const sub = readBackticks(text, i);
        subs.push({ kind: '`', code: sub.code });
        i = sub.end;
      } catch {
        subs.push({ kind: '`', code: text.slice(i + 1) });
        i = text.length;
      }
      continue;
    }
    i++;
  }
  return subs;
}
