/**
 * `gitfence hook gemini`: the Gemini CLI BeforeTool hook. Reads the tool call as JSON on stdin
 * (`tool_name: "run_shell_command"`, `tool_input.command`, optional `tool_input.dir_path`, `cwd`); for
 * a command whose git calls the policy denies, prints `{"decision":"deny","reason":…}` and exits 2
 * (block, reason on stderr). Anything else prints `{}`: no opinion, never an explicit allow.
 */
import { isAbsolute, resolve } from 'node:path';
import type { CliContext, CommandResult } from '../cli/context.js';
import { runAgentHook, stringField, type HookAdapter } from '../agents/hook-runner.js';

/** Gemini's shell tool; older releases also called it `shell`. */
const SHELL_TOOLS = new Set(['run_shell_command', 'shell']);

export const geminiAdapter: HookAdapter = {
  name: 'gemini',
  marker: 'GEMINI_CLI',
  read(input, fallbackCwd) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return { kind: 'malformed', reason: 'hook input is not a JSON object' };
    }
    const tool = stringField(input, 'tool_name');
    if (tool === undefined) return { kind: 'malformed', reason: 'hook input has no tool_name' };
    if (!SHELL_TOOLS.has(tool)) return { kind: 'other', tool };
    const toolInput = (input as Record<string, unknown>).tool_input;
    const command = stringField(toolInput, 'command');
    if (command === undefined) {
      return { kind: 'malformed', reason: `${tool} hook input has no tool_input.command string` };
    }
    const base = stringField(input, 'cwd') || fallbackCwd;
    const dir = stringField(toolInput, 'dir_path') ?? stringField(toolInput, 'directory');
    const cwd = dir ? (isAbsolute(dir) ? dir : resolve(base, dir)) : base;
    return { kind: 'shell', command, cwd };
  },
  renderDeny(reason) {
    return JSON.stringify({ decision: 'deny', reason });
  },
  renderPass: () => '{}\n',
};

export async function run(context: CliContext): Promise<CommandResult> {
  return runAgentHook(context, geminiAdapter);
}
