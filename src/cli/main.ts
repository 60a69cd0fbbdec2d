/** The CLI entry: the command table; every command runs through runCommand (run-command.ts). */
import { EXIT, exitCodeForError, formatError, GitfenceError } from '../errors.js';
import type { CliContext, Command } from './context.js';
import { runCommand } from './run-command.js';
import { COMMANDS } from './registry.js';

function renderTopHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(
    ([name, entry]) => `  ${name.padEnd(width)}  ${entry.summary}`,
  );
  return [
    'gitfence: guard rails for AI coding agents sharing one git repository',
    '',
    'usage: gitfence <command> [options]',
    '',
    'commands:',
    ...lines,
    '',
    'Run `gitfence <command> --help` for a command. Exit codes: 0 allowed/done, 42 denied, 2 usage or',
    'invalid policy, 1 internal error.',
  ].join('\n');
}

export async function main(argv: string[], context: Omit<CliContext, 'args'>): Promise<number> {
  const [name, ...args] = argv;
  let command: Command;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      context.stdout.write(`${renderTopHelp()}\n`);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === '--version' || name === '-V') {
      const { GITFENCE_VERSION } = await import('../util/version.js');
      context.stdout.write(`${GITFENCE_VERSION}\n`);
      return EXIT.ok;
    }
    const entry = COMMANDS[name];
    if (!entry) {
      throw new GitfenceError('USAGE', `unknown command "${name}"`, {
        expected: `one of ${Object.keys(COMMANDS).join(', ')}`,
        got: name,
        hint: 'run `gitfence --help`',
      });
    }
    command = await entry.load();
  } catch (error) {
    context.stderr.write(`${formatError(error)}\n`);
    return exitCodeForError(error);
  }
  return runCommand(command, args, context);
}

/** Process entry used by the bin scripts. */
export async function run(argv: string[]): Promise<void> {
  const code = await main(argv, {
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    now: Date.now,
  });
  process.exitCode = code;
}
