/**
 * Build entry `dist/hot/pre-push.cjs`: `gitfence hook pre-push` without the CLI's command table
 * (bin/gitfence.js sends it here), run as `main` runs every command (runCommand).
 */
import type { Command } from '../cli/context.js';
import { hotContext } from '../cli/hot-stdio.js';
import { runCommand, wantsHelp } from '../cli/run-command.js';

const prePush: Command = {
  name: 'hook pre-push',
  summary: 'final push check (git pre-push hook)',
  usage: '',
  run: async (context) => (await import('./pre-push.js')).run(context),
};

async function runPrePushProcess(args: string[]): Promise<number> {
  // `--help` prints the same text as `gitfence hook --help`, whose table is loaded only then
  const command = wantsHelp(args) ? (await import('../cli/commands/hook.js')).command : prePush;
  return runCommand(command, args, hotContext());
}

void runPrePushProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
