/** The CLI entry. The only place that turns results and errors into an exit code. */
import { EXIT, exitCodeForError, formatError, GitfenceError } from '../errors.js';
import type { CliContext, CommandResult } from './context.js';
import { COMMANDS } from './registry.js';

const VERSION = '0.1.0';

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

export function exitCodeFor(result: CommandResult): number {
  return typeof result === 'string' ? EXIT[result] : result.passthrough;
}

/** Wants help: `--help`/`-h` before any `--`. */
function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--help' || arg === '-h');
}

export async function main(argv: string[], context: Omit<CliContext, 'args'>): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      context.stdout.write(`${renderTopHelp()}\n`);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    if (name === '--version' || name === '-V') {
      context.stdout.write(`${VERSION}\n`);
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
    const command = await entry.load();
    if (wantsHelp(args)) {
      context.stdout.write(`${command.usage}\n`);
      return EXIT.ok;
    }
    return exitCodeFor(await command.run({ ...context, args }));
  } catch (error) {
    context.stderr.write(`${formatError(error)}\n`);
    return exitCodeForError(error);
  }
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
