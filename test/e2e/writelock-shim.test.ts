/**
 * The shim meets the `.git` write-lock: a call that would write `.git` stops before git runs, with
 * the lock state and how to open a window, instead of git's `index.lock: Operation not permitted`.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

const chattrWorks = process.getuid?.() === 0 && spawnSync('chattr', ['--help']).error === undefined;

let sandbox: Sandbox;
let repo: string;

beforeEach(() => {
  sandbox = createSandbox();
  repo = sandbox.makeRepo('repo', { 'README.md': 'hello\n' });
  must(sandbox.gitfence(repo, ['compile']));
  must(sandbox.gitfence(repo, ['shim', 'install']));
});

afterEach(() => {
  spawnSync('chattr', ['-R', '-i', sandbox.root], { stdio: 'ignore' });
  sandbox.cleanup();
});

const agent = () => ({
  PATH: `${join(sandbox.gitfenceHome, 'bin')}:${process.env.PATH}`,
  LLM_AGENT_NAME: 'alice',
});

describe.skipIf(!chattrWorks)('shim and write-lock (immutable mode, as root)', () => {
  it('stops a writing call before git runs, naming the lock and how to open a window', () => {
    must(sandbox.gitfence(repo, ['write-lock', 'lock']));
    const result = sandbox.run('git', ['commit', '--allow-empty', '-m', 'x'], {
      cwd: repo,
      env: agent(),
    });
    expect(result.code).toBe(42);
    expect(result.stderr).toContain('gitfence: denied gitfence/write-lock');
    expect(result.stderr).toContain('unlock-for-push');
    expect(result.stderr).not.toContain('index.lock');
    // read-only calls still go through
    const log = sandbox.run('git', ['log', '--oneline'], { cwd: repo, env: agent() });
    expect(log.code).toBe(0);
    expect(log.stdout).toContain('initial');
  });

  it('lets the call through inside a push window, and re-arms lazily once the lease is over', async () => {
    must(sandbox.gitfence(repo, ['write-lock', 'lock']));
    must(
      sandbox.gitfence(repo, ['write-lock', 'unlock-for-push', '--holder', 'orch', '--ttl', '2']),
    );
    const inWindow = sandbox.run('git', ['commit', '--allow-empty', '-m', 'in window'], {
      cwd: repo,
      env: agent(),
    });
    expect(inWindow.code).toBe(0);
    // kill the watchdog so only the lazy check can re-arm
    const record = JSON.parse(
      sandbox.run('cat', [join(repo, '.git/gitfence/writelock.json')]).stdout,
    ) as { lease: { watchdogPid?: number } };
    if (record.lease.watchdogPid) spawnSync('kill', ['-9', String(record.lease.watchdogPid)]);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = sandbox.run('git', ['commit', '--allow-empty', '-m', 'late'], {
      cwd: repo,
      env: agent(),
    });
    expect(after.code).toBe(42);
    expect(after.stderr).toContain('gitfence/write-lock');
    expect(sandbox.gitfence(repo, ['write-lock', 'status']).stdout.trim()).toBe(
      'locked (immutable)',
    );
  });
});
