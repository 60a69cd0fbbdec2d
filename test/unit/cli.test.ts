import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { COMMANDS } from '../../src/cli/registry.js';

const root = mkdtempSync(join(tmpdir(), 'gitfence-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: { HOME: root, GITFENCE_HOME: join(root, 'gitfence'), PATH: process.env.PATH },
    cwd: root,
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    stdin: Readable.from([]),
    now: () => 0,
  });
  return { code, stdout, stderr };
}

/** The subcommand a command needs before its flags are parsed. */
const SUBCOMMAND: Record<string, string[]> = {
  lock: ['list'],
  'write-lock': ['status'],
  worktree: ['list'],
  shim: ['status'],
  checkpoint: ['list'],
  hook: ['pre-push'],
  agents: ['install'],
};

describe('gitfence <command> with an unknown flag', () => {
  it.each(Object.keys(COMMANDS))(
    '%s: a usage error (exit 2), never an internal one',
    async (name) => {
      const result = await run([name, ...(SUBCOMMAND[name] ?? []), '--no-such-flag']);
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).toContain("Unknown option '--no-such-flag'");
      expect(result.code).toBe(2);
    },
  );
});

describe('gitfence --version', () => {
  it("prints package.json's version", async () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { version: string };
    for (const flag of ['--version', '-V']) {
      expect(await run([flag])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});
