/**
 * The shared body of the agent-CLI hooks (Claude Code PreToolUse, Gemini BeforeTool): read the tool
 * call as JSON on stdin, decide its shell command with the one evaluator, and answer in the agent's
 * format. It never fails open: malformed input, an internal error or a crash in a dependency is a
 * denial (exit 2, which both CLIs treat as "block"; exit 1 would let the command run).
 */
import type { CliContext, CommandResult } from '../cli/context.js';
import { formatError } from '../errors.js';
import type { Decision } from '../evaluate/types.js';
import { isDirectory } from '../util/is-directory.js';
import { readAll } from '../util/read-all.js';
import { extractGitCalls } from './shell/extract.js';
import type { CallDecider, ShellDecision } from './decide-shell.js';

/** What an adapter reads from the agent's JSON. */
export type HookRequest =
  | { kind: 'shell'; command: string; cwd: string }
  | { kind: 'other'; tool: string }
  | { kind: 'malformed'; reason: string };

export interface HookAdapter {
  /** `claude-code`, `gemini`: for messages. */
  name: string;
  /** Environment marker the agent CLI sets in its sessions, so facts see an agent session. */
  marker: string;
  read(input: unknown, fallbackCwd: string): HookRequest;
  /** The stdout JSON that blocks the tool call with this reason. */
  renderDeny(reason: string): string;
  /** The stdout for "no objection" (nothing, or `{}`); never an explicit allow that skips prompts. */
  renderPass(): string;
}

/** Exit code both agent CLIs read as "block this tool call". */
export const BLOCK_EXIT = 2;
const MAX_INPUT_BYTES = 8 * 1024 * 1024;

export interface HookDeps {
  /** Decides one git call; loaded lazily so commands without git never load the policy code. */
  loadDecider?: () => Promise<CallDecider>;
}

async function defaultDecider(): Promise<CallDecider> {
  return (await import('./decide-call.js')).decideCallWithPolicy;
}

/** The reason agents read: one line per denied call, each naming the rule and what to do instead. */
export async function renderHookReason(result: ShellDecision): Promise<string> {
  const [{ shellDenials }, { renderDenialLine }] = await Promise.all([
    import('./decide-shell.js'),
    import('../render/denial.js'),
  ]);
  return shellDenials(result)
    .map(
      (d: { label: string; decision: Decision }) => `${renderDenialLine(d.decision)} [${d.label}]`,
    )
    .join('\n');
}

export async function runAgentHook(
  context: CliContext,
  adapter: HookAdapter,
  deps: HookDeps = {},
): Promise<CommandResult> {
  const deny = (reason: string): CommandResult => {
    context.stdout.write(`${adapter.renderDeny(reason)}\n`);
    context.stderr.write(`${reason}\n`);
    return { passthrough: BLOCK_EXIT };
  };
  try {
    if (context.stdin.isTTY) {
      return deny(
        `gitfence hook ${adapter.name}: no hook input on stdin (expected the tool call as JSON); denying`,
      );
    }
    const text = await readAll(context.stdin, MAX_INPUT_BYTES);
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      return deny(
        `gitfence hook ${adapter.name}: malformed hook input (${(error as Error).message}); denying to fail closed`,
      );
    }
    const request = adapter.read(input, context.cwd);
    if (request.kind === 'malformed') {
      return deny(`gitfence hook ${adapter.name}: ${request.reason}; denying to fail closed`);
    }
    if (request.kind === 'other') {
      context.stdout.write(adapter.renderPass());
      return 'ok';
    }
    // No git call at all: nothing for the policy to decide, so the policy code is never loaded.
    const analysis = extractGitCalls(request.command);
    if (analysis.calls.length === 0 && analysis.unparseable === undefined) {
      context.stdout.write(adapter.renderPass());
      return 'ok';
    }
    if (!isDirectory(request.cwd)) {
      return deny(
        `gitfence hook ${adapter.name}: the working directory ${request.cwd} does not exist, so the command cannot be checked; denying`,
      );
    }
    // Load the policy code in parallel: each import is a separate module-graph walk.
    const [{ decideShell }, decide] = await Promise.all([
      import('./decide-shell.js'),
      (deps.loadDecider ?? defaultDecider)(),
    ]);
    const env = { ...context.env, [adapter.marker]: context.env[adapter.marker] || '1' };
    const result = await decideShell(request.command, {
      analysis,
      cwd: request.cwd,
      env,
      agent: context.env.LLM_AGENT_NAME || null,
      now: context.now,
      decide,
    });
    if (result.outcome === 'deny') return deny(await renderHookReason(result));
    context.stdout.write(adapter.renderPass());
    return 'ok';
  } catch (error) {
    return deny(
      `gitfence hook ${adapter.name}: internal error, denying to fail closed: ${formatError(error).replace(/\n/g, ' ')}`,
    );
  }
}

/** A string field of an object, or undefined. */
export function stringField(value: unknown, key: string): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}
