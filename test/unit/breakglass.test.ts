/** Break-glass prompt logic with a scripted terminal (the real pseudo-terminal test is in test/e2e/breakglass-pty). */
import { describe, expect, it } from 'vitest';
import {
  expectedLine,
  generateCode,
  lineMatches,
  promptBreakGlass,
  type Terminal,
} from '../../src/shim/breakglass.js';

function scripted(lines: Array<string | null>): Terminal & { output: string } {
  const t = {
    output: '',
    write(text: string) {
      t.output += text;
    },
    async readLine() {
      return lines.length ? (lines.shift() ?? null) : null;
    },
    close() {},
  };
  return t;
}

describe('break-glass', () => {
  it('codes are fresh and readable', () => {
    const codes = new Set(Array.from({ length: 50 }, () => generateCode()));
    expect(codes.size).toBe(50);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
  });

  it('matches exactly', () => {
    expect(lineMatches('ALLOW reset ABCD2345', 'ALLOW reset ABCD2345')).toBe(true);
    for (const wrong of [
      'allow reset ABCD2345',
      'ALLOW reset ABCD2345 ',
      ' ALLOW reset ABCD2345',
      'ALLOW reset ABCD234',
      'ALLOW clean ABCD2345',
      '',
    ])
      expect(lineMatches(wrong, 'ALLOW reset ABCD2345')).toBe(false);
  });

  it('approves the exact line and shows it on the terminal', async () => {
    const t = scripted(['nope', expectedLine('reset', 'K7QM2XPA')]);
    const result = await promptBreakGlass({
      terminal: t,
      subcommand: 'reset',
      attempts: 3,
      timeoutMs: 60_000,
      now: Date.now,
      code: 'K7QM2XPA',
    });
    expect(result).toEqual({ outcome: 'approved', attempts: 2 });
    expect(t.output).toContain('ALLOW reset K7QM2XPA');
  });

  it('refuses after the allowed attempts', async () => {
    const t = scripted(['a', 'b', 'c', 'ALLOW reset K7QM2XPA']);
    const result = await promptBreakGlass({
      terminal: t,
      subcommand: 'reset',
      attempts: 3,
      timeoutMs: 60_000,
      now: Date.now,
      code: 'K7QM2XPA',
    });
    expect(result).toEqual({ outcome: 'wrong-code', attempts: 3 });
  });

  it('times out by the clock it is given', async () => {
    let clock = 0;
    const t = scripted(['wrong']);
    t.readLine = async () => {
      clock += 61_000;
      return 'wrong';
    };
    const result = await promptBreakGlass({
      terminal: t,
      subcommand: 'reset',
      attempts: 3,
      timeoutMs: 60_000,
      now: () => clock,
      code: 'X',
    });
    expect(result.outcome).toBe('timeout');
  });
});
