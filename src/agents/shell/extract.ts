/**
 * `extractGitCalls`: every git invocation a shell command string would make, as argv lists. Pure.
 *
 * The string is lexed (lex.ts), walked as a sequence of simple commands, and each command word is
 * resolved through wrappers (sudo, env, xargs, find -exec, sh -c, eval, inline scripts, …) until it
 * is git, something else, or code to analyse recursively. Arguments of other programs are data.
 */
import {
  lexShell,
  ShellSyntaxError,
  type Redirection,
  type Substitution,
  type Token,
  type Word,
} from './lex.js';
import {
  dashedSubcommand,
  globCouldBeGit,
  hasGitLikeToken,
  isGitBuiltin,
  isGitProgram,
  programName,
  subcommandIndex,
} from './git-names.js';
import { extractFromScript, type ScriptLanguage } from './scripts.js';

export interface ShellGitCall {
  /** argv after `git`; for a dashed helper (`git-reset`), the dashed name comes first. */
  argv: string[];
  /** Variables set for this call (`FOO=1 git …`, `env X=1 git …`, earlier `export X=1`). */
  env: Record<string, string>;
  /** The directory the call runs in, relative to where the string runs (`cd sub && git …`), when it changed. */
  cwd?: string;
  /** The wrappers and constructs it was found through, outermost first (`sudo`, `bash -c`, `$(…)`). */
  via: string[];
  /** Git aliases the same string defined before this call (`git config alias.nuke 'reset --hard'`). */
  aliases?: Record<string, string>;
}

export interface ShellAnalysis {
  calls: ShellGitCall[];
  /**
   * Set when part of the string could not be parsed and that part looks like git: deny.
   * A string that cannot be parsed but shows no git-like token is allowed (nothing to decide).
   */
  unparseable?: string;
}

/** How deep `bash -c "eval '…'"`-style nesting is followed before failing closed. */
const MAX_DEPTH = 16;
/** A placeholder for arguments that arrive on stdin (`xargs git checkout`): unknown, so treated as a path. */
export const XARGS_PLACEHOLDER = '{xargs-input}';

interface Arg {
  text: string;
  raw: string;
  dynamic: boolean;
  glob: boolean;
  /** Quoted in any part (a quoted `"$(…)"` is one word; unquoted, its output is split). */
  quoted?: boolean;
  /** The substitutions inside the word, for words that are exactly one (`$(echo git)`). */
  subs?: Substitution[];
}

interface Scope {
  cwd: string | undefined;
  env: Record<string, string>;
}

interface State {
  calls: ShellGitCall[];
  aliases: Record<string, string>;
  /** `alias g='git reset --hard'` earlier in the string. */
  shellAliases: Record<string, string>;
  unparseable: string[];
}

interface SimpleCommand {
  words: Word[];
  assigns: Array<[string, string]>;
  redirs: Redirection[];
}

const RESERVED_SKIP = new Set([
  'if',
  'then',
  'elif',
  'else',
  'fi',
  'do',
  'done',
  'while',
  'until',
  '{',
  '}',
  '!',
]);
const SHELLS = /^(sh|bash|zsh|dash|ksh|ash|mksh|yash|fish|rbash)$/;
const SHELL_VALUE_OPTIONS = new Set(['o', 'O']);
const SHELL_LONG_VALUE = new Set(['--rcfile', '--init-file']);

export function extractGitCalls(command: string): ShellAnalysis {
  const state: State = { calls: [], aliases: {}, shellAliases: {}, unparseable: [] };
  analyzeCode(command, { cwd: undefined, env: {} }, state, [], 0);
  const result: ShellAnalysis = { calls: state.calls };
  if (state.unparseable.length > 0) result.unparseable = state.unparseable.join('; ');
  return result;
}

function analyzeCode(code: string, scope: Scope, state: State, via: string[], depth: number): void {
  if (depth > MAX_DEPTH) {
    if (hasGitLikeToken(code)) state.unparseable.push(`nested more than ${MAX_DEPTH} levels deep`);
    return;
  }
  let tokens: Token[];
  try {
    tokens = lexShell(code);
  } catch (error) {
    if (!(error instanceof ShellSyntaxError)) throw error;
    if (hasGitLikeToken(code)) {
      const where = via.length > 0 ? ` (inside ${via.join(' → ')})` : '';
      state.unparseable.push(`${error.message} at offset ${error.position}${where}`);
    }
    return;
  }
  walk(tokens, scope, state, via, depth, code);
}

const SUB_LABEL: Record<Substitution['kind'], string> = {
  '$(': '$(…)',
  '`': '`…`',
  '<(': '<(…)',
  '>(': '>(…)',
  '${': '${…}',
};

type Mode = 'normal' | 'for' | 'case-header' | 'case-pattern' | 'dbracket';

function walk(
  tokens: Token[],
  outer: Scope,
  state: State,
  via: string[],
  depth: number,
  code: string,
): void {
  let scope: Scope = { cwd: outer.cwd, env: { ...outer.env } };
  const saved: Scope[] = [];
  let mode: Mode = 'normal';
  let caseDepth = 0;
  let cmd: SimpleCommand = { words: [], assigns: [], redirs: [] };
  let pipeline: SimpleCommand[] = [];

  const subs = (list: Substitution[]) => {
    for (const sub of list)
      analyzeCode(sub.code, scope, state, [...via, SUB_LABEL[sub.kind]], depth + 1);
  };
  const endCommand = () => {
    if (cmd.words.length > 0 || cmd.assigns.length > 0 || cmd.redirs.length > 0) pipeline.push(cmd);
    cmd = { words: [], assigns: [], redirs: [] };
  };
  const endPipeline = () => {
    endCommand();
    let previous: SimpleCommand | null = null;
    for (const simple of pipeline) {
      runSimple(simple, previous, scope, state, via, depth);
      previous = simple;
    }
    pipeline = [];
  };
  const fail = (message: string) => {
    if (hasGitLikeToken(code))
      state.unparseable.push(message + (via.length > 0 ? ` (inside ${via.join(' → ')})` : ''));
  };

  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if (token.type === 'word') subs(token.subs);
    if (token.type === 'redir') {
      if (token.target) subs(token.target.subs);
      if (token.heredoc) subs(token.heredoc.subs);
    }
    const atStart = cmd.words.length === 0 && cmd.assigns.length === 0;
    const reservedWord = token.type === 'word' && !token.quoted ? token.text : null;

    if (mode === 'for') {
      if (reservedWord === 'do') mode = 'normal';
      continue;
    }
    if (mode === 'dbracket') {
      if (reservedWord === ']]') mode = 'normal';
      continue;
    }
    if (mode === 'case-header') {
      if (reservedWord === 'in') mode = 'case-pattern';
      continue;
    }
    if (mode === 'case-pattern') {
      if (reservedWord === 'esac') {
        caseDepth--;
        mode = 'normal';
      } else if (token.type === 'op' && token.op === ')') mode = 'normal';
      continue;
    }

    if (token.type === 'op') {
      switch (token.op) {
        case '|':
        case '|&':
          endCommand();
          break;
        case '(': {
          if (cmd.words.length === 1 && atStart === false && tokens[t + 1]?.type === 'op') {
            // `name() { …; }`: a function definition; its body runs only when called.
            const next = tokens[t + 1] as { op: string };
            if (next.op === ')') {
              cmd = { words: [], assigns: [], redirs: [] };
              t++;
              break;
            }
          }
          if (!atStart) {
            fail('unexpected `(`');
            return;
          }
          endPipeline();
          saved.push(scope);
          scope = { cwd: scope.cwd, env: { ...scope.env } };
          break;
        }
        case ')': {
          endPipeline();
          const outer = saved.pop();
          if (!outer) {
            fail('unexpected `)`');
            return;
          }
          scope = outer;
          break;
        }
        case ';;':
        case ';&':
        case ';;&':
          endPipeline();
          if (caseDepth > 0) mode = 'case-pattern';
          break;
        default:
          endPipeline();
      }
      continue;
    }
    if (token.type === 'redir') {
      cmd.redirs.push(token);
      continue;
    }
    if (atStart && reservedWord !== null) {
      if (RESERVED_SKIP.has(reservedWord)) continue;
      if (reservedWord === 'esac') {
        caseDepth = Math.max(0, caseDepth - 1);
        continue;
      }
      if (reservedWord === 'for' || reservedWord === 'select') {
        mode = 'for';
        continue;
      }
      if (reservedWord === 'case') {
        caseDepth++;
        mode = 'case-header';
        continue;
      }
      if (reservedWord === '[[') {
        mode = 'dbracket';
        continue;
      }
      if (reservedWord === 'function') {
        t++; // the name; the body follows as a group
        if (tokens[t + 1]?.type === 'op' && (tokens[t + 1] as { op: string }).op === '(') t += 2;
        continue;
      }
      if (token.assignPrefix > 0) {
        cmd.assigns.push([
          token.text.slice(0, token.assignPrefix - 1),
          token.text.slice(token.assignPrefix),
        ]);
        continue;
      }
    }
    cmd.words.push(token);
  }
  endPipeline();
}

function toArg(word: Word): Arg {
  const arg: Arg = { text: word.text, raw: word.raw, dynamic: word.dynamic, glob: word.glob };
  if (word.subs.length > 0) arg.subs = word.subs;
  if (word.quoted) arg.quoted = true;
  return arg;
}

/** The output of a piece of code when the string shows it: one `echo`, `printf` or `cat <<EOF`. */
function outputOfCode(code: string): string | null {
  let tokens: Token[];
  try {
    tokens = lexShell(code);
  } catch {
    return null;
  }
  const simple: SimpleCommand = { words: [], assigns: [], redirs: [] };
  for (const token of tokens) {
    if (token.type === 'op') {
      if (token.op === '\n' || token.op === ';') continue;
      return null;
    }
    if (token.type === 'redir') simple.redirs.push(token);
    else simple.words.push(token);
  }
  return knownOutput(simple);
}

/** A word that is exactly one substitution (`$(echo git)`, `` `printf git` ``, `<(echo …)`): its code. */
function soleSubstitution(arg: Arg): Substitution | null {
  const sub = arg.subs?.length === 1 ? arg.subs[0]! : null;
  if (!sub) return null;
  const raw = arg.raw.replace(/^"(.*)"$/s, '$1');
  const whole =
    (sub.kind === '$(' && raw.startsWith('$(') && raw.endsWith(')')) ||
    (sub.kind === '`' && raw.startsWith('`') && raw.endsWith('`')) ||
    ((sub.kind === '<(' || sub.kind === '>(') && raw.startsWith(sub.kind) && raw.endsWith(')'));
  return whole ? sub : null;
}

/** `{git,reset,--hard}`: unquoted brace expansion makes several words (and can spell a command). */
export function expandBraces(text: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '{') {
      if (depth === 0) open = i;
      depth++;
    } else if (ch === '}' && depth > 0) {
      depth--;
      if (depth === 0) {
        const inner = text.slice(open + 1, i);
        const parts: string[] = [];
        let level = 0;
        let start = 0;
        for (let j = 0; j < inner.length; j++) {
          if (inner[j] === '{') level++;
          else if (inner[j] === '}') level--;
          else if (inner[j] === ',' && level === 0) {
            parts.push(inner.slice(start, j));
            start = j + 1;
          }
        }
        if (parts.length === 0) continue; // `{}`, `@{0}`: not an expansion
        parts.push(inner.slice(start));
        const prefix = text.slice(0, open);
        const suffix = text.slice(i + 1);
        return parts.flatMap((part) => expandBraces(`${prefix}${part}${suffix}`));
      }
    }
  }
  return [text];
}

function expandBraceWord(word: Word): Arg[] {
  const arg = toArg(word);
  if (word.quoted || !/\{[^}]*,/.test(word.text)) return [arg];
  const expanded = expandBraces(word.text);
  if (expanded.length > 64) return [arg];
  return expanded.map((text) => ({ ...arg, text }));
}

/** `git${IFS}reset${IFS}--hard`: an unquoted `$IFS` splits words at run time; split them here. */
function splitIfs(args: Arg[]): Arg[] {
  if (!args.some((a) => a.dynamic && /\$\{?IFS\}?/.test(a.raw))) return args;
  return args.flatMap((a) =>
    a.dynamic && /\$\{?IFS\}?/.test(a.raw)
      ? a.text
          .split(/\$\{IFS\}|\$IFS/)
          .filter((part) => part !== '')
          .map((text) => ({ text, raw: text, dynamic: /\$/.test(text), glob: false }))
      : [a],
  );
}

/** What a command writes to stdout when that is knowable from the string (`echo …`, `printf …`, `cat <<EOF`). */
function knownOutput(simple: SimpleCommand): string | null {
  const [head, ...rest] = simple.words.map(toArg);
  if (!head) return null;
  const name = programName(head.text);
  if (name === 'echo') {
    const args = rest.map((a) => a.text);
    while (args[0] && /^-[neE]+$/.test(args[0])) args.shift();
    return args.join(' ');
  }
  if (name === 'printf') return rest.map((a) => a.text.replace(/\\n/g, '\n')).join(' ');
  if (name === 'cat' && rest.length === 0) return stdinText(simple);
  return null;
}

/** The text a command reads on stdin from its own heredoc or here-string. */
function stdinText(simple: SimpleCommand): string | null {
  for (let i = simple.redirs.length - 1; i >= 0; i--) {
    const redir = simple.redirs[i]!;
    if (redir.fd !== null && redir.fd !== 0) continue;
    if (redir.heredoc) return redir.heredoc.body;
    if (redir.op === '<<<') return redir.target?.text ?? null;
    if (redir.op === '<' || redir.op === '<>') return null;
  }
  return null;
}

interface Run {
  scope: Scope;
  state: State;
  depth: number;
  /** Code this command reads on stdin, when known. */
  stdin: string | null;
  stdinVia: string;
}

function runSimple(
  simple: SimpleCommand,
  previous: SimpleCommand | null,
  scope: Scope,
  state: State,
  via: string[],
  depth: number,
): void {
  if (simple.words.length === 0) return;
  let stdin = stdinText(simple);
  let stdinVia = 'heredoc';
  const hasStdinRedirect = simple.redirs.some(
    (r) => (r.fd === null || r.fd === 0) && r.op.startsWith('<'),
  );
  if (stdin === null && !hasStdinRedirect && previous) {
    stdin = knownOutput(previous);
    stdinVia = 'pipe';
  }
  const env: Record<string, string> = { ...scope.env };
  for (const [name, value] of simple.assigns) env[name] = value;
  let args = splitIfs(simple.words.flatMap(expandBraceWord));
  const alias = args[0] && !args[0].dynamic ? state.shellAliases[args[0].text] : undefined;
  if (alias !== undefined && depth < MAX_DEPTH) {
    // An alias defined earlier in the string (zsh and interactive shells expand them).
    args = [...splitWords(alias), ...args.slice(1)];
  }
  resolve(args, env, scope.cwd, via, { scope, state, depth, stdin, stdinVia });
}

function joinCwd(base: string | undefined, dir: string): string {
  if (dir.startsWith('/') || /^[A-Za-z]:[\\/]/.test(dir) || base === undefined) return dir;
  return `${base.replace(/\/+$/, '')}/${dir}`;
}

interface OptionSpec {
  /** Short option letters that take a value. */
  short?: string;
  /** Long options that take a value (as `--name value` or `--name=value`). */
  long?: string[];
  /** Treat `-<digits>` as an option (nice -10). */
  numeric?: boolean;
}

interface ParsedOptions {
  index: number;
  options: Array<[string, string | undefined]>;
}

/** Skip a program's options; returns the index of the first operand and what was seen. */
function parseOptions(args: Arg[], from: number, spec: OptionSpec): ParsedOptions {
  const options: Array<[string, string | undefined]> = [];
  let i = from;
  while (i < args.length) {
    const text = args[i]!.text;
    if (text === '--') return { index: i + 1, options };
    if (text.startsWith('--') && text.length > 2) {
      const eq = text.indexOf('=');
      const name = eq === -1 ? text : text.slice(0, eq);
      if (eq !== -1) options.push([name, text.slice(eq + 1)]);
      else if (spec.long?.includes(name)) {
        options.push([name, args[i + 1]?.text]);
        i++;
      } else options.push([name, undefined]);
      i++;
      continue;
    }
    if (text.startsWith('-') && text.length > 1) {
      if (spec.numeric && /^-\d+$/.test(text)) {
        options.push([text, undefined]);
        i++;
        continue;
      }
      let consumedNext = false;
      for (let j = 1; j < text.length; j++) {
        const letter = text[j]!;
        if (spec.short?.includes(letter)) {
          const inline = text.slice(j + 1);
          if (inline) options.push([`-${letter}`, inline]);
          else {
            options.push([`-${letter}`, args[i + 1]?.text]);
            consumedNext = true;
          }
          break;
        }
        options.push([`-${letter}`, undefined]);
      }
      i += consumedNext ? 2 : 1;
      continue;
    }
    break;
  }
  return { index: i, options };
}

const has = (parsed: ParsedOptions, ...names: string[]) =>
  parsed.options.some(([n]) => names.includes(n));
const valueOf = (parsed: ParsedOptions, ...names: string[]) =>
  parsed.options.filter(([n]) => names.includes(n)).map(([, v]) => v)[0];

/** Split a string into words the way `env -S` and the shell do, for strings that are argv, not code. */
function splitWords(text: string): Arg[] {
  try {
    return lexShell(text).map((token) =>
      token.type === 'word'
        ? toArg(token)
        : { text: token.type === 'op' ? token.op : token.op, raw: '', dynamic: false, glob: false },
    );
  } catch {
    return text
      .split(/\s+/)
      .filter(Boolean)
      .map((t) => ({ text: t, raw: t, dynamic: false, glob: false }));
  }
}

const INTERPRETERS: Array<{
  name: RegExp;
  language: ScriptLanguage;
  /** Options whose value is the program. */
  code: string[];
  /** Other options that take a value. */
  spec: OptionSpec;
  /** Options after which the rest is not a script we can see (`python -m mod`). */
  stop?: string[];
  /** The program is the first operand (awk). */
  programOperand?: boolean;
}> = [
  {
    name: /^(python[0-9.]*|pypy[0-9.]*)$/,
    language: 'python',
    code: ['-c'],
    spec: { short: 'cmWXQ' },
    stop: ['-m'],
  },
  {
    name: /^(node|nodejs|bun)$/,
    language: 'js',
    code: ['-e', '--eval', '-p', '--print'],
    spec: {
      short: 'eprC',
      long: ['--eval', '--print', '--require', '--import', '--loader', '--input-type'],
    },
  },
  { name: /^deno$/, language: 'js', code: [], spec: {} },
  { name: /^(ruby|jruby)$/, language: 'ruby', code: ['-e'], spec: { short: 'eIrCEFx' } },
  { name: /^perl[0-9.]*$/, language: 'perl', code: ['-e', '-E'], spec: { short: 'eEIMmlx0' } },
  { name: /^php[0-9.]*$/, language: 'php', code: ['-r'], spec: { short: 'rcdf' }, stop: ['-f'] },
  {
    name: /^(awk|gawk|mawk|nawk)$/,
    language: 'awk',
    code: [],
    spec: { short: 'Fvf' },
    stop: ['-f'],
    programOperand: true,
  },
];

function runScript(
  code: string,
  language: ScriptLanguage,
  scope: Scope,
  cwd: string | undefined,
  env: Record<string, string>,
  via: string[],
  run: Run,
): void {
  const findings = extractFromScript(code, language);
  for (const shell of findings.shell) {
    analyzeCode(shell, { cwd, env }, run.state, via, run.depth + 1);
  }
  for (const argv of findings.argv) {
    resolve(
      argv.map((text) => ({ text, raw: text, dynamic: false, glob: false })),
      env,
      cwd,
      via,
      { ...run, depth: run.depth + 1, stdin: null },
    );
  }
  void scope;
}

function recordGitCall(
  argv: string[],
  env: Record<string, string>,
  cwd: string | undefined,
  via: string[],
  run: Run,
): void {
  const call: ShellGitCall = { argv, env, via };
  if (cwd !== undefined) call.cwd = cwd;
  if (Object.keys(run.state.aliases).length > 0) call.aliases = { ...run.state.aliases };
  run.state.calls.push(call);
  noteAliasDefinition(argv, run.state.aliases);
}

const CONFIG_VALUE = new Set([
  '-f',
  '--file',
  '--blob',
  '--type',
  '--default',
  '--comment',
  '--value',
]);

/** `git config [--global] alias.nuke 'reset --hard'` (or `config set`): later calls in the string see it. */
function noteAliasDefinition(argv: string[], aliases: Record<string, string>): void {
  let i = subcommandIndex(argv);
  if (i === -1 || argv[i] !== 'config') return;
  i++;
  let unset = false;
  const operands: string[] = [];
  for (; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--unset')) unset = true;
    if (CONFIG_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith('-')) continue;
    operands.push(arg);
  }
  if (operands[0] === 'set' || operands[0] === 'unset') {
    unset = operands[0] === 'unset';
    operands.shift();
  }
  const [key, value] = operands;
  const match = key ? /^alias\.(.+)$/i.exec(key) : null;
  if (!match) return;
  const name = match[1]!.toLowerCase();
  if (unset) delete aliases[name];
  else if (value !== undefined) aliases[name] = value;
}

/** Resolve one command (already split into words) through wrappers until it is git or not. */
function resolve(
  args: Arg[],
  env: Record<string, string>,
  cwd: string | undefined,
  via: string[],
  run: Run,
): void {
  if (run.depth > MAX_DEPTH) {
    if (args.some((a) => hasGitLikeToken(a.text)))
      run.state.unparseable.push(`wrappers nested more than ${MAX_DEPTH} deep`);
    return;
  }
  const head = args[0];
  if (!head) return;
  const rest = args.slice(1);
  const next = (from: number, label: string, nextEnv = env, nextCwd = cwd) =>
    resolve(args.slice(from), nextEnv, nextCwd, [...via, label], { ...run, depth: run.depth + 1 });
  const code = (text: string, label: string, nextEnv = env, nextCwd = cwd) =>
    analyzeCode(text, { cwd: nextCwd, env: nextEnv }, run.state, [...via, label], run.depth + 1);

  const headSub = head.dynamic ? soleSubstitution(head) : null;
  const headOutput = headSub && headSub.kind !== '<(' ? outputOfCode(headSub.code) : null;
  if (headOutput !== null) {
    // `$(echo git) reset --hard`: the output is known; unquoted, it is split into words.
    const words = head.quoted
      ? [{ text: headOutput, raw: headOutput, dynamic: false, glob: false }]
      : splitWords(headOutput);
    return resolve(
      [...words, ...rest],
      env,
      cwd,
      [...via, head.raw.slice(0, 2) === '$(' ? '$(…)' : '`…`'],
      {
        ...run,
        depth: run.depth + 1,
      },
    );
  }
  if (head.dynamic && /^-[a-z]*c[a-z]*$/.test(rest[0]?.text ?? '') && rest[1] !== undefined) {
    // `$SHELL -c '…'`, `"$BASH" -lc '…'`: a program known only at run time, given code: read it.
    analyzeCode(rest[1].text, { cwd, env }, run.state, [...via, `${head.raw} -c`], run.depth + 1);
  }
  if (head.dynamic) {
    // `$GIT reset`, `$(which git) reset`, `gi$()t reset`, `/usr/bin/gi?`, `$CMD reset --hard`:
    // a word only known at run time is git when it could spell git or is followed by a git command.
    const skeleton = head.raw.replace(
      /\$\([^)]*\)|`[^`]*`|\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|['"\\]/g,
      '',
    );
    const next = rest[0]?.text;
    if (
      /git/i.test(head.raw) ||
      /git/i.test(skeleton) ||
      (head.glob && globCouldBeGit(head.text)) ||
      (next !== undefined && !rest[0]!.dynamic && isGitBuiltin(next))
    ) {
      recordGitCall(
        rest.map((a) => a.text),
        env,
        cwd,
        [...via, `dynamic ${head.raw}`],
        run,
      );
    }
    return;
  }
  const word = head.text;
  if (isGitProgram(word)) {
    recordGitCall(
      rest.map((a) => a.text),
      env,
      cwd,
      via,
      run,
    );
    return;
  }
  const dashed = dashedSubcommand(word);
  if (dashed) {
    recordGitCall([`git-${dashed}`, ...rest.map((a) => a.text)], env, cwd, via, run);
    return;
  }
  const name = programName(word);

  switch (name) {
    case 'sudo':
    case 'doas':
    case 'run0': {
      const parsed = parseOptions(args, 1, {
        short: name === 'doas' ? 'uC' : 'CDghprtTUuR',
        long: [
          '--user',
          '--group',
          '--chdir',
          '--prompt',
          '--role',
          '--type',
          '--command-timeout',
          '--other-user',
          '--close-from',
          '--host',
          '--chroot',
        ],
      });
      if (has(parsed, '-e', '--edit', '-l', '--list', '-v', '--validate', '-k', '-K')) {
        if (parsed.index >= args.length) return;
      }
      let i = parsed.index;
      const nextEnv = { ...env };
      while (i < args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[i]!.text)) {
        const text = args[i]!.text;
        nextEnv[text.slice(0, text.indexOf('='))] = text.slice(text.indexOf('=') + 1);
        i++;
      }
      const dir = valueOf(parsed, '-D', '--chdir');
      const nextCwd = dir ? joinCwd(cwd, dir) : cwd;
      if (name === 'sudo' && has(parsed, '-s', '--shell', '-i', '--login') && i < args.length) {
        // `sudo -s 'git reset --hard'`: the command runs through the target user's shell.
        return code(
          args
            .slice(i)
            .map((a) => a.text)
            .join(' '),
          `${name} -s`,
          nextEnv,
          nextCwd,
        );
      }
      return next(i, name, nextEnv, nextCwd);
    }
    case 'cmd':
    case 'cmd.exe': {
      // Windows `cmd /c git reset --hard`: the rest is a command line.
      const at = args.findIndex((a, index) => index > 0 && /^\/[ck]$/i.test(a.text));
      if (at === -1) return;
      return code(
        args
          .slice(at + 1)
          .map((a) => a.text)
          .join(' '),
        'cmd /c',
      );
    }
    case 'powershell':
    case 'pwsh': {
      const at = args.findIndex((a, index) => index > 0 && /^-(c|command)$/i.test(a.text));
      if (at === -1) return;
      return code(
        args
          .slice(at + 1)
          .map((a) => a.text)
          .join(' '),
        `${name} -Command`,
      );
    }
    case 'env': {
      const nextEnv = { ...env };
      let nextCwd = cwd;
      let i = 1;
      let split: string | undefined;
      while (i < args.length) {
        const text = args[i]!.text;
        if (text === '--') {
          i++;
          break;
        }
        const long = /^--([a-z-]+)(?:=(.*))?$/s.exec(text);
        if (long) {
          const [, optName, inline] = long;
          const takesValue =
            optName === 'unset' || optName === 'chdir' || optName === 'split-string';
          const value = inline ?? (takesValue ? args[++i]?.text : undefined);
          if (optName === 'chdir' && value) nextCwd = joinCwd(nextCwd, value);
          if (optName === 'split-string') split = value ?? '';
          if (optName === 'ignore-environment')
            for (const key of Object.keys(nextEnv)) delete nextEnv[key];
          if (optName === 'unset' && value) delete nextEnv[value];
          i++;
          if (split !== undefined) break;
          continue;
        }
        if (text.startsWith('-') && text.length > 1) {
          let consumedNext = false;
          for (let j = 1; j < text.length; j++) {
            const letter = text[j]!;
            if ('uCS'.includes(letter)) {
              const value = text.slice(j + 1) || args[i + 1]?.text;
              consumedNext = text.slice(j + 1) === '';
              if (letter === 'C' && value) nextCwd = joinCwd(nextCwd, value);
              if (letter === 'u' && value) delete nextEnv[value];
              if (letter === 'S') split = value ?? '';
              break;
            }
            if (letter === 'i') for (const key of Object.keys(nextEnv)) delete nextEnv[key];
          }
          i += consumedNext ? 2 : 1;
          if (split !== undefined) break;
          continue;
        }
        if (text === '-') {
          i++;
          continue;
        }
        if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(text)) {
          nextEnv[text.slice(0, text.indexOf('='))] = text.slice(text.indexOf('=') + 1);
          i++;
          continue;
        }
        break;
      }
      if (split !== undefined) {
        const words = [...splitWords(split), ...args.slice(i)];
        return resolve(words, nextEnv, nextCwd, [...via, 'env -S'], {
          ...run,
          depth: run.depth + 1,
        });
      }
      return next(i, 'env', nextEnv, nextCwd);
    }
    case 'command': {
      const parsed = parseOptions(args, 1, {});
      if (has(parsed, '-v', '-V')) return; // a lookup, not a run
      return next(parsed.index, 'command');
    }
    case 'builtin':
    case 'nohup':
    case 'unbuffer':
    case 'chronic':
      return next(1, name);
    case 'exec':
      return next(parseOptions(args, 1, { short: 'a' }).index, 'exec');
    case 'nice':
      return next(
        parseOptions(args, 1, { short: 'n', long: ['--adjustment'], numeric: true }).index,
        'nice',
      );
    case 'time':
      return next(
        parseOptions(args, 1, { short: 'fo', long: ['--format', '--output'] }).index,
        'time',
      );
    case 'stdbuf':
      return next(
        parseOptions(args, 1, { short: 'ioe', long: ['--input', '--output', '--error'] }).index,
        'stdbuf',
      );
    case 'ionice':
      return next(
        parseOptions(args, 1, {
          short: 'cnpPu',
          long: ['--class', '--classdata', '--pid', '--pgid', '--uid'],
        }).index,
        'ionice',
      );
    case 'setsid':
      return next(parseOptions(args, 1, {}).index, 'setsid');
    case 'taskset': {
      const parsed = parseOptions(args, 1, {});
      return next(parsed.index + 1, 'taskset');
    }
    case 'timeout': {
      const parsed = parseOptions(args, 1, { short: 'sk', long: ['--signal', '--kill-after'] });
      return next(parsed.index + 1, 'timeout'); // skip the duration
    }
    case 'flock': {
      // `flock [options] FILE [options] (-c CMD | CMD…)`
      const spec = { short: 'wEc', long: ['--timeout', '--conflict-exit-code', '--command'] };
      const before = parseOptions(args, 1, spec);
      const after = parseOptions(args, before.index + 1, spec);
      const command = valueOf(before, '-c', '--command') ?? valueOf(after, '-c', '--command');
      if (command !== undefined) return code(command, 'flock -c');
      return next(after.index, 'flock');
    }
    case 'xargs': {
      const parsed = parseOptions(args, 1, {
        short: 'adEILnPs',
        long: [
          '--arg-file',
          '--delimiter',
          '--eof',
          '--max-lines',
          '--max-args',
          '--max-procs',
          '--max-chars',
          '--process-slot-var',
        ],
      });
      const replaces = has(parsed, '-I', '-i', '--replace');
      const words =
        parsed.index < args.length
          ? args.slice(parsed.index)
          : [{ text: 'echo', raw: 'echo', dynamic: false, glob: false }];
      // Arguments arrive on stdin: an unknown operand stands in for them so the evaluator sees one.
      if (!replaces)
        words.push({ text: XARGS_PLACEHOLDER, raw: XARGS_PLACEHOLDER, dynamic: true, glob: false });
      return resolve(words, env, cwd, [...via, 'xargs'], {
        ...run,
        depth: run.depth + 1,
        stdin: null,
      });
    }
    case 'find':
    case 'fd':
    case 'fdfind': {
      const actions =
        name === 'find'
          ? ['-exec', '-execdir', '-ok', '-okdir']
          : ['-x', '--exec', '-X', '--exec-batch'];
      for (let i = 1; i < args.length; i++) {
        if (!actions.includes(args[i]!.text)) continue;
        const start = i + 1;
        let end = start;
        while (end < args.length && args[end]!.text !== ';' && args[end]!.text !== '+') end++;
        resolve(args.slice(start, end), env, cwd, [...via, `${name} ${args[i]!.text}`], {
          ...run,
          depth: run.depth + 1,
          stdin: null,
        });
        i = end;
      }
      return;
    }
    case 'parallel':
    case 'sem': {
      const parsed = parseOptions(args, 1, {
        short: 'jSadIECNnLs',
        long: [
          '--jobs',
          '--sshlogin',
          '--arg-file',
          '--delimiter',
          '--colsep',
          '--delay',
          '--timeout',
          '--joblog',
          '--results',
          '--tmpdir',
          '--workdir',
          '--wd',
          '--halt',
          '--retries',
          '--max-args',
          '--max-lines',
          '--env',
          '--tag-string',
          '--memfree',
          '--load',
          '--basefile',
        ],
      });
      let end = parsed.index;
      while (end < args.length && !/^:::+\+?$/.test(args[end]!.text)) end++;
      const template = args
        .slice(parsed.index, end)
        .map((a) => a.text)
        .join(' ');
      // parallel runs its command through a shell; with no command, each input line is one.
      if (template) return code(template, name);
      if (run.stdin !== null) return code(run.stdin, `${run.stdinVia} → ${name}`);
      return;
    }
    case 'watch': {
      const parsed = parseOptions(args, 1, { short: 'nq', long: ['--interval', '--equexit'] });
      const words = args.slice(parsed.index);
      if (has(parsed, '-x', '--exec'))
        return resolve(words, env, cwd, [...via, 'watch'], { ...run, depth: run.depth + 1 });
      return code(words.map((a) => a.text).join(' '), 'watch');
    }
    case 'source':
    case '.': {
      const sub = rest[0] ? soleSubstitution(rest[0]) : null;
      const script = sub?.kind === '<(' ? outputOfCode(sub.code) : null;
      if (script !== null) return code(script, `${name} <(…)`);
      return;
    }
    case 'eval':
      return code(rest.map((a) => a.text).join(' '), 'eval');
    case 'su':
    case 'runuser': {
      const parsed = parseOptions(args, 1, {
        short: 'cgGsuw',
        long: [
          '--command',
          '--session-command',
          '--group',
          '--supp-group',
          '--shell',
          '--user',
          '--whitelist-environment',
        ],
      });
      const command = valueOf(parsed, '-c', '--command', '--session-command');
      if (command !== undefined) return code(command, `${name} -c`);
      if (name === 'runuser' && has(parsed, '-u', '--user')) return next(parsed.index, name);
      return;
    }
    case 'script': {
      const parsed = parseOptions(args, 1, {
        short: 'cEIOTBm',
        long: [
          '--command',
          '--echo',
          '--log-in',
          '--log-out',
          '--log-timing',
          '--log-io',
          '--logging-format',
        ],
      });
      const command = valueOf(parsed, '-c', '--command');
      if (command !== undefined) return code(command, 'script -c');
      return;
    }
    case 'busybox':
    case 'toybox':
      return next(1, name);
    case 'cd':
    case 'pushd': {
      const target = rest.find((a) => !a.text.startsWith('-'));
      if (target) run.scope.cwd = joinCwd(run.scope.cwd, target.text);
      return;
    }
    case 'alias': {
      for (const arg of rest) {
        const eq = arg.text.indexOf('=');
        if (eq > 0) run.state.shellAliases[arg.text.slice(0, eq)] = arg.text.slice(eq + 1);
      }
      return;
    }
    case 'export':
    case 'declare':
    case 'typeset': {
      if (name !== 'export' && !rest.some((a) => /^-[a-z]*x/.test(a.text))) return;
      for (const arg of rest) {
        const eq = arg.text.indexOf('=');
        if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(arg.text.slice(0, eq)))
          run.scope.env[arg.text.slice(0, eq)] = arg.text.slice(eq + 1);
      }
      return;
    }
    case 'deno': {
      if (rest[0]?.text === 'eval' && rest[1])
        return runScript(rest[1].text, 'js', run.scope, cwd, env, [...via, 'deno eval'], run);
      return;
    }
  }

  if (SHELLS.test(name)) {
    let i = 1;
    let command = false;
    let readsStdin = false;
    while (i < args.length) {
      const text = args[i]!.text;
      if (text === '--' || text === '-') {
        i++;
        break;
      }
      if (text.startsWith('--')) {
        i += SHELL_LONG_VALUE.has(text) ? 2 : 1;
        continue;
      }
      if (/^[-+]/.test(text) && text.length > 1) {
        const letters = text.slice(1);
        if (letters.includes('c')) command = true;
        if (letters.includes('s')) readsStdin = true;
        i += [...letters].some((l) => SHELL_VALUE_OPTIONS.has(l)) ? 2 : 1;
        continue;
      }
      break;
    }
    if (command) {
      const text = args[i]?.text;
      if (text !== undefined) code(text, `${name} -c`);
      return;
    }
    if (i < args.length && !readsStdin) {
      // `bash <(echo '…')`: a script whose text the string shows; other script files are not visible.
      const sub = soleSubstitution(args[i]!);
      const script = sub?.kind === '<(' ? outputOfCode(sub.code) : null;
      if (script !== null) code(script, `${name} <(…)`);
      return;
    }
    if (run.stdin !== null) code(run.stdin, `${run.stdinVia} → ${name}`);
    return;
  }

  for (const interpreter of INTERPRETERS) {
    if (!interpreter.name.test(name)) continue;
    const spec = { short: interpreter.spec.short, long: interpreter.spec.long };
    const parsed = parseOptions(args, 1, spec);
    const programs = parsed.options
      .filter(([n]) => interpreter.code.includes(n))
      .map(([, v]) => v ?? '');
    const label = `${name} ${interpreter.code[0] ?? ''}`.trim();
    if (programs.length > 0) {
      runScript(
        programs.join('\n'),
        interpreter.language,
        run.scope,
        cwd,
        env,
        [...via, label],
        run,
      );
      return;
    }
    if (interpreter.stop && has(parsed, ...interpreter.stop)) return;
    if (interpreter.programOperand) {
      const program = args[parsed.index]?.text;
      if (program !== undefined)
        runScript(program, interpreter.language, run.scope, cwd, env, [...via, name], run);
      return;
    }
    if (parsed.index < args.length) return; // a script file
    if (run.stdin !== null)
      runScript(
        run.stdin,
        interpreter.language,
        run.scope,
        cwd,
        env,
        [...via, `${run.stdinVia} → ${name}`],
        run,
      );
    return;
  }
  // Any other program: its arguments are data.
}
