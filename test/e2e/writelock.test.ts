/**
 * The `.git` write-lock end to end: real chattr as root, chmod mode as an unprivileged user, real
 * watchdog processes, real races, kill -9, linked worktrees and a real read-only bind mount.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI, createSandbox, must, type RunResult, type Sandbox } from '../helpers/sandbox.js';

// GITFENCE_E2E_CLI: run against another build of the CLI (the shared dist/ may be mid-change).
const cli = process.env.GITFENCE_E2E_CLI ?? CLI;
const isRoot = process.getuid?.() === 0;
const chattrWorks = isRoot && spawnSync('chattr', ['--help']).error === undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sandbox: Sandbox;
let repo: string;

function wl(cwd: string, ...args: string[]): RunResult {
  return sandbox.run(process.execPath, [cli, 'write-lock', ...args], { cwd });
}

function gf(cwd: string, ...args: string[]): RunResult {
  return sandbox.run(process.execPath, [cli, ...args], { cwd });
}

function record(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(dir, '.git/gitfence/writelock.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}

/** Never leave immutable files or read-only dirs behind, whatever happened. */
function unfreeze(root: string): void {
  if (isRoot) spawnSync('chattr', ['-R', '-i', root], { stdio: 'ignore' });
  spawnSync('chmod', ['-R', 'u+w', root], { stdio: 'ignore' });
}

beforeEach(() => {
  sandbox = createSandbox();
  repo = sandbox.makeRepo('repo', { 'README.md': 'hello\n', 'src/a.txt': 'a\n' });
  must(sandbox.git(repo, 'branch', 'other'));
});

afterEach(() => {
  unfreeze(sandbox.root);
  sandbox.cleanup();
});

/** Each item of "while locked, these fail at once"; every command must fail locked and work unlocked. */
function lockedItems(dir: string, remote: string): Array<{ name: string; run: () => RunResult }> {
  const git =
    (...args: string[]) =>
    () =>
      sandbox.git(dir, ...args);
  const sh = (script: string) => () => sandbox.run('sh', ['-c', script], { cwd: dir });
  return [
    { name: 'commit', run: git('commit', '--allow-empty', '-m', 'locked?') },
    { name: 'branch create', run: git('branch', 'x') },
    { name: 'branch delete', run: git('branch', '-D', 'other') },
    { name: 'tag', run: git('tag', 'v1') },
    { name: 'update-ref', run: git('update-ref', 'refs/heads/y', 'HEAD') },
    { name: 'config write', run: git('config', 'gitfence.test', 'yes') },
    { name: 'fetch', run: git('fetch', remote, 'main:refs/remotes/up/main') },
    { name: 'gc', run: git('gc', '-q') },
    { name: 'stash', run: sh('echo changed >> README.md && git stash') },
    { name: 'checkout', run: git('checkout', '-q', 'x') },
    { name: 'reset --hard', run: git('reset', '-q', '--hard', 'HEAD') },
    { name: 'write .git/HEAD', run: sh('echo "ref: refs/heads/main" > .git/HEAD') },
    { name: 'copy into .git/hooks', run: sh('cp README.md .git/hooks/pre-commit') },
  ];
}

describe.skipIf(!chattrWorks)('immutable mode (root, real chattr)', () => {
  it('lock → locked (immutable); commit, branch, rm index.lock fail; the state dir stays writable', () => {
    expect(wl(repo, 'status').stdout).toBe('unlocked\n');
    must(wl(repo, 'lock'));
    expect(wl(repo, 'status').stdout).toBe('locked (immutable)\n');
    const status = JSON.parse(must(wl(repo, 'status', '--json')).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ status: 'locked (immutable)', mode: 'immutable', holder: null });

    const commit = sandbox.git(repo, 'commit', '--allow-empty', '-m', 'x');
    expect(commit.code).not.toBe(0);
    expect(commit.stderr).toMatch(/index\.lock': Operation not permitted/);
    expect(sandbox.git(repo, 'branch', 'x').code).not.toBe(0);
    expect(sandbox.git(repo, 'rev-parse', '--verify', '-q', 'refs/heads/x').code).not.toBe(0);

    // gitfence's own state stays writable: agents can still take lock scopes.
    const scope = sandbox.run(process.execPath, [cli, 'lock', 'acquire', 'x/**'], {
      cwd: repo,
      env: { LLM_AGENT_NAME: 'agent-a' },
    });
    expect(scope.code, scope.stderr).toBe(0);
    expect(must(gf(repo, 'lock', 'list')).stdout).toMatch(/agent-a[\s\S]*x\/\*\*/);

    must(wl(repo, 'unlock'));
    expect(wl(repo, 'status').stdout).toBe('unlocked\n');
    // A stale index.lock: `rm -f` cannot remove it while locked, can after.
    writeFileSync(join(repo, '.git/index.lock'), '');
    must(wl(repo, 'lock'));
    const rm = sandbox.run('rm', ['-f', '.git/index.lock'], { cwd: repo });
    expect(rm.code).not.toBe(0);
    expect(rm.stderr).toMatch(/Operation not permitted/);
    must(wl(repo, 'unlock'));
    must(sandbox.run('rm', ['-f', '.git/index.lock'], { cwd: repo }));
    must(sandbox.git(repo, 'commit', '--allow-empty', '-m', 'after unlock'));
  });

  it('every item fails at once while locked and works after unlock', () => {
    const remote = sandbox.makeRepo('remote');
    must(sandbox.git(repo, 'branch', 'x'));
    const before = must(sandbox.git(repo, 'for-each-ref')).stdout;
    must(wl(repo, 'lock'));
    for (const item of lockedItems(repo, remote)) {
      expect(item.run().code, `${item.name} must fail while locked`).not.toBe(0);
    }
    expect(must(sandbox.git(repo, 'for-each-ref')).stdout).toBe(before);
    expect(existsSync(join(repo, '.git/hooks/pre-commit'))).toBe(false);
    must(wl(repo, 'unlock'));
    must(sandbox.git(repo, 'checkout', '-q', '--', 'README.md'));
    must(sandbox.git(repo, 'branch', '-D', 'x'));
    for (const item of lockedItems(repo, remote)) {
      const result = item.run();
      expect(result.code, `${item.name} must work after unlock: ${result.stderr}`).toBe(0);
    }
  });

  it('unlock-for-push: the holder commits, another holder gets 42, the lock re-arms by itself', async () => {
    must(wl(repo, 'lock'));
    const opened = must(wl(repo, 'unlock-for-push', '--holder', 'orch', '--ttl', '3'));
    const token = opened.stdout.trim();
    expect(token).toMatch(/^\d+$/);
    must(sandbox.git(repo, 'commit', '--allow-empty', '-m', 'in the window'));
    const second = wl(repo, 'unlock-for-push', '--holder', 'other');
    expect(second.code).toBe(42);
    expect(second.stderr).toMatch(/held by orch/);
    expect(JSON.parse(must(wl(repo, 'status', '--json')).stdout)).toMatchObject({
      status: 'unlocked',
      holder: 'orch',
      token: Number(token),
    });

    await sleep(5000);
    // The detached watchdog re-armed it, before any gitfence command ran.
    expect(record(repo)).toMatchObject({ state: 'locked', by: 'watchdog', lease: null });
    expect(wl(repo, 'status').stdout).toBe('locked (immutable)\n');
    expect(sandbox.git(repo, 'commit', '--allow-empty', '-m', 'after').code).not.toBe(0);
    // The expired holder's token is stale now; a relock with it changes nothing.
    must(wl(repo, 'unlock-for-push', '--holder', 'other', '--ttl', '30'));
    const stale = wl(repo, 'relock', '--holder', 'orch', '--token', token);
    expect(stale.code).toBe(42);
    must(wl(repo, 'relock', '--holder', 'other', '--token', String(Number(token) + 1)));
    expect(wl(repo, 'status').stdout).toBe('locked (immutable)\n');
  });

  it('a holder killed with -9 and its watchdog killed too: the lazy check re-arms after the TTL', async () => {
    must(wl(repo, 'lock'));
    const holder = spawn(
      'sh',
      [
        '-c',
        `"${process.execPath}" "${cli}" write-lock unlock-for-push --holder orch --ttl 2 && sleep 60`,
      ],
      {
        cwd: repo,
        env: sandbox.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const token = await new Promise<string>((resolve) =>
      holder.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString().trim())),
    );
    expect(token).toMatch(/^\d+$/);
    const watchdogPid = (record(repo).lease as { watchdogPid?: number }).watchdogPid;
    expect(watchdogPid).toBeGreaterThan(0);
    holder.kill('SIGKILL');
    process.kill(watchdogPid!, 'SIGKILL');
    await sleep(3500);
    expect(record(repo)).toMatchObject({ state: 'unlocked' });
    // The next gitfence entry point re-arms the expired window.
    expect(wl(repo, 'status').stdout).toBe('locked (immutable)\n');
    expect(record(repo)).toMatchObject({ state: 'locked', by: 'lazy', lease: null });
  });

  it('a holder killed with -9: its watchdog re-arms after the TTL', async () => {
    must(wl(repo, 'lock'));
    const holder = spawn(
      'sh',
      [
        '-c',
        `"${process.execPath}" "${cli}" write-lock unlock-for-push --holder orch --ttl 2 && sleep 60`,
      ],
      {
        cwd: repo,
        env: sandbox.env,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    await new Promise((resolve) => holder.stdout.once('data', resolve));
    holder.kill('SIGKILL');
    await sleep(4000);
    expect(record(repo)).toMatchObject({ state: 'locked', by: 'watchdog' });
    expect(sandbox.git(repo, 'commit', '--allow-empty', '-m', 'x').code).not.toBe(0);
  });

  it('two orchestrators racing unlock-for-push: exactly one wins', async () => {
    must(wl(repo, 'lock'));
    const race = (holder: string) =>
      new Promise<number>((resolve) => {
        const child = spawn(
          process.execPath,
          [cli, 'write-lock', 'unlock-for-push', '--holder', holder, '--ttl', '60'],
          {
            cwd: repo,
            env: sandbox.env,
            stdio: 'ignore',
          },
        );
        child.on('close', (code) => resolve(code ?? 1));
      });
    for (let round = 0; round < 3; round += 1) {
      const codes = await Promise.all([race('alpha'), race('beta')]);
      expect(codes.sort()).toEqual([0, 42]);
      const winner = (record(repo).lease as { holder: string; token: number }).holder;
      must(wl(repo, 'relock', '--holder', winner));
      expect(wl(repo, 'status').stdout).toBe('locked (immutable)\n');
    }
  });

  it('linked worktrees are locked too', () => {
    const worktree = join(sandbox.root, 'wt');
    must(sandbox.git(repo, 'worktree', 'add', '-q', worktree));
    must(wl(worktree, 'lock'));
    expect(wl(worktree, 'status').stdout).toBe('locked (immutable)\n');
    expect(sandbox.git(worktree, 'commit', '--allow-empty', '-m', 'x').code).not.toBe(0);
    expect(sandbox.git(worktree, 'checkout', '-q', '-b', 'feature').code).not.toBe(0);
    const privateHead = join(repo, '.git/worktrees/wt/HEAD');
    expect(sandbox.run('sh', ['-c', `echo junk > "${privateHead}"`]).code).not.toBe(0);
    must(wl(repo, 'unlock'));
    must(sandbox.git(worktree, 'commit', '--allow-empty', '-m', 'x'));
  });

  it('takes the mode and the default push-window TTL from the compiled policy', () => {
    sandbox.write(
      join(repo, 'gitfence.policy.ts'),
      "import { definePolicy } from 'gitfence';\nexport default definePolicy({ writeLock: { mode: 'chmod', pushWindowTtl: '7s' } });\n",
    );
    const compiled = gf(repo, 'compile');
    expect(compiled.code, compiled.stderr).toBe(0);
    must(wl(repo, 'lock'));
    const status = wl(repo, 'status');
    expect(status.stdout).toBe('locked (chmod)\n');
    expect(status.stderr).toMatch(/root/);
    must(wl(repo, 'unlock-for-push', '--holder', 'orch'));
    const lease = record(repo).lease as { acquiredAt: number; expiresAt: number };
    expect(lease.expiresAt - lease.acquiredAt).toBe(7000);
    must(wl(repo, 'relock', '--holder', 'orch'));
    expect(wl(repo, 'status').stdout).toBe('locked (chmod)\n');
  });

  it('bootstrap locks only with --ensure-git-lock', () => {
    gf(repo, 'bootstrap');
    expect(wl(repo, 'status').stdout).toBe('unlocked\n');
    const locked = gf(repo, 'bootstrap', '--ensure-git-lock');
    expect(locked.stderr).toMatch(/bootstrap: compile/);
    expect(locked.stderr).toMatch(/bootstrap: shim install/);
    expect(wl(repo, 'status').stdout).toBe('locked (immutable)\n');
    expect(locked.code, locked.stderr).toBe(0);
    // gitfence keeps writing its own state while .git is locked: compiling again works.
    const compiled = gf(repo, 'compile');
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(existsSync(join(repo, '.git/gitfence/policy.json'))).toBe(true);
  });
});

const canMount =
  isRoot &&
  spawnSync('unshare', ['-m', 'true']).status === 0 &&
  spawnSync('mount', ['--version']).status === 0;

describe.skipIf(!canMount)(
  'external lock (read-only bind mount in a private mount namespace)',
  () => {
    it('is reported as locked (external) and never modified', () => {
      const node = process.execPath;
      const script = [
        'set -e',
        `mount --bind "${repo}" "${repo}"`,
        `mount -o remount,ro,bind "${repo}" "${repo}"`,
        `cd "${repo}"`,
        `echo "status=$("${node}" "${cli}" write-lock status)"`,
        `"${node}" "${cli}" write-lock lock; echo "lock=$?"`,
        `"${node}" "${cli}" write-lock unlock-for-push --holder orch >/dev/null 2>&1 || echo "push=$?"`,
        `"${node}" "${cli}" mount-root --path "${repo}/.git" --json`,
      ].join('\n');
      const result = sandbox.run('unshare', ['-m', 'sh', '-c', script]);
      if (result.code !== 0 && /mount/.test(result.stderr) && !/status=/.test(result.stdout)) {
        console.warn(`skipped: cannot bind-mount here: ${result.stderr}`);
        return;
      }
      expect(result.stdout).toMatch(/^status=locked \(external\)$/m);
      expect(result.stdout).toMatch(/^lock=0$/m);
      expect(result.stdout).toMatch(/^push=42$/m);
      const mount = JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))) as Record<
        string,
        unknown
      >;
      expect(mount).toMatchObject({
        mountRoot: repo,
        readOnly: true,
        writable: false,
        errno: 'EROFS',
      });
      // Outside the namespace nothing was changed: no record, no flags.
      expect(existsSync(join(repo, '.git/gitfence/writelock.json'))).toBe(false);
      if (chattrWorks)
        expect(must(sandbox.run('lsattr', ['-d', join(repo, '.git')])).stdout).not.toMatch(/^\S*i/);
      expect(wl(repo, 'status').stdout).toBe('unlocked\n');
    });
  },
);

describe.skipIf(!isRoot)('chmod mode, git run as an unprivileged user (uid 65534)', () => {
  it('every item fails while locked and works after unlock; status explains the root caveat', () => {
    const remote = sandbox.makeRepo('remote');
    must(sandbox.git(repo, 'branch', 'x'));
    // The unprivileged user must reach and own everything it touches.
    for (const dir of [sandbox.root, sandbox.home]) chmodSync(dir, 0o755);
    must(sandbox.run('chown', ['-R', '65534:65534', repo, remote]));
    chownSync(sandbox.home, 65534, 65534);
    const asUser = (dir: string, ...args: string[]): RunResult =>
      sandbox.run('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', ...args], {
        cwd: dir,
      });
    const items: Array<[string, string[]]> = [
      ['commit', ['git', 'commit', '--allow-empty', '-m', 'locked?']],
      ['branch create', ['git', 'branch', 'y']],
      ['branch delete', ['git', 'branch', '-D', 'other']],
      ['tag', ['git', 'tag', 'v1']],
      ['update-ref', ['git', 'update-ref', 'refs/heads/z', 'HEAD']],
      ['config write', ['git', 'config', 'gitfence.test', 'yes']],
      ['fetch', ['git', 'fetch', remote, 'main:refs/remotes/up/main']],
      ['gc', ['git', 'gc', '-q']],
      ['stash', ['sh', '-c', 'echo changed >> README.md && git stash']],
      ['checkout', ['git', 'checkout', '-q', 'x']],
      ['reset --hard', ['git', 'reset', '-q', '--hard', 'HEAD']],
      ['write .git/HEAD', ['sh', '-c', 'echo "ref: refs/heads/main" > .git/HEAD']],
      ['copy into .git/hooks', ['sh', '-c', 'cp README.md .git/hooks/pre-commit']],
    ];
    const locked = asUser(repo, process.execPath, cli, 'write-lock', 'lock');
    expect(locked.code, locked.stderr).toBe(0);
    expect(asUser(repo, process.execPath, cli, 'write-lock', 'status').stdout).toBe(
      'locked (chmod)\n',
    );
    // Root reads a repository owned by someone else only with safe.directory.
    const asRoot = sandbox.run(process.execPath, [cli, 'write-lock', 'status'], {
      cwd: repo,
      env: { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'safe.directory', GIT_CONFIG_VALUE_0: '*' },
    });
    expect(asRoot.stdout).toBe('locked (chmod)\n');
    expect(asRoot.stderr).toMatch(/root/);
    for (const [name, argv] of items) {
      const result = asUser(repo, ...argv);
      expect(result.code, `${name} must fail while locked`).not.toBe(0);
    }
    must(asUser(repo, process.execPath, cli, 'write-lock', 'unlock'));
    must(asUser(repo, 'git', 'checkout', '-q', '--', 'README.md'));
    for (const [name, argv] of items) {
      const result = asUser(repo, ...argv);
      expect(result.code, `${name} must work after unlock: ${result.stderr}`).toBe(0);
    }
  });
});
