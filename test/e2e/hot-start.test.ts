/**
 * The built hot entries and their code caches: V8 rejects a cache made under other flags, so the
 * flagged launchers (shim, agent hooks) and the plain CLI each have their own, and neither rewrites
 * the other's (two flag sets sharing one file would rewrite it on every call).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_START_FLAGS } from '../../src/util/node-flags.js';
import { PROJECT_ROOT } from '../helpers/sandbox.js';

const dist = join(PROJECT_ROOT, 'dist');
const caches = () =>
  readdirSync(dist)
    .filter((f) => f.endsWith('.v8cache'))
    .sort();
const fingerprint = () => caches().map((f) => [f, statSync(join(dist, f)).mtimeMs]);

describe('hot entries under node flags', () => {
  it('ship a trained cache for each way they are started', () => {
    for (const entry of ['agent-hook', 'shim-exec']) {
      const own = caches().filter((f) => f.startsWith(`${entry}.bundle.cjs.`));
      expect(own.filter((f) => f.endsWith('-nr.v8cache'))).toHaveLength(1);
      expect(own.filter((f) => !f.endsWith('-nr.v8cache'))).toHaveLength(1);
    }
    // the loader's literal and the launchers' flags are one set
    expect(readFileSync(join(dist, 'agent-hook.cjs'), 'utf8')).toContain(
      `'${FAST_START_FLAGS.join(' ')}'`,
    );
  });

  it('read the matching cache and write none, whatever the flags', () => {
    const before = fingerprint();
    const decide = (flags: string[]) =>
      spawnSync(process.execPath, [...flags, join(dist, 'agent-hook.cjs'), 'claude-code'], {
        input: '{"tool_name":"Bash","tool_input":{"command":"npm test"}}',
        encoding: 'utf8',
      });
    for (const flags of [[], [...FAST_START_FLAGS], ['--stack-size=900']]) {
      expect(decide(flags).status).toBe(0);
    }
    expect(fingerprint()).toEqual(before);
  });
});
