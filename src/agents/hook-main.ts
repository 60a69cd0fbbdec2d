/**
 * Build entry `dist/agent-hook.cjs`: `node dist/agent-hook.cjs claude-code|gemini`, the agent hooks
 * without the CLI's command table (see hook-entry.ts). Only this file sets the exit code.
 */
import { runAgentHookProcess } from './hook-entry.js';

void runAgentHookProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
