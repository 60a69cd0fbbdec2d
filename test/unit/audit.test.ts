/** The audit log: redaction, rotation, and many real processes appending at once without a torn line. */
import { spawn } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEntry } from '../../src/audit/append.js';
import { renderAuditEntry, type AuditEntry } from '../../src/audit/entry.js';
import { filterAuditEntries, loadAuditEntries } from '../../src/audit/read.js';
import { redactArgv } from '../../src/audit/redact.js';
import type { Decision } from '../../src/evaluate/types.js';

let root: string;
beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-audit-')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const denied: Decision = {
  outcome: 'deny',
  matches: [
    {
      ruleId: 'no-reset-hard',
      outcome: 'deny',
      reason: 'r',
      alert: 'normal',
      source: { layer: 'builtin', path: 'x' },
    },
  ],
  warnings: [],
  alert: 'normal',
  invocation: {
    subcommand: 'reset',
    typed: 'reset',
    aliasChain: [],
    effects: [],
    problems: [],
    options: ['--hard'],
  },
};

describe('redaction', () => {
  it('removes tokens from URLs, auth headers and secret config values', () => {
    const out = redactArgv([
      '-c',
      'http.extraheader=Authorization: Bearer abc123',
      '-chttp.https://x.extraHeader=AUTHORIZATION: basic Zm9v',
      'push',
      'https://user:ghp_aaaaaaaaaaaaaaaaaaaaaaaa@github.com/o/r.git',
      '--password=hunter2',
      'https://oauth2:glpat-abcdefghijklmnopqrst@gitlab.com/x.git',
      'main',
    ]);
    const text = out.join(' ');
    for (const secret of ['abc123', 'Zm9v', 'ghp_', 'hunter2', 'glpat-', 'user:'])
      expect(text).not.toContain(secret);
    expect(out[0]).toBe('-c');
    expect(out[1]).toBe('http.extraheader=***');
    expect(out[3]).toBe('push');
    expect(out[4]).toBe('https://***@github.com/o/r.git');
    expect(out.at(-1)).toBe('main');
  });

  it('leaves ordinary arguments alone', () => {
    expect(redactArgv(['commit', '-m', 'fix token parsing', '--', 'src/token.ts'])).toEqual([
      'commit',
      '-m',
      'fix token parsing',
      '--',
      'src/token.ts',
    ]);
  });
});

describe('append, rotate, read', () => {
  it('rotates by size and keeps every line across the rotated files', () => {
    const file = join(root, 'rot', 'audit.jsonl');
    for (let i = 0; i < 50; i++) {
      appendAuditEntry(
        { file, maxBytes: 2000, keep: 100 },
        renderAuditEntry({
          now: i * 1000,
          agent: `a${i % 2}`,
          cwd: '/r',
          argv: ['reset', '--hard', String(i)],
          decision: denied,
        }),
        i * 1000,
      );
    }
    const files = readdirSync(join(root, 'rot'));
    expect(files.length).toBeGreaterThan(2);
    const { entries, malformed } = loadAuditEntries(file, 100);
    expect(malformed).toBe(0);
    expect(entries.map((e) => e.argv[2])).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    expect(filterAuditEntries(entries, { agent: 'a1', since: 40_000 }).length).toBe(5);
    expect(filterAuditEntries(entries, { outcome: 'allow' }).length).toBe(0);
  });

  it('drops the oldest files past keep', () => {
    const file = join(root, 'keep', 'audit.jsonl');
    for (let i = 0; i < 60; i++) {
      appendAuditEntry(
        { file, maxBytes: 1000, keep: 2 },
        renderAuditEntry({ now: i, agent: null, cwd: '/', argv: [String(i)], decision: denied }),
        i,
      );
    }
    expect(readdirSync(join(root, 'keep')).sort()).toEqual([
      'audit.jsonl',
      'audit.jsonl.1',
      'audit.jsonl.2',
    ]);
  });

  it('many processes appending at once, with rotation, lose and tear no line', async () => {
    const bundle = join(root, 'append.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, '../../src/audit/append.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'error',
    });
    const writer = join(root, 'writer.mjs');
    writeFileSync(
      writer,
      `import { appendAuditEntry } from ${JSON.stringify(bundle)};
const [file, id, count] = process.argv.slice(2);
for (let i = 0; i < Number(count); i++) {
  appendAuditEntry({ file, maxBytes: 20000, keep: 100 }, { time: new Date().toISOString(), agent: id, cwd: '/r', argv: ['x'.repeat(200), id, String(i)], subcommand: null, ruleIds: [], outcome: 'allow', via: 'test' });
}
`,
    );
    const file = join(root, 'race', 'audit.jsonl');
    const writers = 6;
    const count = 150;
    await Promise.all(
      Array.from(
        { length: writers },
        (_, w) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, [writer, file, `w${w}`, String(count)], {
              stdio: 'inherit',
            });
            child.on('error', reject);
            child.on('close', (code) =>
              code === 0 ? resolve() : reject(new Error(`writer exit ${code}`)),
            );
          }),
      ),
    );
    const { entries, malformed } = loadAuditEntries(file, 100);
    expect(malformed).toBe(0);
    expect(entries.length).toBe(writers * count);
    for (let w = 0; w < writers; w++) {
      const mine = entries
        .filter((e: AuditEntry) => e.agent === `w${w}`)
        .map((e) => Number(e.argv[2]));
      expect(new Set(mine).size).toBe(count);
    }
    expect(readdirSync(join(root, 'race')).some((f) => f.endsWith('.lock'))).toBe(false);
    expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
  });
});
