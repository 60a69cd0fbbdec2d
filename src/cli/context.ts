/** Everything a command touches of the outside world, passed in so tests need no module mocking. */
import type { ExitKind } from '../errors.js';

export interface Output {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliContext {
  /** Arguments after the command name. */
  args: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: Output;
  stderr: Output;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Epoch milliseconds. */
  now: () => number;
}

/** What a command reports; only `runCommand` (run-command.ts) turns it into an exit code. */
export type CommandResult = ExitKind | { passthrough: number };

export interface Command {
  name: string;
  summary: string;
  /** Full `--help` text. */
  usage: string;
  run(context: CliContext): Promise<CommandResult>;
}
