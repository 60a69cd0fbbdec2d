/**
 * Option tables as data: a compact spec string per option, compiled once per command on first use.
 * Spec syntax: `"f,force"` (short and long), `"D"` (short only), `"hard"` (long only), then
 * `"="` for a required value, `"=?"` for an optional one, and `"!"` when `--no-` is refused.
 */

export type ValueKind = 'none' | 'required' | 'optional';

export interface OptionSpec {
  /** Long name without the leading dashes (`force-with-lease`). */
  long?: string;
  shorts: string[];
  value: ValueKind;
  negatable: boolean;
  /** Canonical options this one stands for (`branch -D` = `--delete --force`). */
  expands?: string[];
  /** The value names a filesystem path (path guards). */
  path?: boolean;
}

export interface CommandSpec {
  name: string;
  options: OptionSpec[];
  byShort: Map<string, OptionSpec>;
  byLong: Map<string, OptionSpec>;
  /** parse-options semantics: unique prefixes of long options are accepted. */
  abbrev: boolean;
  /** `-<n>` is a number option (`log -10`). */
  numeric: boolean;
  /** Verbs (`stash drop`); the first non-option argument selects one. */
  verbs?: readonly string[];
  /** The verb used when options come first or nothing is given (`stash` = `stash push`). */
  defaultVerb?: string;
}

export function compileOptionSpec(spec: string): OptionSpec {
  let s = spec;
  let negatable = true;
  if (s.endsWith('!')) {
    negatable = false;
    s = s.slice(0, -1);
  }
  let value: ValueKind = 'none';
  if (s.endsWith('=?')) {
    value = 'optional';
    s = s.slice(0, -2);
  } else if (s.endsWith('=')) {
    value = 'required';
    s = s.slice(0, -1);
  }
  const shorts: string[] = [];
  let long: string | undefined;
  for (const part of s.split(',')) {
    if (part.length === 1) shorts.push(part);
    else if (part.length > 1) long = part;
  }
  const option: OptionSpec = { shorts, value, negatable };
  if (long !== undefined) option.long = long;
  return option;
}

export function canonicalName(option: OptionSpec): string {
  return option.long !== undefined ? `--${option.long}` : `-${option.shorts[0] ?? '?'}`;
}

export interface CommandSpecInput {
  options: readonly string[];
  abbrev?: boolean;
  numeric?: boolean;
  verbs?: readonly string[];
  defaultVerb?: string;
  expands?: Record<string, string[]>;
  paths?: readonly string[];
}

export function compileCommandSpec(name: string, input: CommandSpecInput): CommandSpec {
  const options: OptionSpec[] = [];
  const byShort = new Map<string, OptionSpec>();
  const byLong = new Map<string, OptionSpec>();
  for (const text of input.options) {
    const option = compileOptionSpec(text);
    const key = canonicalName(option);
    const expansion = input.expands?.[key];
    if (expansion) option.expands = expansion;
    if (input.paths?.includes(key)) option.path = true;
    // Later specs override earlier ones (overrides come after generated entries).
    if (option.long !== undefined) {
      const old = byLong.get(option.long);
      if (old) options.splice(options.indexOf(old), 1);
      byLong.set(option.long, option);
    }
    for (const s of option.shorts) byShort.set(s, option);
    options.push(option);
  }
  const spec: CommandSpec = {
    name,
    options,
    byShort,
    byLong,
    abbrev: input.abbrev ?? true,
    numeric: input.numeric ?? false,
  };
  if (input.verbs) spec.verbs = input.verbs;
  if (input.defaultVerb !== undefined) spec.defaultVerb = input.defaultVerb;
  return spec;
}
