/**
 * The matcher: does one `MatchSpec` hold for one parsed invocation, and why. Pure; no micromatch
 * (agent globs use a tiny glob→regex so the check path stays light).
 */
import type { GitInvocation, GitOption } from '../git/invocation.js';
import type { MatchSpec } from '../policy/schema.js';
import { pathOperands, verbOf } from './operands.js';

export interface MatchContext {
  agent: string | null;
  /** Environment of the call (the invocation's own `env` wins). */
  env: Record<string, string | undefined>;
  refs?: readonly string[];
}

/** Why a spec matched, one phrase per field; null when it does not match. */
export type MatchResult = string[] | null;

const asList = <T>(value: T | T[] | undefined): T[] | undefined =>
  value === undefined ? undefined : Array.isArray(value) ? value : [value];

const regexCache = new Map<string, RegExp | null>();

/** Compiled once per source; an invalid regex never matches here (the compiler rejects it first). */
export function cachedRegex(source: string): RegExp | null {
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch {
      re = null;
    }
    regexCache.set(source, re);
  }
  return re;
}

const globCache = new Map<string, RegExp>();

/** micromatch-style glob for agent names: `*`, `?`, `[…]`, `{a,b}`. */
export function globToRegex(glob: string): RegExp {
  let re = globCache.get(glob);
  if (re) return re;
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string;
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else if (ch === '{') {
      braces++;
      out += '(?:';
    } else if (ch === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (ch === ',' && braces > 0) out += '|';
    else out += ch.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  try {
    re = new RegExp(`^(?:${out})$`);
  } catch {
    re = new RegExp(`^${glob.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  }
  globCache.set(glob, re);
  return re;
}

/** The names an option counts as: its canonical name, and each candidate of an ambiguous abbreviation. */
function namesOf(option: GitOption): string[] {
  return option.candidates && option.candidates.length > 0
    ? [option.name, ...option.candidates]
    : [option.name];
}

function describeOption(option: GitOption, wanted: string): string {
  const typed = option.raw !== wanted ? ` (typed ${option.raw})` : '';
  const ambiguous =
    option.candidates && option.candidates.length > 0 && option.name !== wanted
      ? ` (ambiguous: ${option.candidates.join(', ')})`
      : '';
  return `option ${wanted}${ambiguous || typed}`;
}

function findOption(inv: GitInvocation, wanted: string): GitOption | undefined {
  return inv.options.find((option) => namesOf(option).includes(wanted));
}

function matchRecord(
  wanted: Record<string, true | string>,
  lookup: (key: string) => string | undefined,
  label: string,
): MatchResult {
  const why: string[] = [];
  for (const [key, expected] of Object.entries(wanted)) {
    const actual = lookup(key);
    if (actual === undefined) return null;
    if (expected !== true && actual !== expected) return null;
    why.push(`${label} ${key}=${actual}`);
  }
  return why;
}

/** Does `spec` hold for `inv`? Every field given must hold; list fields match on any element. */
export function matchSpec(spec: MatchSpec, inv: GitInvocation, ctx: MatchContext): MatchResult {
  const why: string[] = [];

  const subcommands = asList(spec.subcommand);
  if (subcommands) {
    if (!subcommands.includes('*')) {
      if (inv.subcommand === null || !subcommands.includes(inv.subcommand)) return null;
    }
    if (inv.aliasChain.length > 0) {
      why.push(`alias ${inv.aliasChain.join(' → ')} → ${inv.subcommand ?? '(shell)'}`);
    } else if (inv.typed !== null && inv.typed !== inv.subcommand) {
      why.push(`subcommand ${inv.subcommand ?? '?'} (typed ${inv.typed})`);
    } else if (!subcommands.includes('*')) {
      why.push(`subcommand ${inv.subcommand ?? '?'}`);
    }
  }

  const verbs = asList(spec.verb);
  if (verbs) {
    const verb = verbOf(inv);
    if (verb === undefined || !verbs.includes(verb)) return null;
    why.push(`verb ${verb}`);
  }

  if (spec.anyOption) {
    let hit: string | undefined;
    for (const wanted of spec.anyOption) {
      const option = findOption(inv, wanted);
      if (option) {
        hit = describeOption(option, wanted);
        break;
      }
    }
    if (hit === undefined) return null;
    why.push(hit);
  }

  if (spec.allOptions) {
    for (const wanted of spec.allOptions) {
      const option = findOption(inv, wanted);
      if (!option) return null;
      why.push(describeOption(option, wanted));
    }
  }

  if (spec.noOption) {
    for (const unwanted of spec.noOption) {
      if (findOption(inv, unwanted)) return null;
    }
    why.push(`without ${spec.noOption.join(', ')}`);
  }

  const effects = asList(spec.effect);
  if (effects) {
    const effect = effects.find((e) => inv.effects.includes(e));
    if (effect === undefined) return null;
    why.push(`effect ${effect}`);
  }

  if (spec.pathspec !== undefined) {
    const paths = pathOperands(inv, ctx.refs);
    const named = paths.length > 0;
    if (named !== spec.pathspec) return null;
    why.push(named ? `pathspec ${paths.join(' ')}` : 'no pathspec');
  }

  if (spec.operand !== undefined) {
    const re = cachedRegex(spec.operand);
    const hit = re ? [...inv.operands, ...inv.pathspecs].find((arg) => re.test(arg)) : undefined;
    if (hit === undefined) return null;
    why.push(`operand ${hit}`);
  }

  if (spec.env) {
    const env = spec.env;
    const got = matchRecord(env, (key) => inv.env[key] ?? ctx.env[key], 'env');
    if (!got) return null;
    why.push(...got);
  }

  if (spec.config) {
    const got = matchRecord(
      spec.config,
      (key) => {
        const lower = key.toLowerCase();
        for (let i = inv.config.length - 1; i >= 0; i--) {
          const entry = inv.config[i]!;
          if (entry.key.toLowerCase() === lower) return entry.value;
        }
        return undefined;
      },
      'config',
    );
    if (!got) return null;
    why.push(...got);
  }

  if (spec.agent !== undefined) {
    if (spec.agent === null) {
      if (ctx.agent !== null) return null;
      why.push('no agent');
    } else {
      const agent = ctx.agent;
      const globs = asList(spec.agent) ?? [];
      if (agent === null || !globs.some((glob) => globToRegex(glob).test(agent))) return null;
      why.push(`agent ${agent}`);
    }
  }

  return why;
}
