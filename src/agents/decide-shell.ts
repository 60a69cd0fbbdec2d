/**
 * The decision for a whole shell command string: every git call `extractGitCalls` finds is decided
 * by the one evaluator (through the per-argv decider, `decideGit` by default). Deny wins. A string
 * that cannot be parsed and looks like git is denied; a string with no git call is allowed.
 */
import { isAbsolute, resolve } from 'node:path';
import { BUILTIN_IDS, failClosedDecision } from '../evaluate/decision.js';
import type { Decision } from '../evaluate/types.js';
import { quoteWord } from '../git/normalize.js';
import { isDirectory } from '../util/is-directory.js';
import { extractGitCalls, type ShellAnalysis, type ShellGitCall } from './shell/extract.js';

export interface DecideCallOptions {
  argv: string[];
  cwd: string;
  /** The call's environment: the deciding process's, then the command string's own assignments. */
  env: Record<string, string | undefined>;
  /** The deciding process's own environment: it alone chooses the git gitfence reads with. */
  hostEnv: Record<string, string | undefined>;
  agent: string | null;
  now: () => number;
  /** Aliases the command string itself defined before this call. */
  aliases?: Record<string, string>;
}

/** Decides one git argv (the real one loads the compiled policy and gathers facts). */
export type CallDecider = (options: DecideCallOptions) => Promise<Decision>;

export interface ShellCallDecision {
  /** The call as found in the string. */
  call: ShellGitCall;
  /** The argv and directory it was decided with (a `cd` into a missing directory becomes `-C`). */
  argv: string[];
  cwd: string;
  decision: Decision;
}

export interface ShellDecision {
  outcome: 'allow' | 'deny';
  command: string;
  calls: ShellCallDecision[];
  /** Why the string could not be parsed, when that is why it is denied. */
  unparseable?: string;
  /** The denial for an unparseable string. */
  unparseableDecision?: Decision;
}

export interface DecideShellOptions {
  /** The string's analysis, when the caller already has it. */
  analysis?: ShellAnalysis;
  cwd: string;
  env: Record<string, string | undefined>;
  agent: string | null;
  now: () => number;
  decide: CallDecider;
}

const UNPARSEABLE_INSTEAD =
  'split the command into plain steps without nested quoting, or run git directly so the shim can check it';

/** `cd ~/x`, `cd "$WT"`: expand what the environment knows; null when something stays unknown. */
export function expandDirectory(
  dir: string,
  env: Record<string, string | undefined>,
): string | null {
  let unknown = false;
  const expanded = dir
    .replace(/^~(?=\/|$)/, () => env.HOME ?? '~')
    .replace(
      /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (_, a?: string, b?: string) => {
        const value = env[(a ?? b)!];
        if (value === undefined) unknown = true;
        return value ?? '';
      },
    );
  return unknown || expanded.includes('$') || expanded.startsWith('~') ? null : expanded;
}

/** Where a call runs and with which argv: an existing directory is used as is; a missing one becomes `-C`. */
export function placeCall(
  call: ShellGitCall,
  base: string,
  env: Record<string, string | undefined>,
  exists: (path: string) => boolean = isDirectory,
): { argv: string[]; cwd: string } {
  if (call.cwd === undefined) return { argv: call.argv, cwd: base };
  const expanded = expandDirectory(call.cwd, env);
  // An unknown directory: decide where the string runs; the shim sees the real one.
  if (expanded === null) return { argv: call.argv, cwd: base };
  const target = isAbsolute(expanded) ? expanded : resolve(base, expanded);
  if (exists(target)) return { argv: call.argv, cwd: target };
  return { argv: ['-C', target, ...call.argv], cwd: base };
}

export async function decideShell(
  command: string,
  options: DecideShellOptions,
): Promise<ShellDecision> {
  const analysis = options.analysis ?? extractGitCalls(command);
  const calls = await Promise.all(
    analysis.calls.map(async (call): Promise<ShellCallDecision> => {
      const env = { ...options.env, ...call.env };
      const placed = placeCall(call, options.cwd, env);
      const decision = await options.decide({
        argv: placed.argv,
        cwd: placed.cwd,
        env,
        hostEnv: options.env,
        agent: options.agent,
        now: options.now,
        ...(call.aliases ? { aliases: call.aliases } : {}),
      });
      return { call, argv: placed.argv, cwd: placed.cwd, decision };
    }),
  );
  const result: ShellDecision = {
    outcome: calls.some((c) => c.decision.outcome === 'deny') ? 'deny' : 'allow',
    command,
    calls,
  };
  if (analysis.unparseable !== undefined) {
    result.outcome = 'deny';
    result.unparseable = analysis.unparseable;
    result.unparseableDecision = failClosedDecision(
      BUILTIN_IDS.unparseable,
      `gitfence cannot parse this shell command (${analysis.unparseable}) and it looks like it runs git`,
      UNPARSEABLE_INSTEAD,
    );
  }
  return result;
}

/** Every denying decision, in order, for messages. */
export function shellDenials(result: ShellDecision): Array<{ label: string; decision: Decision }> {
  const denials: Array<{ label: string; decision: Decision }> = [];
  if (result.unparseableDecision)
    denials.push({ label: result.command, decision: result.unparseableDecision });
  for (const call of result.calls) {
    if (call.decision.outcome !== 'deny') continue;
    const via = call.call.via.length > 0 ? ` (via ${call.call.via.join(' → ')})` : '';
    denials.push({ label: `git ${renderArgv(call.call.argv)}${via}`, decision: call.decision });
  }
  return denials;
}

/** argv as a shell would need it typed, for messages. */
export function renderArgv(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}
