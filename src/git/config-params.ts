/**
 * Per-call config as git reads it: `-c`, `--config-env`, `GIT_CONFIG_COUNT/KEY/VALUE` and
 * `GIT_CONFIG_PARAMETERS` (git's single-quoted format). Pure; problems are returned, not thrown.
 */
import type { ConfigEntry, ConfigSource } from './invocation.js';

/** Lower-cases section and variable name, keeps a subsection as typed (git_config_parse_key). */
export function canonicalConfigKey(key: string): string | null {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first <= 0 || last === key.length - 1) return null;
  const section = key.slice(0, first).toLowerCase();
  const name = key.slice(last + 1).toLowerCase();
  if (first === last) return `${section}.${name}`;
  return `${section}${key.slice(first, last)}.${name}`;
}

function entry(key: string, value: string | null, source: ConfigSource): ConfigEntry | null {
  const canonical = canonicalConfigKey(key);
  if (canonical === null) return null;
  // A key without a value is an implicit boolean true.
  return { key: canonical, value: value ?? 'true', source };
}

/** `-c key=value` (split at the first `=`; no `=` means boolean true). */
export function parseConfigArg(
  arg: string,
  source: ConfigSource = 'command-line',
): ConfigEntry | null {
  const eq = arg.indexOf('=');
  return eq < 0 ? entry(arg, null, source) : entry(arg.slice(0, eq), arg.slice(eq + 1), source);
}

/** `--config-env key=ENVVAR` (split at the last `=`), valued from env; null when git would die. */
export function parseConfigEnvArg(
  arg: string,
  env: Record<string, string | undefined>,
): ConfigEntry | null {
  const eq = arg.lastIndexOf('=');
  if (eq <= 0 || eq === arg.length - 1) return null;
  const value = env[arg.slice(eq + 1)];
  if (value === undefined) return null;
  return entry(arg.slice(0, eq), value, 'config-env');
}

export interface EnvConfig {
  entries: ConfigEntry[];
  problems: string[];
}

/** GIT_CONFIG_COUNT entries, then GIT_CONFIG_PARAMETERS entries: the order git applies them. */
export function gatherEnvConfig(env: Record<string, string | undefined>): EnvConfig {
  const entries: ConfigEntry[] = [];
  const problems: string[] = [];
  const countText = env.GIT_CONFIG_COUNT;
  if (countText !== undefined && countText !== '') {
    const count = /^\d+$/.test(countText.trim()) ? Number(countText.trim()) : NaN;
    if (!Number.isSafeInteger(count) || count > 100_000) {
      problems.push(`GIT_CONFIG_COUNT is not a count: ${JSON.stringify(countText)}`);
    } else {
      for (let i = 0; i < count; i++) {
        const key = env[`GIT_CONFIG_KEY_${i}`];
        const value = env[`GIT_CONFIG_VALUE_${i}`];
        if (key === undefined || value === undefined) {
          problems.push(
            `GIT_CONFIG_COUNT=${count} but GIT_CONFIG_KEY_${i} or GIT_CONFIG_VALUE_${i} is missing`,
          );
          continue;
        }
        const e = entry(key, value, 'GIT_CONFIG_COUNT');
        if (e) entries.push(e);
        else problems.push(`GIT_CONFIG_KEY_${i} is not a config key: ${JSON.stringify(key)}`);
      }
    }
  }
  const params = env.GIT_CONFIG_PARAMETERS;
  if (params !== undefined && params.trim() !== '') {
    const parsed = parseConfigParameters(params);
    if (parsed === null) {
      problems.push(
        `GIT_CONFIG_PARAMETERS is not in git's quoted format: ${JSON.stringify(params)}`,
      );
    } else {
      for (const [key, value] of parsed) {
        const e = entry(key, value, 'GIT_CONFIG_PARAMETERS');
        if (e) entries.push(e);
        else problems.push(`GIT_CONFIG_PARAMETERS names an invalid key: ${JSON.stringify(key)}`);
      }
    }
  }
  return { entries, problems };
}

/** One `'…'` token with git's `'\''` and `'\!'` escapes; returns the text and the index after it. */
function sqDequoteStep(s: string, at: number): { text: string; end: number } | null {
  if (s[at] !== "'") return null;
  let text = '';
  let i = at + 1;
  for (;;) {
    const close = s.indexOf("'", i);
    if (close < 0) return null;
    text += s.slice(i, close);
    i = close + 1;
    if (s[i] === '\\' && (s[i + 1] === "'" || s[i + 1] === '!') && s[i + 2] === "'") {
      text += s[i + 1];
      i += 3;
      continue;
    }
    return { text, end: i };
  }
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';

/** Parses git's GIT_CONFIG_PARAMETERS (old `'k=v'` and new `'k'='v'` styles); null if bogus. */
export function parseConfigParameters(text: string): Array<[string, string | null]> | null {
  const out: Array<[string, string | null]> = [];
  let i = 0;
  while (i < text.length && isSpace(text[i])) i++;
  while (i < text.length) {
    const key = sqDequoteStep(text, i);
    if (!key) return null;
    i = key.end;
    if (i >= text.length || isSpace(text[i])) {
      const eq = key.text.indexOf('=');
      out.push(eq < 0 ? [key.text, null] : [key.text.slice(0, eq), key.text.slice(eq + 1)]);
    } else if (text[i] === '=') {
      i++;
      if (text[i] === "'") {
        const value = sqDequoteStep(text, i);
        if (!value) return null;
        i = value.end;
        if (i < text.length && !isSpace(text[i])) return null;
        out.push([key.text, value.text]);
      } else if (i >= text.length || isSpace(text[i])) {
        out.push([key.text, null]);
      } else {
        return null;
      }
    } else {
      return null;
    }
    while (i < text.length && isSpace(text[i])) i++;
  }
  return out;
}

/** Git's split_cmdline for alias bodies: quotes and backslashes; null on an unclosed quote. */
export function splitAliasCmdline(text: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let has = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    let c = text[i] as string;
    if (quote === null && isSpace(c)) {
      if (has) words.push(word);
      word = '';
      has = false;
      continue;
    }
    has = true;
    if (quote === null && (c === "'" || c === '"')) {
      quote = c;
      continue;
    }
    if (c === quote) {
      quote = null;
      continue;
    }
    if (c === '\\' && quote !== "'") {
      i++;
      if (i >= text.length) return null;
      c = text[i] as string;
    }
    word += c;
  }
  if (quote !== null) return null;
  if (has) words.push(word);
  return words;
}
