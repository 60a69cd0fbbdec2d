/** Resolving the real git (never the shim), profile snippets, install/uninstall leaving nothing behind. */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIM_DOCTOR_CHECK } from '../../src/shim/doctor.js';
import { installShim, uninstallShim } from '../../src/shim/install.js';
import {
  BLOCK_BEGIN,
  removeProfileBlock,
  renderProfileBlock,
  upsertProfileBlock,
} from '../../src/shim/profile.js';
import { listGitsOnPath, resolveRealGit, SHIM_MARKER } from '../../src/shim/resolve-git.js';
import { createGitRunner } from '../../src/util/git-runner.js';

let root: string;
const realGit = realpathSync('/usr/bin/git');

beforeAll(() => {
  root = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-shim-install-')));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('resolveRealGit', () => {
  it('skips the shim dir and any shim, and follows symlinks', () => {
    const shimDir = join(root, 'shimdir');
    const other = join(root, 'other');
    const linkDir = join(root, 'links');
    for (const d of [shimDir, other, linkDir]) mkdirSync(d, { recursive: true });
    writeFileSync(join(shimDir, 'git'), `#!/bin/sh\n${SHIM_MARKER} v1\n`, { mode: 0o755 });
    writeFileSync(join(other, 'git'), `#!/bin/sh\n${SHIM_MARKER} v1 (a copy elsewhere)\n`, {
      mode: 0o755,
    });
    symlinkSync('/usr/bin/git', join(linkDir, 'git'));
    const PATH = [shimDir, other, linkDir, '/usr/bin'].join(':');
    expect(resolveRealGit({ env: { PATH }, shimDir })).toBe(realGit);
    expect(listGitsOnPath(PATH).map((g) => g.shim)).toEqual([true, true, false, false]);
  });

  it('refuses GITFENCE_REAL_GIT pointing at the shim, directly or through a symlink', () => {
    const shimDir = join(root, 'shimdir');
    const link = join(root, 'sneaky-git');
    symlinkSync(join(shimDir, 'git'), link);
    for (const value of [join(shimDir, 'git'), link]) {
      expect(() =>
        resolveRealGit({ env: { PATH: '/usr/bin', GITFENCE_REAL_GIT: value }, shimDir }),
      ).toThrow(/points at the gitfence shim/);
    }
    expect(resolveRealGit({ env: { PATH: '', GITFENCE_REAL_GIT: '/usr/bin/git' }, shimDir })).toBe(
      realGit,
    );
  });

  it('says what it searched when there is no git', () => {
    expect(() =>
      resolveRealGit({ env: { PATH: join(root, 'shimdir') }, shimDir: join(root, 'shimdir') }),
    ).toThrow(/no real git found on PATH/);
  });
});

describe('profile blocks', () => {
  const block = renderProfileBlock('sh', "/home/u/it's/bin", ['LLM_AGENT_NAME', 'CLAUDECODE']);

  it('upserts idempotently and removes exactly what it added', () => {
    const original = 'export FOO=1\n';
    const once = upsertProfileBlock(original, block);
    expect(upsertProfileBlock(once, block)).toBe(once);
    expect(once.split(BLOCK_BEGIN).length).toBe(2);
    expect(removeProfileBlock(once)).toBe(original);
    expect(removeProfileBlock(upsertProfileBlock('', block))).toBe('');
  });

  it('puts the shim first only when an agent marker is set (real sh)', () => {
    const check = (env: Record<string, string>) =>
      spawnSync('/bin/sh', ['-c', `${block}\nprintf %s "$PATH"`], {
        env: { PATH: '/usr/bin', ...env },
        encoding: 'utf8',
      }).stdout;
    expect(check({})).toBe('/usr/bin');
    expect(check({ CLAUDECODE: '1' })).toBe("/home/u/it's/bin:/usr/bin");
    expect(check({ LLM_AGENT_NAME: 'a', PATH: "/home/u/it's/bin:/usr/bin" })).toBe(
      "/home/u/it's/bin:/usr/bin",
    );
  });

  it('renders fish syntax', () => {
    const fish = renderProfileBlock('fish', '/x/bin', ['LLM_AGENT_NAME', 'GEMINI_CLI']);
    expect(fish).toContain('if set -q LLM_AGENT_NAME; or set -q GEMINI_CLI');
    expect(fish).toContain("set -gx PATH '/x/bin' $PATH");
  });
});

describe('install and uninstall', () => {
  it('writes the shim, wrappers and profile snippets, and uninstall leaves HOME as it was', async () => {
    const home = join(root, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.bashrc'), '# mine\nalias ll="ls -l"\n');
    const before = readFileSync(join(home, '.bashrc'), 'utf8');
    const shimDir = join(root, 'gfhome', 'bin');
    const input = {
      shimDir,
      realGit,
      node: process.execPath,
      cli: '/opt/gitfence/bin/gitfence.js',
      git: createGitRunner(realGit, { PATH: '/usr/bin:/bin' }),
      now: 0,
      profileHome: home,
      agentMarkers: ['LLM_AGENT_NAME', 'CLAUDECODE'],
    };
    const manifest = await installShim(input);
    await installShim(input); // idempotent
    expect(readFileSync(join(shimDir, 'git'), 'utf8')).toContain(SHIM_MARKER);
    expect(existsSync(join(shimDir, 'git-reset'))).toBe(true);
    expect(existsSync(join(shimDir, '.exec-path', 'git-reset'))).toBe(true);
    expect(existsSync(join(shimDir, '.exec-path', 'git-sh-setup'))).toBe(true);
    expect(manifest.profile.map((p) => p.file)).toEqual(
      expect.arrayContaining([
        '.bashrc',
        '.zshenv',
        '.zprofile',
        '.config/fish/conf.d/gitfence.fish',
      ]),
    );
    expect(readFileSync(join(home, '.bashrc'), 'utf8').split(BLOCK_BEGIN).length).toBe(2);

    uninstallShim(shimDir, home);
    expect(existsSync(shimDir)).toBe(false);
    expect(readFileSync(join(home, '.bashrc'), 'utf8')).toBe(before);
    expect(readdirSync(home).sort()).toEqual(['.bashrc', '.config']);
    expect(readdirSync(join(home, '.config', 'fish', 'conf.d'))).toEqual([]);
  });

  it('never overwrites a git it did not write', async () => {
    const dir = join(root, 'foreign');
    mkdirSync(dir);
    writeFileSync(join(dir, 'git'), '#!/bin/sh\necho real\n');
    chmodSync(join(dir, 'git'), 0o755);
    await expect(
      installShim({
        shimDir: dir,
        realGit,
        node: process.execPath,
        cli: '/x',
        git: createGitRunner(realGit),
        now: 0,
        profileHome: null,
        agentMarkers: [],
      }),
    ).rejects.toThrow(/refusing to overwrite/);
    expect(readFileSync(join(dir, 'git'), 'utf8')).toContain('echo real');
  });
});

describe('doctor', () => {
  const run = (gitfenceHome: string, PATH: string) =>
    SHIM_DOCTOR_CHECK.run({
      cwd: root,
      env: { PATH, LLM_AGENT_NAME: 'a1' },
      home: join(root, 'doctor-home'),
      gitfenceHome,
      repo: null,
      git: createGitRunner(realGit),
      now: () => 0,
    }) as Awaited<ReturnType<typeof SHIM_DOCTOR_CHECK.run>>;

  it('reports an agent session without the shim first on PATH once, installed or not', async () => {
    const gitfenceHome = join(root, 'doctor-gfhome');
    const shimDir = join(gitfenceHome, 'bin');
    const agentLines = (lines: Awaited<ReturnType<typeof run>>) =>
      lines.filter((l) => l.status === 'fail' && /agent session/.test(l.message));
    expect(agentLines(await run(gitfenceHome, '/usr/bin:/bin'))).toHaveLength(1);
    await installShim({
      shimDir,
      realGit,
      node: process.execPath,
      cli: '/x',
      git: createGitRunner(realGit, { PATH: '/usr/bin:/bin' }),
      now: 0,
      profileHome: null,
      agentMarkers: ['LLM_AGENT_NAME'],
    });
    expect(agentLines(await run(gitfenceHome, `/usr/bin:${shimDir}`))).toHaveLength(1);
    expect(agentLines(await run(gitfenceHome, `${shimDir}:/usr/bin`))).toHaveLength(0);
  });
});
