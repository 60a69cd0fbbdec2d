/**
 * `gitfence hook claude-code`: the Claude Code PreToolUse hook. Reads the tool call as JSON on stdin
 * (`tool_name`, `tool_input.command`, `cwd`); for a Bash call whose git commands the policy denies,
 * prints `hookSpecificOutput.permissionDecision: "deny"` with the reason and exits 2 (block, reason on
 * stderr). Anything else passes silently: the hook never approves on its own.
 */
import type { CliContext, CommandResult } from '../cli/context.js';
import { runAgentHook, stringField, type HookAdapter } from '../agents/hook-runner.js';

export const claudeCodeAdapter: HookAdapter = {
  name: 'claude-code',
  marker: 'CLAUDECODE',
  read(input, fallbackCwd) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return { kind: 'malformed', reason: 'hook input is not a JSON object' };
    }
    const tool = stringField(input, 'tool_name');
    if (tool === undefined) return { kind: 'malformed', reason: 'hook input has no tool_name' };
    if (tool !== 'Bash') return { kind: 'other', tool };
    const toolInput = (input as Record<string, unknown>).tool_input;
    const command = stringField(toolInput, 'command');
    if (command === undefined) {
      return { kind: 'malformed', reason: 'Bash hook input has no tool_input.command string' };
    }
    return { kind: 'shell', command, cwd: stringField(input, 'cwd') || fallbackCwd };
  },
  renderDeny(reason) {
    return JSON.stringify({
      hookSpecificOutput: {
        hookEventName: 'PreToolUse',
        permissionDecision: 'deny',
        permissionDecisionReason: reason,
      },
    });
  },
  renderPass: () => '',
};

export async function run(context: CliContext): Promise<CommandResult> {
  return runAgentHook(context, claudeCodeAdapter);
}
