/**
 * Inline scripts (python -c, node -e, ruby -e, perl -e, awk programs, heredocs fed to them):
 * find the git commands they run. The languages are not parsed; their string literals are. A
 * run of string literals separated by commas that starts with `git` is an argv list
 * (`['git', 'reset', '--hard']`, `spawn('git', ['clean', '-fd'])`, `system('git', 'stash')`);
 * any other literal is read as shell code (`os.system('git reset --hard')`, `execSync(…)`).
 */
import { hasGitLikeToken, isGitProgram, dashedSubcommand } from './git-names.js';

export type ScriptLanguage = 'python' | 'js' | 'ruby' | 'perl' | 'php' | 'awk';

export interface ScriptFindings {
  /** Literals to analyse as shell code. */
  shell: string[];
  /** argv lists whose first element runs git (or a wrapper such as sudo, bash). */
  argv: string[][];
}

type ScriptToken = { kind: 'str'; value: string } | { kind: 'punct'; value: string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0' };

function tokenize(code: string, language: ScriptLanguage): ScriptToken[] {
  const tokens: ScriptToken[] = [];
  const hashComments = language === 'python' || language === 'ruby' || language === 'perl';
  const slashComments = language === 'js' || language === 'php';
  let i = 0;
  while (i < code.length) {
    const ch = code[i]!;
    if (hashComments && ch === '#') {
      // Ruby `#{…}` interpolation only occurs inside strings, so a bare # is a comment.
      while (i < code.length && code[i] !== '\n') i++;
      continue;
    }
    if (slashComments && ch === '/' && code[i + 1] === '/') {
      while (i < code.length && code[i] !== '\n') i++;
      continue;
    }
    if (slashComments && ch === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2);
      i = end === -1 ? code.length : end + 2;
      continue;
    }
    if (language === 'ruby' && ch === '%' && /[xwWiIqQ]/.test(code[i + 1] ?? '')) {
      // %x(…) runs a shell command; %w(…) is a word list (an argv when it starts with git).
      const kind = code[i + 1]!;
      const open = code[i + 2] ?? '';
      const close = { '(': ')', '[': ']', '{': '}', '<': '>' }[open] ?? open;
      const end = code.indexOf(close, i + 3);
      const body = code.slice(i + 3, end === -1 ? code.length : end);
      if (kind === 'w' || kind === 'W') {
        tokens.push({ kind: 'punct', value: '[' });
        body
          .split(/\s+/)
          .filter(Boolean)
          .forEach((word, index) => {
            if (index > 0) tokens.push({ kind: 'punct', value: ',' });
            tokens.push({ kind: 'str', value: word });
          });
        tokens.push({ kind: 'punct', value: ']' });
      } else tokens.push({ kind: 'str', value: body });
      i = end === -1 ? code.length : end + 1;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      const triple = (language === 'python' && code.startsWith(ch.repeat(3), i)) || false;
      const delimiter = triple ? ch.repeat(3) : ch;
      let j = i + delimiter.length;
      let value = '';
      while (j < code.length && !code.startsWith(delimiter, j)) {
        if (code[j] === '\\' && j + 1 < code.length) {
          const esc = code[j + 1]!;
          value += ESCAPES[esc] ?? esc;
          j += 2;
          continue;
        }
        value += code[j];
        j++;
      }
      tokens.push({ kind: 'str', value });
      i = j + delimiter.length;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    tokens.push({ kind: 'punct', value: ch });
    i++;
  }
  return tokens;
}

function runsGit(word: string): boolean {
  return isGitProgram(word) || dashedSubcommand(word) !== null;
}

const WRAPPERS = new Set([
  'sudo',
  'env',
  'bash',
  'sh',
  'zsh',
  'dash',
  'nice',
  'nohup',
  'timeout',
  'xargs',
  'command',
]);

/** Find the git commands a script runs. */
export function extractFromScript(code: string, language: ScriptLanguage): ScriptFindings {
  const tokens = tokenize(code, language);
  const findings: ScriptFindings = { shell: [], argv: [] };
  const used = new Set<number>();
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.kind !== 'str' || used.has(t)) continue;
    const first = token.value.trim();
    if (runsGit(first) || WRAPPERS.has(first)) {
      // A list: the first literal, then `, 'x'` pairs; a `[` may open the rest (spawn('git', […])).
      const argv = [first];
      let k = t + 1;
      while (k < tokens.length) {
        const sep = tokens[k]!;
        if (sep.kind === 'punct' && (sep.value === ',' || sep.value === '[')) {
          k++;
          continue;
        }
        if (sep.kind === 'str') {
          argv.push(sep.value);
          used.add(k);
          k++;
          continue;
        }
        break;
      }
      findings.argv.push(argv);
      continue;
    }
    if (hasGitLikeToken(token.value)) findings.shell.push(token.value);
  }
  return findings;
}
