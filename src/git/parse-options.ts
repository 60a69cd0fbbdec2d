/**
 * git's parse-options semantics over one command's table: exact long match wins, a unique prefix
 * is accepted, an ambiguous one keeps every candidate; `--no-x`; bundles `-fdx`; attached `-mmsg`
 * and separate `-m msg` values; `--`; `--end-of-options`; options after operands.
 */
import type { GitOption } from './invocation.js';
import { canonicalName, type CommandSpec, type OptionSpec } from './options/spec.js';

export interface ParsedArgs {
  options: GitOption[];
  operands: string[];
  pathspecs: string[];
  doubleDash: boolean;
  help: boolean;
  endOfOptions: boolean;
  /** With stopAtNonOption: the arguments from the first non-option on, unparsed. */
  rest: string[];
}

interface Resolved {
  option: OptionSpec;
  negated: boolean;
}

/** Resolves a long option name as parse_long_opt does; an array means ambiguous. */
export function resolveLong(spec: CommandSpec, arg: string): Resolved | Resolved[] | null {
  const exact = spec.byLong.get(arg);
  if (exact) return { option: exact, negated: false };
  if (arg.startsWith('no-')) {
    const positive = spec.byLong.get(arg.slice(3));
    if (positive?.negatable) return { option: positive, negated: true };
  } else {
    const declaredNo = spec.byLong.get(`no-${arg}`);
    if (declaredNo?.negatable) return { option: declaredNo, negated: true };
  }
  if (!spec.abbrev || arg === '') return null;
  const matches: Resolved[] = [];
  for (const option of spec.options) {
    const long = option.long;
    if (long === undefined) continue;
    if (long.startsWith(arg)) matches.push({ option, negated: false });
    else if (!option.negatable) continue;
    else if ('no-'.startsWith(arg)) matches.push({ option, negated: true });
    else if (arg.startsWith('no-') && long.startsWith(arg.slice(3)))
      matches.push({ option, negated: true });
    else if (!arg.startsWith('no-') && long.startsWith('no-') && long.slice(3).startsWith(arg))
      matches.push({ option, negated: true });
  }
  if (matches.length === 0) return null;
  if (matches.length === 1) return matches[0] as Resolved;
  return matches;
}

/** The spelled form of a resolved option: `--force`, `--no-force`, `--verify` (negating `--no-verify`). */
export function spelledName(r: Resolved): string {
  const declared = canonicalName(r.option);
  if (!r.negated) return declared;
  const long = r.option.long as string;
  return long.startsWith('no-') ? `--${long.slice(3)}` : `--no-${long}`;
}

function emit(out: GitOption[], r: Resolved, raw: string, value: string | undefined): void {
  if (r.option.expands && !r.negated) {
    for (const name of r.option.expands) out.push({ name, raw });
    return;
  }
  const name = spelledName(r);
  const o: GitOption = { name, raw };
  if (value !== undefined) o.value = value;
  if (r.negated) {
    o.negated = true;
    o.declared = canonicalName(r.option);
  }
  out.push(o);
}

export function parseArgs(
  args: readonly string[],
  spec: CommandSpec,
  opts: { stopAtNonOption?: boolean; generic?: boolean } = {},
): ParsedArgs {
  const out: ParsedArgs = {
    options: [],
    operands: [],
    pathspecs: [],
    doubleDash: false,
    help: false,
    endOfOptions: false,
    rest: [],
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      out.doubleDash = true;
      out.pathspecs = args.slice(i + 1);
      break;
    }
    if (out.endOfOptions || arg === '-' || !arg.startsWith('-')) {
      if (opts.stopAtNonOption && !out.endOfOptions) {
        out.rest = args.slice(i);
        break;
      }
      out.operands.push(arg);
      continue;
    }
    if (arg === '--end-of-options') {
      out.endOfOptions = true;
      continue;
    }
    if (opts.generic) {
      const eq = arg.indexOf('=');
      const o: GitOption = { name: eq < 0 ? arg : arg.slice(0, eq), raw: arg };
      if (eq >= 0) o.value = arg.slice(eq + 1);
      out.options.push(o);
      continue;
    }
    if (arg.startsWith('--')) {
      i = parseLong(args, i, spec, out);
      continue;
    }
    i = parseShort(args, i, spec, out);
  }
  return out;
}

function parseLong(args: readonly string[], i: number, spec: CommandSpec, out: ParsedArgs): number {
  const arg = args[i] as string;
  const body = arg.slice(2);
  const eq = body.indexOf('=');
  const typed = eq < 0 ? body : body.slice(0, eq);
  const attached = eq < 0 ? undefined : body.slice(eq + 1);
  const resolved = resolveLong(spec, typed);
  if (resolved === null) {
    if (typed === 'help' || typed === 'help-all') out.help = true;
    const o: GitOption = { name: `--${typed}`, raw: arg };
    if (attached !== undefined) o.value = attached;
    out.options.push(o);
    return i;
  }
  if (Array.isArray(resolved)) {
    const o: GitOption = { name: `--${typed}`, raw: arg, candidates: resolved.map(spelledName) };
    if (attached !== undefined) o.value = attached;
    out.options.push(o);
    return i;
  }
  let value = attached;
  if (resolved.option.value === 'required' && !resolved.negated && value === undefined) {
    if (i + 1 < args.length) value = args[++i];
  }
  emit(out.options, resolved, arg, value);
  return i;
}

function parseShort(
  args: readonly string[],
  i: number,
  spec: CommandSpec,
  out: ParsedArgs,
): number {
  const arg = args[i] as string;
  const chars = arg.slice(1);
  if (spec.numeric && /^\d+$/.test(chars)) {
    out.options.push({ name: '--max-count', value: chars, raw: arg });
    return i;
  }
  for (let j = 0; j < chars.length; j++) {
    const c = chars[j] as string;
    const option = spec.byShort.get(c);
    if (!option) {
      // parse-options shows usage for an undeclared -h anywhere; other unknown letters are errors.
      if (c === 'h') out.help = true;
      out.options.push({ name: `-${c}`, raw: arg });
      continue;
    }
    const r: Resolved = { option, negated: false };
    if (option.value === 'none') {
      emit(out.options, r, arg, undefined);
      continue;
    }
    const rest = chars.slice(j + 1);
    let value: string | undefined = rest !== '' ? rest : undefined;
    if (value === undefined && option.value === 'required' && i + 1 < args.length)
      value = args[++i];
    emit(out.options, r, arg, value);
    break;
  }
  return i;
}
