/**
 * Reads the body of a `!` alias far enough to find the git calls it makes: splits on `;` `&&`
 * `||` `|` `&`, newlines, `(` `)` `{` `}`, finds `git …` words, and substitutes the positional
 * parameters git passes. Whatever cannot be resolved statically is reported, so callers fail closed.
 */

export interface ShellGitCall {
  /** Arguments after the `git` word (or after `git-<cmd>`, with the dashed name first). */
  argv: string[];
}

export interface ShellAnalysis {
  calls: ShellGitCall[];
  problems: string[];
}

interface Word {
  text: string;
  /** Contains an unquoted or double-quoted expansion: `$x`, `$(…)`, backticks. */
  dynamic: boolean;
  /** Exactly a positional reference (`$1`, `"$@"`, `${2}`), before substitution. */
  positional?: string;
  quoted: boolean;
}

type Token = Word | { op: string };

const OPS = ['&&', '||', ';;', ';', '|', '&', '(', ')', '\n'];

function tokenize(body: string): Token[] | null {
  const tokens: Token[] = [];
  let text = '';
  let has = false;
  let dynamic = false;
  let quoted = false;
  let raw = '';
  const flush = (): void => {
    if (has) {
      const word: Word = { text, dynamic, quoted };
      if (/^"?\$\{?[0-9@*]\}?"?$/.test(raw)) word.positional = raw.replace(/["{}$]/g, '');
      tokens.push(word);
    }
    text = '';
    raw = '';
    has = false;
    dynamic = false;
    quoted = false;
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i] as string;
    if (c === ' ' || c === '\t') {
      flush();
      i++;
      continue;
    }
    if (c === '#' && !has) {
      while (i < body.length && body[i] !== '\n') i++;
      continue;
    }
    const op = OPS.find((o) => body.startsWith(o, i));
    if (op !== undefined && !(op === '(' && body[i - 1] === '$')) {
      flush();
      tokens.push({ op });
      i += op.length;
      continue;
    }
    if ((c === '{' || c === '}') && !has) {
      const next = body[i + 1];
      if (next === undefined || next === ' ' || next === '\t' || next === '\n' || next === ';') {
        tokens.push({ op: c });
        i++;
        continue;
      }
    }
    has = true;
    raw += c;
    if (c === "'") {
      const end = body.indexOf("'", i + 1);
      if (end < 0) return null;
      text += body.slice(i + 1, end);
      raw += body.slice(i + 1, end + 1);
      quoted = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      quoted = true;
      let j = i + 1;
      for (; j < body.length && body[j] !== '"'; j++) {
        const d = body[j] as string;
        raw += d;
        if (d === '\\' && j + 1 < body.length) {
          j++;
          raw += body[j];
          text += body[j];
          continue;
        }
        if (d === '$' || d === '`') dynamic = true;
        text += d;
      }
      if (j >= body.length) return null;
      raw += '"';
      i = j + 1;
      continue;
    }
    if (c === '\\') {
      if (i + 1 < body.length) {
        text += body[i + 1];
        raw += body[i + 1];
      }
      i += 2;
      continue;
    }
    if (c === '$' && body[i + 1] === '(') {
      // Command substitution: keep it inside this word, balanced.
      let depth = 0;
      let j = i + 1;
      for (; j < body.length; j++) {
        if (body[j] === '(') depth++;
        else if (body[j] === ')' && --depth === 0) break;
      }
      text += body.slice(i, j + 1);
      raw += body.slice(i + 1, j + 1);
      dynamic = true;
      i = j + 1;
      continue;
    }
    if (c === '$' || c === '`' || c === '*' || c === '?' || c === '<' || c === '>') dynamic = true;
    text += c;
    i++;
  }
  flush();
  return tokens;
}

const GIT_WORD = /^(?:.*\/)?git(?:\.exe)?$/;
const DASHED = /^(?:.*\/)?git-([a-z][a-z0-9-]*)$/;

/** Finds the git calls in a shell alias body run with `args` appended, as git runs it. */
export function analyseShellAlias(body: string, args: readonly string[]): ShellAnalysis {
  const problems: string[] = [];
  const tokens = tokenize(body);
  if (tokens === null)
    return { calls: [], problems: [`shell alias has an unbalanced quote: ${body}`] };
  // git runs `sh -c '<body> "$@"'` with the arguments: they join the last simple command.
  for (const a of args) tokens.push({ text: a, dynamic: false, quoted: true });
  const segments: Word[][] = [[]];
  for (const t of tokens) {
    if ('op' in t) segments.push([]);
    else (segments[segments.length - 1] as Word[]).push(t);
  }
  const calls: ShellGitCall[] = [];
  for (const words of segments) {
    let k = 0;
    while (k < words.length) {
      const w = words[k] as Word;
      const dashed = DASHED.exec(w.text);
      if (!GIT_WORD.test(w.text) && !dashed) {
        if (/\bgit\b/.test(w.text)) {
          problems.push(
            `shell alias passes git code where it cannot be read: ${JSON.stringify(w.text)}`,
          );
        }
        k++;
        continue;
      }
      const argv: string[] = dashed ? [`git-${dashed[1] as string}`] : [];
      let resolvable = !w.dynamic;
      for (const a of words.slice(k + 1)) {
        const sub = substitute(a, args);
        if (sub === null) {
          resolvable = false;
          argv.push(a.text);
        } else argv.push(...sub);
      }
      if (!resolvable) {
        problems.push(
          `shell alias runs git with arguments that cannot be resolved: ${words.map((x) => x.text).join(' ')}`,
        );
      }
      calls.push({ argv });
      break;
    }
  }
  return { calls, problems };
}

/** A word after positional substitution; null when it still depends on the shell. */
function substitute(word: Word, args: readonly string[]): string[] | null {
  if (word.positional !== undefined) {
    const p = word.positional;
    if (p === '@' || p === '*') return [...args];
    const n = Number(p);
    if (n === 0) return null;
    const v = args[n - 1];
    if (v === undefined) return word.quoted ? [''] : [];
    return [v];
  }
  return word.dynamic ? null : [word.text];
}
