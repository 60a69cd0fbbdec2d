/**
 * One command run to an exit code: help before any `--`, then its result or error through the one
 * exit-code table. `main` runs every command through it; the hot entries (check, save-patch) call it
 * directly, without the command table, so they load only their own command's code.
 */
import { EXIT, exitCodeForError, formatError } from '../errors.js';
import type { CliContext, Command, CommandResult } from './context.js';

/** Wants help: `--help`/`-h` before any `--`. */
export function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export function exitCodeFor(result: CommandResult): number {
  return typeof result === 'string' ? EXIT[result] : result.passthrough;
}

export async function runCommand(
  command: Command,
  args: string[],
  context: Omit<CliContext, 'args'>,
): Promise<number> {
  if (wantsHelp(args)) {
    context.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return exitCodeFor(await command.run({ ...context, args }));
  } catch (error) {
    context.stderr.write(`${formatError(error)}\n`);
    return exitCodeForError(error);
  }
}
