/**
 * parseInvocation: one git argv as git itself reads it (git.c's global options, alias expansion
 * from every config source in git's precedence, dashed `git-<cmd>` forms, parse-options per
 * command) and what it does (effects). Pure: env, cwd, aliases and refs come in through ctx.
 */
import { resolve } from 'node:path';
import {
  canonicalConfigKey,
  gatherEnvConfig,
  parseConfigArg,
  parseConfigEnvArg,
  splitAliasCmdline,
} from './config-params.js';
import { bypassesHooksPerCall, computeEffects } from './effects.js';
import type {
  ConfigEntry,
  ConfigWrite,
  Effect,
  GitInvocation,
  GitOption,
  PathOption,
} from './invocation.js';
import { GIT_ENV_VARS, GIT_PATH_ENV_VARS, GLOBAL_OPTIONS } from './options/globals.js';
import { hasCommandSpec, isGitCommand, loadCommandSpec } from './options/index.js';
import { parseArgs, type ParsedArgs } from './parse-options.js';
import { analyseShellAlias } from './shell-alias.js';

export interface ParseContext {
  env: Record<string, string | undefined>;
  cwd: string;
  /** `alias.*` from the config files git reads here, gathered at the edge. */
  aliases?: Record<string, string>;
  /** Ref short names (`main`, `v1.0`, `origin/main`): tells `checkout main` from `checkout file`. */
  refs?: string[];
}

/** Deep enough for any real alias chain; deeper is treated as a loop. */
const MAX_DEPTH = 16;

interface Walk {
  depth: number;
  /** Aliases being expanded on this path (loop detection across shell aliases too). */
  chain: string[];
  /** Config an outer call exports to a shell alias's git calls (GIT_CONFIG_PARAMETERS). */
  inherited: ConfigEntry[];
}

export function parseInvocation(argv: readonly string[], ctx: ParseContext): GitInvocation {
  return parseWalk(argv, ctx, { depth: 0, chain: [], inherited: [] });
}

/** `git-reset --hard`: `name` is `git-reset` or `reset`; no global options, no aliases. */
export function parseDashed(
  name: string,
  argv: readonly string[],
  ctx: ParseContext,
): GitInvocation {
  const command = name.replace(/^(?:.*\/)?git-/, '');
  return parseWalk([`git-${command}`, ...argv], ctx, { depth: 0, chain: [], inherited: [] });
}

function emptyInvocation(argv: readonly string[], ctx: ParseContext): GitInvocation {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(ctx.env)) {
    if (v === undefined) continue;
    if (GIT_ENV_VARS.includes(k) || k.startsWith('GIT_CONFIG')) env[k] = v;
  }
  return {
    raw: [...argv],
    globals: [],
    config: [],
    typed: null,
    subcommand: null,
    aliasChain: [],
    shellAlias: null,
    args: [],
    options: [],
    operands: [],
    pathspecs: [],
    doubleDash: false,
    effects: [],
    env,
    paths: [],
    cwd: ctx.cwd,
    problems: [],
    verb: null,
  };
}

type GlobalsResult = 'continue' | 'stop';

/** git.c handle_options: consumes global options from words[at…]; returns the next index. */
function parseGlobals(
  words: readonly string[],
  inv: GitInvocation,
  ctx: ParseContext,
): { next: number; result: GlobalsResult } {
  let i = 0;
  while (i < words.length) {
    const word = words[i] as string;
    if (!word.startsWith('-')) break;
    const eq = word.indexOf('=');
    let spec = GLOBAL_OPTIONS[word];
    let value: string | undefined;
    if (!spec && eq > 0) {
      const attachedSpec = GLOBAL_OPTIONS[word.slice(0, eq)];
      if (attachedSpec && (attachedSpec.value === 'both' || attachedSpec.value === 'attached')) {
        spec = attachedSpec;
        value = word.slice(eq + 1);
      }
    }
    if (!spec) {
      // Unknown here (perhaps newer than 2.39): keep reading, so nothing after it hides.
      inv.globals.push({ name: word, raw: word });
      i++;
      continue;
    }
    if (spec.terminal) {
      inv.globals.push({ name: spec.canonical, raw: word });
      inv.typed = word;
      inv.args = words.slice(i + 1);
      return { next: words.length, result: 'stop' };
    }
    let raw = word;
    if (value === undefined && (spec.value === 'separate' || spec.value === 'both')) {
      value = words[i + 1];
      if (value !== undefined) {
        raw = `${word} ${value}`;
        i++;
      }
    }
    const option: GitOption = { name: spec.canonical, raw };
    if (value !== undefined) option.value = value;
    inv.globals.push(option);
    i++;
    if (spec.exits || (spec.bareExits && value === undefined)) return { next: i, result: 'stop' };
    if (value === undefined) continue;
    if (spec.canonical === '-C') {
      if (value !== '') inv.cwd = resolve(inv.cwd, value);
      inv.paths.push({ option: '-C', value, resolved: inv.cwd });
    } else if (spec.canonical === '-c') {
      const e = parseConfigArg(value);
      if (e) inv.config.push(e);
    } else if (spec.canonical === '--config-env') {
      const e = parseConfigEnvArg(value, ctx.env);
      if (e) inv.config.push(e);
    }
  }
  return { next: i, result: 'continue' };
}

function aliasTable(ctx: ParseContext, config: ConfigEntry[]): Map<string, string> {
  const table = new Map<string, string>();
  for (const [k, v] of Object.entries(ctx.aliases ?? {})) table.set(k.toLowerCase(), v);
  for (const e of config) {
    if (e.key.startsWith('alias.')) table.set(e.key.slice(6).toLowerCase(), e.value);
  }
  return table;
}

function parseWalk(argv: readonly string[], ctx: ParseContext, walk: Walk): GitInvocation {
  const inv = emptyInvocation(argv, ctx);
  const envConfig = gatherEnvConfig(ctx.env);
  inv.problems.push(...envConfig.problems);
  const pathOptions: Array<{ option: string; value: string }> = [];

  let words: string[] = [...argv];
  const dashed = /^git-(.+)$/.exec(words[0] ?? '');
  if (dashed && isGitCommand(dashed[1] as string)) {
    inv.typed = words[0] as string;
    words = [dashed[1] as string, ...words.slice(1)];
    inv.config.push(...walk.inherited, ...envConfig.entries);
  } else {
    const globals = parseGlobals(words, inv, ctx);
    // Inherited and environment config come before this call's -c, which git appends last.
    inv.config.unshift(...walk.inherited, ...envConfig.entries);
    if (globals.result === 'stop') return finish(inv, ctx, pathOptions);
    words = words.slice(globals.next);
    if (words.length === 0) return finish(inv, ctx, pathOptions);
    inv.typed = words[0] as string;
  }

  // Alias expansion: builtins win over aliases; names compare case-insensitively.
  const chain = [...walk.chain];
  for (;;) {
    const cmd = words[0] as string;
    if (isGitCommand(cmd)) break;
    const body = aliasTable(ctx, inv.config).get(cmd.toLowerCase());
    if (body === undefined) break;
    if (chain.includes(cmd.toLowerCase()) || chain.length >= MAX_DEPTH) {
      inv.problems.push(`alias loop: ${[...chain, cmd.toLowerCase()].join(' → ')}`);
      inv.aliasChain.push(cmd);
      inv.args = words.slice(1);
      return finish(inv, ctx, pathOptions);
    }
    chain.push(cmd.toLowerCase());
    inv.aliasChain.push(cmd);
    if (body.startsWith('!'))
      return shellAlias(inv, body.slice(1), words.slice(1), ctx, walk, chain, pathOptions);
    const expanded = splitAliasCmdline(body);
    // git dies on an unclosed quote or an empty alias: nothing runs.
    if (expanded === null || expanded.length === 0) {
      inv.args = words.slice(1);
      return finish(inv, ctx, pathOptions);
    }
    const g = parseGlobals(expanded, inv, ctx);
    if (g.result === 'stop' || g.next >= expanded.length) {
      inv.args = [...expanded.slice(g.next), ...words.slice(1)];
      return finish(inv, ctx, pathOptions);
    }
    words = [...expanded.slice(g.next), ...words.slice(1)];
  }

  const sub = words[0] as string;
  inv.subcommand = sub;
  inv.args = words.slice(1);
  const parsed = parseCommand(sub, inv.args);
  inv.verb = parsed.verb;
  inv.options = parsed.options;
  inv.operands = parsed.operands;
  inv.pathspecs = parsed.pathspecs;
  inv.doubleDash = parsed.doubleDash;
  if (parsed.help) inv.help = true;
  if (parsed.endOfOptions) inv.endOfOptions = true;
  if (sub === 'config') inv.configWrite = configWriteOf(parsed);

  const spec = loadCommandSpec(parsed.verb ? `${sub} ${parsed.verb}` : sub);
  for (const o of inv.options) {
    if (o.value === undefined) continue;
    const opt = o.name.startsWith('--')
      ? spec.byLong.get(o.name.slice(2))
      : spec.byShort.get(o.name.slice(1));
    if (opt?.path) pathOptions.push({ option: o.name, value: o.value });
  }
  if (sub === 'worktree' && (parsed.verb === 'add' || parsed.verb === 'move')) {
    const target = parsed.verb === 'add' ? parsed.operands[0] : parsed.operands[1];
    if (target !== undefined)
      pathOptions.push({ option: `worktree ${parsed.verb}`, value: target });
  }
  if (sub === 'clone' && parsed.operands[1] !== undefined)
    pathOptions.push({ option: 'clone <directory>', value: parsed.operands[1] });
  if (sub === 'init' && parsed.operands[0] !== undefined)
    pathOptions.push({ option: 'init <directory>', value: parsed.operands[0] });

  inv.effects = computeEffects({
    subcommand: sub,
    verb: parsed.verb,
    options: parsed.options,
    operands: parsed.operands,
    pathspecs: parsed.pathspecs,
    doubleDash: parsed.doubleDash,
    help: parsed.help,
    config: inv.config,
    env: inv.env,
    configWrite: inv.configWrite ?? null,
    refs: ctx.refs,
  });
  return finish(inv, ctx, pathOptions);
}

function parseCommand(sub: string, args: string[]): ParsedArgs & { verb: string | null } {
  const spec = loadCommandSpec(sub);
  const generic = !hasCommandSpec(sub);
  if (!spec.verbs) return { ...parseArgs(args, spec, { generic }), verb: null };
  let top: ParsedArgs | null = null;
  let rest = args;
  if (spec.options.length > 0) {
    top = parseArgs(args, spec, { stopAtNonOption: true });
    rest = top.rest;
    if (top.doubleDash || top.help) return { ...top, verb: null };
  }
  const first = rest[0];
  let verb: string | null = null;
  if (first !== undefined && spec.verbs.includes(first)) {
    verb = first;
    rest = rest.slice(1);
  } else if (spec.defaultVerb !== undefined) {
    verb = spec.defaultVerb;
  }
  const name = verb ? `${sub} ${verb}` : sub;
  const parsed = parseArgs(rest, loadCommandSpec(name), {
    generic: !hasCommandSpec(name) && verb !== null,
  });
  if (top) parsed.options.unshift(...top.options);
  return { ...parsed, verb };
}

const CONFIG_READS = [
  '--get',
  '--get-all',
  '--get-regexp',
  '--get-urlmatch',
  '--list',
  '--get-color',
  '--get-colorbool',
];

function configWriteOf(parsed: ParsedArgs): ConfigWrite | null {
  const names = new Set(parsed.options.map((o) => o.name));
  const ops = parsed.operands;
  const key = (k: string | undefined): string =>
    canonicalConfigKey(k ?? '') ?? (k ?? '').toLowerCase();
  if (names.has('--edit')) return { op: 'section', key: '*', value: null };
  if (names.has('--unset') || names.has('--unset-all'))
    return { op: 'unset', key: key(ops[0]), value: null };
  if (names.has('--remove-section') || names.has('--rename-section'))
    return { op: 'section', key: ops[0] ?? '', value: ops[1] ?? null };
  if (names.has('--add') || names.has('--replace-all'))
    return { op: 'set', key: key(ops[0]), value: ops[1] ?? null };
  if (CONFIG_READS.some((r) => names.has(r))) return null;
  // git 2.46+ verbs; on older git these fail, so reading them as writes only fails closed.
  if (ops[0] === 'set' && ops.length >= 3)
    return { op: 'set', key: key(ops[1]), value: ops[2] ?? null };
  if (ops[0] === 'unset' && ops.length >= 2) return { op: 'unset', key: key(ops[1]), value: null };
  if (ops.length >= 2) return { op: 'set', key: key(ops[0]), value: ops[1] ?? null };
  return null;
}

function shellAlias(
  inv: GitInvocation,
  body: string,
  args: string[],
  ctx: ParseContext,
  walk: Walk,
  chain: string[],
  pathOptions: Array<{ option: string; value: string }>,
): GitInvocation {
  inv.shellAlias = body;
  inv.args = args;
  const effects = new Set<Effect>(['run-shell']);
  if (bypassesHooksPerCall(inv.config, inv.env)) effects.add('bypass-hooks');
  const analysis = analyseShellAlias(body, args);
  inv.problems.push(...analysis.problems);
  inv.shellCalls = [];
  for (const call of analysis.calls) {
    if (walk.depth + 1 > MAX_DEPTH) {
      inv.problems.push(`shell alias nests git calls too deeply: ${body}`);
      break;
    }
    // -c config reaches the alias's git calls through GIT_CONFIG_PARAMETERS.
    const nested = parseWalk(
      call.argv,
      { ...ctx, cwd: inv.cwd },
      {
        depth: walk.depth + 1,
        chain,
        inherited: inv.config.filter(
          (e) => e.source === 'command-line' || e.source === 'config-env',
        ),
      },
    );
    inv.shellCalls.push(nested);
    for (const e of nested.effects) effects.add(e);
    for (const p of nested.problems) inv.problems.push(`in shell alias: ${p}`);
  }
  inv.effects = [...effects];
  return finish(inv, ctx, pathOptions);
}

function finish(
  inv: GitInvocation,
  ctx: ParseContext,
  pathOptions: Array<{ option: string; value: string }>,
): GitInvocation {
  const paths: PathOption[] = inv.paths;
  for (const g of inv.globals) {
    const spec = GLOBAL_OPTIONS[g.name];
    if (spec?.path && g.name !== '-C' && g.value !== undefined)
      paths.push({ option: g.name, value: g.value, resolved: resolve(inv.cwd, g.value) });
  }
  for (const name of GIT_PATH_ENV_VARS) {
    const v = ctx.env[name];
    if (v !== undefined && v !== '')
      paths.push({ option: name, value: v, resolved: resolve(inv.cwd, v) });
  }
  for (const p of pathOptions) paths.push({ ...p, resolved: resolve(inv.cwd, p.value) });
  if (inv.effects.length === 0) {
    // Per-call hook bypass applies whatever runs (even `git --version` is harmless, but aliases are not).
    if (inv.subcommand !== null && bypassesHooksPerCall(inv.config, inv.env))
      inv.effects = ['bypass-hooks'];
  }
  return inv;
}
