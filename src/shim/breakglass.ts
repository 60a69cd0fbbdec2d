/**
 * Break-glass, for a human only: a fresh code and the exact line to type go to /dev/tty, the
 * answer is read from /dev/tty (never stdin, which an agent controls), compared in constant time,
 * with a bounded number of attempts inside a time limit. Without a controlling terminal: refused.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { ReadStream } from 'node:tty';
import { createRequire } from 'node:module';

/** No 0/O, 1/I/L: a human reads it off the screen. */
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

export function generateCode(length = 8, pick: (n: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < length; i++) code += CODE_ALPHABET[pick(CODE_ALPHABET.length)];
  return code;
}

export function expectedLine(subcommand: string, code: string): string {
  return `ALLOW ${subcommand} ${code}`;
}

/** Exact match in constant time (for the length of what was expected). */
export function lineMatches(typed: string, expected: string): boolean {
  const a = Buffer.from(typed, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}

export interface Terminal {
  write(text: string): void;
  /** The next line typed, without its line ending; null on timeout or end of input. */
  readLine(timeoutMs: number): Promise<string | null>;
  close(): void;
}

/** The controlling terminal, or null when the process has none (ENXIO) or it cannot be opened. */
export function openTerminal(path = '/dev/tty'): Terminal | null {
  let readFd: number;
  let writeFd: number;
  try {
    readFd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    writeFd = openSync(path, 'w');
  } catch {
    closeSync(readFd);
    return null;
  }
  let stream: ReadStream | null = null;
  let buffered = '';
  const waiting: Array<(line: string | null) => void> = [];
  let ended = false;
  const flush = () => {
    let nl: number;
    while (waiting.length && (nl = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, nl).replace(/\r$/, '');
      buffered = buffered.slice(nl + 1);
      waiting.shift()!(line);
    }
    if (ended) while (waiting.length) waiting.shift()!(null);
  };
  const ensureStream = () => {
    if (stream) return;
    // node:tty only when a human is actually asked: the denied path should not load it
    const { ReadStream: TtyReadStream } = createRequire(import.meta.url)(
      'node:tty',
    ) as typeof import('node:tty');
    stream = new TtyReadStream(readFd);
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffered += chunk;
      flush();
    });
    stream.on('end', () => {
      ended = true;
      flush();
    });
    stream.on('error', () => {
      ended = true;
      flush();
    });
  };
  return {
    write(text) {
      writeSync(writeFd, text);
    },
    readLine(timeoutMs) {
      ensureStream();
      return new Promise((resolve) => {
        let done = false;
        const timer = setTimeout(
          () => {
            if (done) return;
            done = true;
            const index = waiting.indexOf(finish);
            if (index !== -1) waiting.splice(index, 1);
            resolve(null);
          },
          Math.max(0, timeoutMs),
        );
        const finish = (line: string | null) => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          resolve(line);
        };
        waiting.push(finish);
        stream!.resume();
        flush();
      });
    },
    close() {
      if (stream) stream.destroy();
      else closeSync(readFd);
      closeSync(writeFd);
    },
  };
}

export type PromptResult =
  | { outcome: 'approved'; attempts: number }
  | { outcome: 'wrong-code' | 'timeout' | 'aborted'; attempts: number };

export interface PromptInput {
  terminal: Terminal;
  subcommand: string;
  attempts: number;
  timeoutMs: number;
  now: () => number;
  code?: string;
}

/** Ask the human at the terminal; the code is used once, whatever the outcome. */
export async function promptBreakGlass(input: PromptInput): Promise<PromptResult> {
  const { terminal, subcommand } = input;
  let code: string | null = input.code ?? generateCode();
  const expected = expectedLine(subcommand, code);
  const deadline = input.now() + input.timeoutMs;
  terminal.write(
    [
      '',
      '*** gitfence break-glass ***',
      'A human can approve this one command. An agent must not.',
      `To run it anyway, type exactly this line within ${Math.round(input.timeoutMs / 1000)} s (${input.attempts} attempts):`,
      '',
      `    ${expected}`,
      '',
    ].join('\n'),
  );
  let attempts = 0;
  try {
    while (attempts < input.attempts) {
      const left = deadline - input.now();
      if (left <= 0) return { outcome: 'timeout', attempts };
      terminal.write(`break-glass> `);
      const line = await terminal.readLine(left);
      if (line === null) {
        return { outcome: deadline - input.now() <= 0 ? 'timeout' : 'aborted', attempts };
      }
      attempts++;
      if (lineMatches(line, expected)) {
        code = null;
        return { outcome: 'approved', attempts };
      }
      const remaining = input.attempts - attempts;
      terminal.write(
        remaining > 0 ? `does not match; ${remaining} attempt(s) left\n` : 'does not match\n',
      );
    }
    return { outcome: 'wrong-code', attempts };
  } finally {
    code = null;
  }
}
