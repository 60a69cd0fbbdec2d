/**
 * Standard streams for the hot process entries without node's stream machinery: creating
 * `process.stdout`/`stderr`/`stdin` loads a dozen internal modules (several ms per process).
 * Writes are synchronous, so nothing is pending at exit.
 */
import { fstatSync, readFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CliContext, Output } from './context.js';

/** isatty(3) without loading `node:tty` when the answer is plainly no: a terminal is a character device. */
export function isTerminal(fd: number): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false;
  }
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  return tty.isatty(fd);
}

function writeAll(fd: number, text: string): void {
  let buffer = Buffer.from(text, 'utf8');
  while (buffer.length > 0) {
    try {
      buffer = buffer.subarray(writeSync(fd, buffer));
    } catch (error) {
      // a non-blocking pipe whose reader is behind: try again
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    }
  }
}

/** An `Output` on a file descriptor; `isTTY` is looked up only when asked. */
export function fdOutput(fd: number): Output {
  let tty: boolean | undefined;
  return {
    write: (chunk: string) => writeAll(fd, chunk),
    get isTTY() {
      return (tty ??= isTerminal(fd));
    },
  };
}

/** stdin read whole with one `readFileSync(0)` on first iteration: hooks get their input and then EOF. */
export function stdinOnce(): CliContext['stdin'] {
  let tty: boolean | undefined;
  return {
    get isTTY() {
      return (tty ??= isTerminal(0));
    },
    async *[Symbol.asyncIterator]() {
      let text: Buffer;
      try {
        text = readFileSync(0);
      } catch (error) {
        // a non-blocking pipe: read it the streaming way
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        for await (const chunk of process.stdin) yield chunk as Buffer;
        return;
      }
      if (text.length > 0) yield text;
    },
  } as unknown as CliContext['stdin'];
}

/** The process's own context for a hot entry. */
export function hotContext(): Omit<CliContext, 'args'> {
  return {
    env: process.env,
    cwd: process.cwd(),
    stdout: fdOutput(1),
    stderr: fdOutput(2),
    stdin: stdinOnce(),
    now: Date.now,
  };
}
