/**
 * The generated sh shim, run by a real /bin/sh: which calls go straight to the real git and which
 * are delegated to the evaluator. Stand-ins for git and node print what they were asked.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAST_PATH_SUBCOMMANDS,
  MAX_SHIM_DEPTH,
  renderShimScript,
  shQuote,
} from '../../src/shim/template.js';
import { compilePolicy } from '../../src/policy/compile.js';
import {
  renderFastPath,
  renderFastPathData,
  type FastPathData,
} from '../../src/policy/fastpath.js';
import { presetLayer } from '../../src/policy/layers.js';

let root: string;
let shim: string;
let repo: string;

function exe(path: string, text: string) {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

const NO_DATA: FastPathData = {
  pass: [],
  guarded: [],
  guardedPrefixes: [],
  guardedShorts: [],
  keywords: [],
  autoScope: ['status', 'diff'],
  scopeFast: [],
  slowEnv: [],
};

/** Write the compiled fast-path script for this data into a common dir. */
function fastpath(commonDir: string, data: Partial<FastPathData>) {
  mkdirSync(join(commonDir, 'gitfence'), { recursive: true });
  writeFileSync(
    join(commonDir, 'gitfence', 'fastpath.sh'),
    renderFastPathData({ ...NO_DATA, ...data }, 'sha256:abc'),
  );
}

const pass = (...subs: string[]): Partial<FastPathData> => ({ pass: subs });

function run(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; sh?: string } = {},
) {
  const cwd = options.cwd ?? repo;
  const [file, argv] = options.sh ? [options.sh, [shim, ...args]] : [shim, args];
  const result = spawnSync(file, argv, {
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
  fastpath(join(repo, '.git'), {
    pass: ['log', 'rev-parse', 'show', 'status', 'diff'],
    keywords: ['--no-verify', 'hooksPath'],
    slowEnv: ['MY_AGENT_VAR'],
  });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the sh fast path', () => {
  it('execs the real git for a pass subcommand, from any subdirectory', () => {
    expect(run(['log', 'HEAD'])).toMatchObject({ code: 0, out: 'REAL log HEAD' });
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
    delegated(['log', '--no-verif']); // an option: its canonical form may hold a keyword
    delegated(['log', '-1']); // any option, while the policy has keywords
    delegated(['log', 'x/hooksPath/y']); // a keyword inside an operand
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

  it('delegates from a removed working directory (dash leaves PWD empty)', () => {
    const gone = join(repo, 'gone');
    mkdirSync(gone);
    const result = spawnSync(
      '/bin/dash',
      ['-c', 'cd "$1" && rmdir "$1" && exec "$2" log', 'sh', gone, shim],
      { cwd: repo, env: { PATH: '/usr/bin:/bin', PWD: repo }, encoding: 'utf8' },
    );
    expect(result.stdout).toMatch(/^DELEGATE/);
  });

  it('delegates in a repository without fast-path data, and with a damaged or older one', () => {
    const bare = join(root, 'nodata');
    mkdirSync(join(bare, '.git'), { recursive: true });
    mkdirSync(join(bare, 'sub'), { recursive: true });
    const delegates = (text: string | null, env?: Record<string, string>) => {
      if (text !== null) writeFileSync(join(bare, '.git', 'gitfence', 'fastpath.sh'), text);
      for (const cwd of [bare, join(bare, 'sub')])
        expect(run(['log'], { cwd, env }).out, `${text} ${JSON.stringify(env)}`).toMatch(
          /^DELEGATE/,
        );
    };
    delegates(null);
    mkdirSync(join(bare, '.git', 'gitfence'));
    delegates('GF_FAST=pass\n'); // no hash
    delegates("GF_POLICY_HASH='h'\nGF_FAST=maybe\n");
    // the v4 data (variables only): this shim never passes on it, whatever the environment holds
    delegates("GF_POLICY_HASH='h'\nGF_PASS_SUBCOMMANDS='log'\n", { GF_FAST: 'pass' });
    delegates("GF_PASS_SUBCOMMANDS='log'\n", { GF_FAST: 'pass', GF_POLICY_HASH: 'h' });
    rmSync(join(bare, '.git', 'gitfence', 'fastpath.sh'));
    mkdirSync(join(bare, '.git', 'gitfence', 'fastpath.sh')); // not a file
    delegates(null);
    // cut short (compile writes it atomically): the shell stops on the syntax error, git never runs
    rmSync(join(bare, '.git', 'gitfence', 'fastpath.sh'), { recursive: true });
    writeFileSync(
      join(bare, '.git', 'gitfence', 'fastpath.sh'),
      "GF_POLICY_HASH='h'\ncase $1 in log) GF_FAST=pass ;;\n",
    );
    const cut = run(['log'], { cwd: bare });
    expect(cut.code).not.toBe(0);
    expect(cut.out).toBe('');
  });

  it('passes from the top directory and from any subdirectory alike, and nowhere without data', () => {
    for (const cwd of [repo, join(repo, 'sub'), join(repo, 'sub', 'dir')]) {
      expect(run(['rev-parse', 'HEAD'], { cwd }).out).toBe('REAL rev-parse HEAD');
      expect(run(['reset', '--hard'], { cwd }).out).toMatch(/^DELEGATE/);
      expect(run(['log'], { cwd, env: { GIT_INDEX_FILE: '/x' } }).out).toMatch(/^DELEGATE/);
    }
    // a nested repository without data stops the walk: the outer repository's data never applies
    const nested = join(repo, 'sub', 'nested');
    mkdirSync(join(nested, '.git'), { recursive: true });
    for (const cwd of [nested, join(nested, '.git')])
      expect(run(['log'], { cwd }).out).toMatch(/^DELEGATE/);
    rmSync(nested, { recursive: true });
  });

  it('follows a linked worktree to its common dir through gitdir: and commondir', () => {
    const main = join(root, 'main');
    const wtGit = join(main, '.git', 'worktrees', 'wt');
    mkdirSync(wtGit, { recursive: true });
    fastpath(join(main, '.git'), pass('log'));
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
    fastpath(join(g, '.git'), {
      pass: ['rev-parse'],
      guarded: ['log', 'show'],
      guardedPrefixes: ['--o', '-o'],
    });
    expect(run(['log', '-1'], { cwd: g }).out).toBe('REAL log -1');
    expect(run(['log', '--output=/etc/x'], { cwd: g }).out).toMatch(/^DELEGATE/);
    expect(run(['show', '--outp', 'x'], { cwd: g }).out).toMatch(/^DELEGATE/);
    expect(run(['show', 'HEAD', '-o'], { cwd: g }).out).toMatch(/^DELEGATE/);
    fastpath(join(g, '.git'), { pass: ['rev-parse', 'log'], guarded: ['log'] });
    expect(run(['log', '-1'], { cwd: g }).out).toMatch(/^DELEGATE/); // no prefixes listed: never passes
    expect(run(['rev-parse'], { cwd: g }).out).toBe('REAL rev-parse');
    // guarded wins over a plain listing, and auto-scoping over both
    fastpath(join(g, '.git'), {
      pass: ['log', 'show'],
      guarded: ['log'],
      guardedPrefixes: ['--o'],
    });
    expect(run(['log', '--output=/etc/x'], { cwd: g }).out).toMatch(/^DELEGATE/);
    expect(run(['show', '--output=/etc/x'], { cwd: g }).out).toBe('REAL show --output=/etc/x');
    fastpath(join(g, '.git'), {
      pass: ['log', 'show'],
      guarded: ['log'],
      guardedPrefixes: ['--o'],
      autoScope: ['log', 'show'],
    });
    expect(run(['log', '-1'], { cwd: g }).out).toMatch(/^DELEGATE/);
    expect(run(['show'], { cwd: g }).out).toMatch(/^DELEGATE/);
  });

  it('delegates a guarded subcommand when a short bundle carries a guarded letter', () => {
    const g = join(root, 'guarded-shorts');
    mkdirSync(join(g, '.git', 'gitfence'), { recursive: true });
    fastpath(join(g, '.git'), {
      guarded: ['log', 'show'],
      guardedPrefixes: ['--ou', '-O'],
      guardedShorts: ['O'],
    });
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
    fastpath(join(other, '.git'), pass('reset', 'checkout', 'log'));
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
    fastpath(join(globby, '.git'), {
      pass: ['*', 'log', 'show'],
      keywords: ['[x]'],
      autoScope: ['s*'],
      guarded: ['show'],
      guardedPrefixes: ['-?'],
    });
    expect(run(['reset'], { cwd: globby }).out).toMatch(/^DELEGATE/);
    expect(run(['log', 'x', 'S'], { cwd: globby }).out).toBe('REAL log x S');
    expect(run(['log', 'a[x]b'], { cwd: globby }).out).toMatch(/^DELEGATE/);
    expect(run(['log', 'x[x]'], { cwd: globby }).out).toMatch(/^DELEGATE/);
    fastpath(join(globby, '.git'), {
      pass: ['*', 'log', 'show'],
      autoScope: ['s*'],
      guarded: ['show'],
      guardedPrefixes: ['-?'],
    });
    expect(run(['show', '-p'], { cwd: globby }).out).toBe('REAL show -p');
    expect(run(['show', '-?x'], { cwd: globby }).out).toMatch(/^DELEGATE/);
  });

  it('tests every word of every keyword, and the policy variables set even when empty', () => {
    const k = join(root, 'keywords');
    mkdirSync(join(k, '.git'), { recursive: true });
    fastpath(join(k, '.git'), {
      pass: ['log'],
      keywords: ['one\ntwo', 'reset --hard'],
      slowEnv: ['CI', 'MY_VAR'],
    });
    expect(run(['log', 'x'], { cwd: k }).out).toBe('REAL log x');
    for (const args of [
      ['log', 'xonex'],
      ['log', '--', 'two'],
      ['log', 'a', 'one\ntwo'],
      ['log', 'reset', 'x'], // `git log reset --hard` holds the keyword across two arguments
      ['log', 'x', '--hard'],
    ])
      expect(run(args, { cwd: k }).out, args.join(' ')).toMatch(/^DELEGATE/);
    // keywords the argument test cannot rule out: nothing passes
    for (const keywords of [[''], [' \n'], ['gi'], ['git log'], ["it's"], ['a\\b']]) {
      fastpath(join(k, '.git'), { pass: ['log'], keywords });
      expect(run(['log', 'x'], { cwd: k }).out, JSON.stringify(keywords)).toMatch(/^DELEGATE/);
    }
    fastpath(join(k, '.git'), { pass: ['log'], slowEnv: ['CI', 'MY_VAR'] });
    for (const env of [{ CI: '' }, { MY_VAR: '1' }] as Record<string, string>[])
      expect(run(['log'], { cwd: k, env }).out).toMatch(/^DELEGATE/);
    // a name the shim could not test: nothing passes
    fastpath(join(k, '.git'), { pass: ['log'], slowEnv: ['CI', 'X; exec evil'] });
    expect(run(['log'], { cwd: k }).out).toMatch(/^DELEGATE/);
  });

  it('ignores GF_FAST and its other variables from the environment', () => {
    // a valid scope file where an injected gf_scoped would point
    mkdirSync(join(repo, '.git', 'gitfence', 'scopes'), { recursive: true });
    writeFileSync(
      join(repo, '.git', 'gitfence', 'scopes', 'a.sh'),
      "GF_SCOPE_EXPIRES=99999999999\nGF_SCOPE_PATHSPECS=':(top,glob)**'\n",
    );
    const envs: Record<string, string>[] = [
      { GF_FAST: 'pass', GF_POLICY_HASH: 'h' },
      { gf_scoped: join(repo, '.git'), LLM_AGENT_NAME: 'a', GF_FAST: 'scoped' },
      { gf_fp: join(repo, '.git', 'gitfence', 'fastpath.sh'), GF_REAL_GIT: '/bin/echo' },
    ];
    for (const env of envs) {
      expect(run(['reset', '--hard'], { env }).out).toMatch(/^DELEGATE .*real-git=.*real-git -- /);
      expect(run(['status'], { env }).out).toMatch(/^DELEGATE/);
    }
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
    const wt = join(root, 'bash-wt');
    const wtGit = join(repo, '.git', 'worktrees', 'bash-wt');
    mkdirSync(wtGit, { recursive: true });
    writeFileSync(join(wtGit, 'commondir'), '../..\n');
    mkdirSync(wt, { recursive: true });
    writeFileSync(join(wt, '.git'), `gitdir: ${wtGit}\n`);
    for (const sh of ['/bin/sh', '/bin/dash', '/bin/bash']) {
      for (const cwd of [repo, join(repo, 'sub', 'dir'), wt]) {
        expect(run(['log'], { sh, cwd }).out, `${sh} ${cwd}`).toBe('REAL log');
        expect(run(['log', 'hooksPath'], { sh, cwd }).out).toMatch(/^DELEGATE/); // keyword
        expect(run(['log'], { sh, cwd, env: { MY_AGENT_VAR: '' } }).out).toMatch(/^DELEGATE/);
        expect(run(['reset'], { sh, cwd }).out).toMatch(/^DELEGATE/);
      }
      for (let depth = 0; depth < MAX_SHIM_DEPTH; depth++) {
        const env = { GITFENCE_SHIM_DEPTH: String(depth) };
        expect(run(['log'], { sh, env }).out, `${sh} ${depth}`).toBe('REAL log');
      }
      const deep = { GITFENCE_SHIM_DEPTH: String(MAX_SHIM_DEPTH) };
      expect(run(['log'], { sh, env: deep }).code).toBe(1);
      expect(run(['log'], { sh, env: { GITFENCE_SHIM_DEPTH: '-1' } }).out).toMatch(/^DELEGATE/);
    }
  });

  it('guards exactly the arguments the per-argument rule names, under dash and bash', () => {
    // the rule: an argument starting with a prefix, or a single-dash one holding a short letter
    const sends = (data: Partial<FastPathData>, arg: string) =>
      (data.guardedPrefixes ?? []).some((p) => arg.startsWith(p)) ||
      (arg.startsWith('-') &&
        !arg.startsWith('--') &&
        (data.guardedShorts ?? []).some((letter) => arg.indexOf(letter, 1) >= 0));
    const g = join(root, 'guard-rule');
    mkdirSync(join(g, '.git'), { recursive: true });
    const args = ['-1', '-O', '-Ox', '-pO', '-p-O', '--O', '--oneline', '--output', '--ou', '--or']
      .concat(['--o', '-o', 'O', 'xO', '-', '--', '-p', '-Op', '--orderfile=x', 'HEAD:Obj', '-X'])
      .concat(['-sXO', '-[O]', '--out=x', '-xo', 'a b -O', '-*O'], ['*', '-[!-]O']);
    for (const data of [
      { guardedPrefixes: ['--or', '--ou', '-O'], guardedShorts: ['O'] },
      { guardedPrefixes: ['--out', '-X'], guardedShorts: ['O', 'X'] },
      { guardedPrefixes: ['-*'], guardedShorts: [] },
    ]) {
      fastpath(join(g, '.git'), { guarded: ['log'], ...data });
      for (const sh of ['/bin/dash', '/bin/bash'])
        for (const arg of args) {
          const out = run(['log', arg], { cwd: g, sh }).out;
          const what = `${sh} ${JSON.stringify(data)} ${arg}`;
          if (sends(data, arg)) expect(out, what).toMatch(/^DELEGATE/);
          else expect(out, what).toBe(`REAL log ${arg}`);
        }
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
