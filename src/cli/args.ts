/** Argument parsing the commands share: node:util parseArgs whose failures are usage errors (exit 2). */
import { statSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GitfenceError } from '../errors.js';

export interface UsageDetails {
  where: string;
  expected: string;
  got?: string;
  hint?: string;
}

/** parseArgs, with its TypeError turned into a USAGE GitfenceError carrying `usage`. */
export function parseFlags<C extends ParseArgsConfig>(
  config: C,
  usage: UsageDetails,
): ReturnType<typeof parseArgs<C>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new GitfenceError('USAGE', (error as Error).message, usage);
  }
}

/** A USAGE error about the positionals a command was given. */
export function positionalsError(
  message: string,
  positionals: string[],
  usage: UsageDetails,
): GitfenceError {
  return new GitfenceError('USAGE', message, {
    ...usage,
    got: positionals.join(' ') || '(nothing)',
  });
}

export interface DecisionArgs {
  json: boolean;
  agent: string | undefined;
  cwd: string | undefined;
  /** The words after `--`; without `--`, the positionals. */
  words: string[];
}

/** `[--json] [--agent NAME] [--cwd DIR] -- <words…>`: the flags of the commands that decide a call. */
export function parseDecisionArgs(args: string[], usage: UsageDetails): DecisionArgs {
  const split = args.indexOf('--');
  const head = split === -1 ? args : args.slice(0, split);
  const parsed = parseFlags(
    {
      args: head,
      options: {
        json: { type: 'boolean', default: false },
        agent: { type: 'string' },
        cwd: { type: 'string' },
      },
      allowPositionals: split === -1,
      strict: true,
    },
    { ...usage, got: args.join(' ') },
  );
  return {
    json: parsed.values.json,
    agent: parsed.values.agent,
    cwd: parsed.values.cwd,
    words: split === -1 ? parsed.positionals : args.slice(split + 1),
  };
}

/** Fails with a USAGE error unless `path` is an existing directory. */
export function requireDirectory(path: string, where = '--cwd'): void {
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new GitfenceError('USAGE', 'no such directory', {
      where,
      expected: 'an existing directory',
      got: path,
    });
  }
}
