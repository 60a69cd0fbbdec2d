/**
 * The generated sh shim, run by a real /bin/sh: which calls go straight to the real git and which
 * are delegated to the evaluator. Stand-ins for git and node print what they were asked.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_PATH_SUBCOMMANDS, renderShimScript, shQuote } from '../../src/shim/template.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { renderFastPath } from '../../src/policy/fastpath.js';
import { presetLayer } from '../../src/policy/layers.js';

let root: string;
let shim: string;
let repo: string;

function exe(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

function fastpath(
  commonDir: string,
  pass: string,
  keywords = '',
  autoscope = 'status diff',
  slowEnv = 'MY_AGENT_VAR',
) {
  mkdirSync(join(commonDir, 'gitfence'), { recursive: true });
  writeFileSync(
    join(commonDir, 'gitfence', 'fastpath.sh'),
    `GF_POLICY_HASH='sha256:abc'\nGF_PASS_SUBCOMMANDS='${pass}'\nGF_DENY_KEYWORDS='${keywords}'\nGF_AUTOSCOPE='${autoscope}'\nGF_SLOW_ENV='${slowEnv}'\n`,
  );
}

function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const cwd = options.cwd ?? repo;
  const result = spawnSync(shim, args, {
    cwd,
    env: { PATH: '/usr/bin:/bin', PWD: cwd, ...options.env },
    encoding: 'utf8',
  });
  return { code: result.status, out: result.stdout.trim(), err: result.stderr };
}

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-shim-template-')));
  exe(join(root, 'real-git'), '#!/bin/sh\necho "REAL $*"\n');
  exe(join(root, 'node'), '#!/bin/sh\nshift\necho "DELEGATE $*"\n');
  mkdirSync(join(root, 'bin'));
  shim = join(root, 'bin', 'git');
  exe(
    shim,
    renderShimScript({
      realGit: join(root, 'real-git'),
      node: join(root, 'node'),
      cli: join(root, "cli's entry.js"),
      execShadow: join(root, 'shadow'),
    }),
  );
  repo = join(root, 'repo');
  mkdirSync(join(repo, '.git'), { recursive: true });
  mkdirSync(join(repo, 'sub', 'dir'), { recursive: true });
  fastpath(join(repo, '.git'), 'log rev-parse show status diff', '--no-verify\nhooksPath');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the sh fast path', () => {
  it('execs the real git for a pass subcommand, from any subdirectory', () => {
    expect(run(['log', '-1'])).toMatchObject({ code: 0, out: 'REAL log -1' });
    expect(run(['rev-parse', 'HEAD'], { cwd: join(repo, 'sub', 'dir') }).out).toBe(
      'REAL rev-parse HEAD',
    );
  });

  it('delegates everything it is unsure about', () => {
    const delegated = (args: string[], env?: Record<string, string>, cwd?: string) =>
      expect(run(args, { env, cwd }).out).toMatch(/^DELEGATE shim exec --real-git=.* --( |$)/);
    delegated(['reset', '--hard']); // not a pass subcommand
    delegated(['nuke']); // unknown: may be an alias
    delegated(['-C', '/tmp', 'log']); // global option
    delegated(['-c', 'alias.log=reset --hard', 'log']);
    delegated(['--git-dir=/x', 'log']);
    delegated(['status']); // auto-scoped
    delegated(['log', '--no-verify']); // deny keyword
    delegated(['log', '-c', 'core.hooksPath=/dev/null']);
    delegated(['log'], { GIT_DIR: '/elsewhere' });
    delegated(['log'], { GIT_WORK_TREE: '/elsewhere' });
    delegated(['log'], { GIT_CONFIG_COUNT: '1' });
    delegated(['log'], { GIT_CONFIG_PARAMETERS: "'alias.log'='reset'" });
    delegated(['log'], { GIT_EXEC_PATH: '/x' });
    delegated(['log'], { HUSKY: '0' });
    delegated(['log'], { MY_AGENT_VAR: '' }); // GF_SLOW_ENV: set, even empty
    delegated([]);
    delegated(['log'], {}, root); // no repository
  });

  it('passes the argv through to the evaluator untouched', () => {
    expect(run(['reset', '--hard', 'a b', "it's", '*']).out).toBe(
      'DELEGATE shim exec --real-git=' + join(root, 'real-git') + " -- reset --hard a b it's *",
    );
  });

  it('delegates when PWD lies about the working directory', () => {
    const result = spawnSync(shim, ['log'], {
      cwd: root,
      env: { PATH: '/usr/bin:/bin', PWD: repo },
      encoding: 'utf8',
    });
    expect(result.stdout).toMatch(/^DELEGATE/);
  });

  it('delegates in a repository without fast-path data, and with a damaged one', () => {
    const bare = join(root, 'nodata');
    mkdirSync(join(bare, '.git'), { recursive: true });
    expect(run(['log'], { cwd: bare }).out).toMatch(/^DELEGATE/);
    mkdirSync(join(bare, '.git', 'gitfence'));
    writeFileSync(join(bare, '.git', 'gitfence', 'fastpath.sh'), "GF_PASS_SUBCOMMANDS='log'\n"); // no hash
    expect(run(['log'], { cwd: bare }).out).toMatch(/^DELEGATE/);
  });

  it('follows a linked worktree to its common dir through gitdir: and commondir', () => {
    const main = join(root, 'main');
    const wtGit = join(main, '.git', 'worktrees', 'wt');
    mkdirSync(wtGit, { recursive: true });
    fastpath(join(main, '.git'), 'log');
    writeFileSync(join(wtGit, 'commondir'), '../..\n');
    const wt = join(root, 'wt');
    mkdirSync(wt);
    writeFileSync(join(wt, '.git'), `gitdir: ${wtGit}\n`);
    expect(run(['log'], { cwd: wt }).out).toBe('REAL log');
    writeFileSync(join(wt, '.git'), 'garbage\n');
    expect(run(['log'], { cwd: wt }).out).toMatch(/^DELEGATE/);
  });

  it('passes a guarded subcommand unless an argument starts with a guarded prefix', () => {
    const g = join(root, 'guarded');
    mkdirSync(join(g, '.git', 'gitfence'), { recursive: true });
    writeFileSync(
      join(g, '.git', 'gitfence', 'fastpath.sh'),
      "GF_POLICY_HASH='h'\nGF_PASS_SUBCOMMANDS='rev-parse'\nGF_PASS_GUARDED='log show'\nGF_GUARDED_PREFIXES='--o -o'\n",
    );
    expect(run(['log', '-1'], { cwd: g }).out).toBe('REAL log -1');
    expect(run(['log', '--output=/etc/x'], { cwd: g }).out).toMatch(/^DELEGATE/);
    expect(run(['show', '--outp', 'x'], { cwd: g }).out).toMatch(/^DELEGATE/);
    writeFileSync(
      join(g, '.git', 'gitfence', 'fastpath.sh'),
      "GF_POLICY_HASH='h'\nGF_PASS_SUBCOMMANDS='rev-parse'\nGF_PASS_GUARDED='log'\n",
    );
    expect(run(['log', '-1'], { cwd: g }).out).toMatch(/^DELEGATE/); // no prefixes listed: never passes
  });

  it('delegates a guarded subcommand when a short bundle carries a guarded letter', () => {
    const g = join(root, 'guarded-shorts');
    mkdirSync(join(g, '.git', 'gitfence'), { recursive: true });
    writeFileSync(
      join(g, '.git', 'gitfence', 'fastpath.sh'),
      "GF_POLICY_HASH='h'\nGF_PASS_SUBCOMMANDS=''\nGF_PASS_GUARDED='log show'\nGF_GUARDED_PREFIXES='--ou -O'\nGF_GUARDED_SHORTS='O'\n",
    );
    // an empty plain list does not stop guarded passes
    expect(run(['log', '-1', '-p', '--oneline'], { cwd: g }).out).toBe('REAL log -1 -p --oneline');
    expect(run(['show', 'HEAD:Obj'], { cwd: g }).out).toBe('REAL show HEAD:Obj');
    for (const args of [
      ['log', '-pO/etc/order'],
      ['log', '-sO', '/etc/order'],
      ['log', '-O/etc/order'],
      ['show', '--output', '/tmp/x'],
    ])
      expect(run(args, { cwd: g }).out).toMatch(/^DELEGATE/);
    expect(run(['rev-parse', 'HEAD'], { cwd: g }).out).toMatch(/^DELEGATE/); // in neither list
  });

  it('takes the data `gitfence compile` writes for opsGitSafety: log and show guarded', () => {
    const g = join(root, 'compiled');
    mkdirSync(join(g, '.git', 'gitfence'), { recursive: true });
    const policy = compilePolicy([presetLayer('opsGitSafety')]);
    writeFileSync(join(g, '.git', 'gitfence', 'fastpath.sh'), renderFastPath(policy, 'sha256:x'));
    const at = (args: string[]) => run(args, { cwd: g }).out;
    for (const args of [
      ['log', '-1'],
      ['log', '--oneline', '-5'],
      ['show', 'HEAD'],
      ['log', '-p', '--stat', '--format=%H %s', '--', 'src'],
      ['rev-parse', 'HEAD'],
    ])
      expect(at(args)).toBe(`REAL ${args.join(' ')}`);
    for (const args of [
      ['log', '--output=/tmp/x'],
      ['log', '--outp=/tmp/x'],
      ['log', '--output', '/tmp/x'],
      ['show', '--ou=x'],
      ['log', '--orderfile=/etc/o'],
      ['log', '-pO/etc/o'],
      ['diff'],
      ['status'],
      ['reset', '--hard'],
    ])
      expect(at(args)).toMatch(/^DELEGATE/);
  });

  it('delegates to the dedicated entry while it exists, else to `gitfence shim exec`', () => {
    const direct = join(root, 'bin', 'direct-git');
    const entry = join(root, 'shim-exec.cjs');
    exe(
      direct,
      renderShimScript({
        realGit: join(root, 'real-git'),
        node: join(root, 'node'),
        cli: '/x/gitfence.js',
        entry,
        execShadow: '/x',
      }),
    );
    const call = () =>
      spawnSync(direct, ['reset'], {
        cwd: repo,
        env: { PATH: '/usr/bin:/bin', PWD: repo },
        encoding: 'utf8',
      }).stdout.trim();
    expect(call()).toBe(`DELEGATE shim exec --real-git=${join(root, 'real-git')} -- reset`);
    writeFileSync(entry, '');
    expect(call()).toBe(`DELEGATE --real-git=${join(root, 'real-git')} -- reset`);
  });

  it('delegates a subcommand outside FAST_PATH_SUBCOMMANDS before reading fastpath.sh, even if listed there', () => {
    const other = join(root, 'other-repo');
    mkdirSync(join(other, '.git'), { recursive: true });
    fastpath(join(other, '.git'), 'reset checkout log');
    expect(run(['reset', '--hard'], { cwd: other }).out).toMatch(/^DELEGATE .* -- reset --hard$/);
    expect(run(['checkout', '.'], { cwd: other }).out).toMatch(/^DELEGATE .* -- checkout \.$/);
    expect(run(['log'], { cwd: other }).out).toBe('REAL log');
    // outside any repository the early delegate still answers first
    expect(run(['reset'], { cwd: root }).out).toMatch(/^DELEGATE .* -- reset$/);
    for (const sub of FAST_PATH_SUBCOMMANDS) expect(sub).toMatch(/^[a-z][a-z-]*$/);
  });

  it('never treats a list entry as a glob pattern', () => {
    const globby = join(root, 'globby');
    mkdirSync(join(globby, '.git'), { recursive: true });
    fastpath(join(globby, '.git'), '* log');
    expect(run(['reset'], { cwd: globby }).out).toMatch(/^DELEGATE/);
  });

  it('answers --exec-path with the shadow directory when it exists', () => {
    expect(run(['--exec-path']).out).toMatch(/^DELEGATE/);
    mkdirSync(join(root, 'shadow'));
    expect(run(['--exec-path']).out).toBe(join(root, 'shadow'));
  });

  it('refuses to run when the real git is the shim itself (recursion guard)', () => {
    const loop = join(root, 'bin', 'loop-git');
    exe(
      loop,
      renderShimScript({ realGit: loop, node: '/nonexistent', cli: '/x', execShadow: '/x' }),
    );
    const result = spawnSync(loop, ['log'], {
      cwd: repo,
      env: { PATH: '/usr/bin:/bin', PWD: repo },
      encoding: 'utf8',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/shim-recursion/);
    const deep = run(['log'], { env: { GITFENCE_SHIM_DEPTH: '99' } });
    expect(deep.code).toBe(1);
  });

  it('runs under dash and bash alike', () => {
    for (const sh of ['/bin/sh', '/bin/bash']) {
      const result = spawnSync(sh, [shim, 'log'], {
        cwd: repo,
        env: { PATH: '/usr/bin:/bin', PWD: repo },
        encoding: 'utf8',
      });
      expect(result.stdout.trim()).toBe('REAL log');
    }
  });
});

describe('shQuote', () => {
  it('round-trips through sh', () => {
    for (const value of ['plain', "it's", 'a"b', '$(x) `y` \\ *']) {
      const result = spawnSync('/bin/sh', ['-c', `printf %s ${shQuote(value)}`], {
        encoding: 'utf8',
      });
      expect(result.stdout).toBe(value);
    }
  });
});
