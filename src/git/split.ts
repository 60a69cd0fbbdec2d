/**
 * Shell-word splitting (POSIX subset) for policy example strings and tests:
 * whitespace separates words; single quotes, double quotes and backslashes quote.
 */
import { GitfenceError } from '../errors.js';

const DOUBLE_QUOTE_ESCAPABLE = new Set(['\\', '"', '$', '`', '\n']);

export function splitArgs(line: string): string[] {
  const words: string[] = [];
  let word = '';
  // A word exists once anything (even an empty quoted string) has been seen.
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const ch = line[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) {
        words.push(word);
        word = '';
        inWord = false;
      }
      i++;
      continue;
    }
    inWord = true;
    if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw unbalanced(line, "'", i);
      word += line.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (ch === '"') {
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const c = line[j] as string;
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\\' && j + 1 < n && DOUBLE_QUOTE_ESCAPABLE.has(line[j + 1] as string)) {
          // Backslash-newline inside double quotes is a line continuation.
          if (line[j + 1] !== '\n') word += line[j + 1];
          j += 2;
          continue;
        }
        word += c;
        j++;
      }
      if (!closed) throw unbalanced(line, '"', i);
      i = j + 1;
      continue;
    }
    if (ch === '\\') {
      if (i + 1 >= n) throw unbalanced(line, '\\', i);
      const next = line[i + 1] as string;
      if (next !== '\n') word += next;
      else if (word === '') inWord = false;
      i += 2;
      continue;
    }
    word += ch;
    i++;
  }
  if (inWord) words.push(word);
  return words;
}

function unbalanced(line: string, quote: string, at: number): GitfenceError {
  const what = quote === '\\' ? 'a trailing backslash' : `an unbalanced ${quote} quote`;
  return new GitfenceError('USAGE', `cannot split the command line: ${what} at offset ${at}`, {
    where: JSON.stringify(line),
    expected: quote === '\\' ? 'a character after the backslash' : `a closing ${quote}`,
    got: 'end of input',
    hint: `close the quote, or escape it with a backslash (\\${quote === '\\' ? '\\' : quote})`,
  });
}
