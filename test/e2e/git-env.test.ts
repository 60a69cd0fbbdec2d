/**
 * gitfence's own git calls and the caller's environment (src/util/git-env.ts), end to end: variables
 * that point git at another repository never move what gitfence inspects, while config injected
 * through GIT_CONFIG_COUNT (safe.directory for root reading an agent user's repository) still works.
 */
import { chmodSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

const cli = process.env.GITFENCE_E2E_CLI ?? CLI;
const isRoot = process.getuid?.() === 0;

let sb: Sandbox;
let here: string;
let elsewhere: string;

/** Every redirecting variable at once, all naming the other repository. */
const redirectTo = (dir: string) => ({
  GIT_DIR: join(dir, '.git'),
  GIT_WORK_TREE: dir,
  GIT_COMMON_DIR: join(dir, '.git'),
  GIT_INDEX_FILE: join(dir, '.git/index'),
  GIT_OBJECT_DIRECTORY: join(dir, '.git/objects'),
});

const gf = (args: string[], env: Record<string, string | undefined> = {}) =>
  sb.run(process.execPath, [cli, ...args], { cwd: here, env });

beforeEach(() => {
  sb = createSandbox();
  here = sb.makeRepo('here', { 'src/a.txt': 'a\n' });
  elsewhere = sb.makeRepo('elsewhere', { 'b.txt': 'b\n' });
  must(sb.gitfence(here, ['compile']));
  must(sb.gitfence(elsewhere, ['compile']));
  must(sb.gitfence(here, ['lock', 'acquire', 'src/**'], { LLM_AGENT_NAME: 'agent-here' }));
});

afterEach(() => sb.cleanup());

describe("gitfence's own git calls ignore variables that redirect git", () => {
  it('lock list reads the leases of the repository at cwd, whatever GIT_DIR and friends say', () => {
    const plain = must(gf(['lock', 'list', '--json']));
    expect(plain.stdout).toContain('agent-here');
    const redirected = gf(['lock', 'list', '--json'], redirectTo(elsewhere));
    expect(redirected.code, redirected.stderr).toBe(0);
    expect(redirected.stdout).toBe(plain.stdout);
  });

  it('log and checkpoint list read this repository, not the one GIT_DIR names', () => {
    const log = gf(['log'], redirectTo(elsewhere));
    expect(log.code, log.stderr).toBe(0);
    must(gf(['checkpoint', 'create', '-m', 'here']));
    const list = gf(['checkpoint', 'list'], redirectTo(elsewhere));
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('here');
  });
});

describe.skipIf(!isRoot)('root inspecting a repository an agent user owns (uid 65534)', () => {
  it('GIT_CONFIG_COUNT safe.directory is kept while GIT_DIR and friends are dropped', () => {
    for (const dir of [sb.root, sb.home]) chmodSync(dir, 0o755);
    must(sb.run('chown', ['-R', '65534:65534', here]));
    chownSync(sb.home, 65534, 65534);
    const safe = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'safe.directory',
      GIT_CONFIG_VALUE_0: '*',
    };
    // without the injected safe.directory, git refuses the repository: nothing to inspect
    expect(gf(['lock', 'list']).code).not.toBe(0);
    const listed = gf(['lock', 'list'], { ...safe, ...redirectTo(elsewhere) });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('agent-here');
    const status = gf(['write-lock', 'status'], { ...safe, ...redirectTo(elsewhere) });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toBe('unlocked\n');
  });
});
