/**
 * `gitfence init` end to end (issue 7): real husky, existing husky setups and plain hooks chained,
 * idempotence, linked worktrees, package.json, commit-stage checks, and hook bypass at the shim.
 */
import { existsSync, readFileSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRealGitRunner } from '../../src/facts/real-git.js';
import { inspectGitHooks } from '../../src/install/git-hooks.js';
import { createSandbox, must, PROJECT_ROOT, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeAll(() => {
  sb = createSandbox();
});
afterAll(() => sb.cleanup());

function withRemote(repo: string, name: string): string {
  const remote = join(sb.root, `${name}-remote.git`);
  must(sb.git(sb.root, 'init', '-q', '--bare', remote));
  must(sb.git(repo, 'remote', 'add', 'origin', remote));
  // Real git as a human: the remote starts with main, whatever the hooks say.
  must(sb.git(repo, 'push', '-q', '--no-verify', 'origin', 'main'));
  return remote;
}

function commit(repo: string, file: string, content: string) {
  sb.write(join(repo, file), content);
  must(sb.git(repo, 'add', file));
  return sb.git(repo, 'commit', '-q', '-m', `edit ${file}`);
}

describe('gitfence init in a plain repository (no package.json, no node_modules)', () => {
  let repo: string;
  let first: string;
  beforeAll(() => {
    repo = sb.makeRepo('plain');
    first = must(sb.gitfence(repo, ['init'])).stdout;
  });

  it('writes the policy, installs husky with an absolute hooksPath, and compiles', () => {
    expect(first).toContain('extends opsGitSafety');
    expect(readFileSync(join(repo, 'gitfence.policy.ts'), 'utf8')).toContain(
      'extends: [presets.opsGitSafety]',
    );
    expect(sb.git(repo, 'config', 'core.hooksPath').stdout.trim()).toBe(join(repo, '.husky/_'));
    expect(existsSync(join(repo, '.husky/_/h'))).toBe(true);
    for (const hook of ['pre-push', 'pre-commit']) {
      const script = readFileSync(join(repo, '.husky', hook), 'utf8');
      expect(script).toContain(`gitfence_run hook ${hook}`);
      expect(script).toContain(join(PROJECT_ROOT, 'bin/gitfence.js'));
      expect(statSync(join(repo, '.husky', hook)).mode & 0o111).not.toBe(0);
    }
    expect(existsSync(join(repo, '.git/gitfence/policy.json'))).toBe(true);
    expect(existsSync(join(repo, 'package.json'))).toBe(false);
  });

  it('is idempotent: a second run changes nothing and duplicates nothing', () => {
    const before = readFileSync(join(repo, '.husky/pre-push'), 'utf8');
    const second = must(sb.gitfence(repo, ['init', '--preset', 'precise'])).stdout;
    expect(second).toContain('kept');
    expect(second).not.toContain('updated');
    expect(readFileSync(join(repo, '.husky/pre-push'), 'utf8')).toBe(before);
    expect(before.split('>>> gitfence >>>').length).toBe(2);
    // --preset never overwrites an existing policy file.
    expect(readFileSync(join(repo, 'gitfence.policy.ts'), 'utf8')).toContain('opsGitSafety');
  });

  it('a commit runs the pre-commit hook: a human commit passes, an agent without a lease is refused', () => {
    sb.write(join(repo, 'agent.txt'), 'agent work\n');
    must(sb.git(repo, 'add', 'agent.txt'));
    // Real git (no shim): only the hook stands between the agent and the commit.
    const agent = sb.run('git', ['commit', '-q', '-m', 'agent'], {
      cwd: repo,
      env: { LLM_AGENT_NAME: 'agent-x' },
    });
    expect(agent.code).not.toBe(0);
    expect(agent.stderr).toContain('gitfence: denied');
    const result = sb.git(repo, 'commit', '-q', '-m', 'human');
    expect(result.code, result.stderr).toBe(0);
  });

  it('fails closed when gitfence cannot be found', () => {
    const remote = withRemote(repo, 'plain');
    must(sb.git(repo, 'checkout', '-q', '-b', 'lost'));
    commit(repo, 'y.txt', 'y\n');
    const script = join(repo, '.husky/pre-push');
    const original = readFileSync(script, 'utf8');
    writeFileSync(
      script,
      original.replace(/gitfence_cli='[^']*'/, "gitfence_cli='/nonexistent/gitfence.js'"),
    );
    try {
      // PATH without node_modules/.bin or npx: nothing to fall back to.
      const result = sb.run('git', ['push', 'origin', 'lost'], {
        cwd: repo,
        env: { PATH: '/usr/bin:/bin' },
      });
      expect(result.code).not.toBe(0);
      expect(sb.git(remote, 'rev-parse', '-q', '--verify', 'lost').stdout).toBe('');
    } finally {
      writeFileSync(script, original);
    }
  });
});

/** Drive `gitfence init` through a real pseudo-terminal: answer the prompt with `answer`. */
const PTY_DRIVER = `
import os, pty, sys, time, select
answer = sys.argv[1].encode()
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out = b''
sent = False
deadline = time.time() + 30
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.2)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
        if not sent and b'default 1]: ' in out:
            os.write(fd, answer + b'\\r')
            sent = True
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(status))
`;

describe('init on a terminal', () => {
  it('asks for the preset and writes the one chosen', () => {
    const repo = sb.makeRepo('tty');
    const result = sb.run(
      'python3',
      [
        '-c',
        PTY_DRIVER,
        'precise',
        process.execPath,
        join(PROJECT_ROOT, 'bin/gitfence.js'),
        'init',
      ],
      { cwd: repo },
    );
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain('Which preset should this repository extend?');
    expect(result.stdout).toContain('extends precise');
    expect(readFileSync(join(repo, 'gitfence.policy.ts'), 'utf8')).toContain(
      'extends: [presets.precise]',
    );
  });
});

describe('init keeps what was there', () => {
  it('keeps an existing husky setup: its own script lines still run, after gitfence', () => {
    const repo = sb.makeRepo('husky-existing', {
      'README.md': 'hi\n',
      'package.json': '{\n  "name": "demo",\n  "scripts": {\n    "test": "true"\n  }\n}\n',
    });
    // The project already uses husky 9, with its own pre-commit.
    must(
      sb.run(process.execPath, [join(PROJECT_ROOT, 'node_modules/husky/bin.js')], { cwd: repo }),
    );
    mkdirSync(join(repo, '.husky'), { recursive: true });
    writeFileSync(
      join(repo, '.husky/pre-commit'),
      'echo husky-own >> "$(git rev-parse --git-dir)/ran"\n',
    );
    // And a plain hook core.hooksPath would shadow… but husky already did: it is not chained.
    writeFileSync(join(repo, '.git/hooks/pre-push'), '#!/bin/sh\nexit 1\n');
    chmodSync(join(repo, '.git/hooks/pre-push'), 0o755);

    const out = must(sb.gitfence(repo, ['init', '--yes'])).stdout;
    expect(out).toContain('prepare');
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).scripts).toEqual({
      test: 'true',
      prepare: 'husky',
    });
    const preCommit = readFileSync(join(repo, '.husky/pre-commit'), 'utf8');
    expect(preCommit).toContain('gitfence_run hook pre-commit');
    expect(preCommit.trimEnd().endsWith('echo husky-own >> "$(git rev-parse --git-dir)/ran"')).toBe(
      true,
    );
    expect(commit(repo, 'a.txt', 'a\n').code).toBe(0);
    expect(readFileSync(join(repo, '.git/ran'), 'utf8')).toBe('husky-own\n');
    // Husky's own run was the active setup: the shadowed .git/hooks/pre-push was not running before.
    expect(out).not.toContain('chained');
  });

  it('chains plain .git/hooks scripts that core.hooksPath would shadow, with the same stdin', () => {
    const repo = sb.makeRepo('legacy');
    const remote = withRemote(repo, 'legacy');
    const hooks = join(repo, '.git/hooks');
    writeFileSync(
      join(hooks, 'pre-push'),
      '#!/bin/sh\ncat > "$(git rev-parse --git-dir)/pushed"\n',
    );
    writeFileSync(
      join(hooks, 'commit-msg'),
      '#!/bin/sh\ngrep -q "^edit" "$1" || { echo "bad message" >&2; exit 1; }\n',
    );
    chmodSync(join(hooks, 'pre-push'), 0o755);
    chmodSync(join(hooks, 'commit-msg'), 0o755);
    const out = must(sb.gitfence(repo, ['init', '--yes'])).stdout;
    expect(out).toContain(`chained ${join(hooks, 'pre-push')}`);
    expect(out).toContain(`chained ${join(hooks, 'commit-msg')}`);

    // commit-msg still runs: a bad message is refused by the old hook.
    sb.write(join(repo, 'b.txt'), 'b\n');
    must(sb.git(repo, 'add', 'b.txt'));
    const bad = sb.git(repo, 'commit', '-q', '-m', 'whatever');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('bad message');
    expect(sb.git(repo, 'commit', '-q', '-m', 'edit b').code).toBe(0);

    must(sb.git(repo, 'checkout', '-q', '-b', 'feature'));
    const pushed = sb.git(repo, 'push', 'origin', 'feature');
    expect(pushed.code, pushed.stderr).toBe(0);
    const tip = sb.git(repo, 'rev-parse', 'HEAD').stdout.trim();
    expect(readFileSync(join(repo, '.git/pushed'), 'utf8')).toBe(
      `refs/heads/feature ${tip} refs/heads/feature ${'0'.repeat(40)}\n`,
    );
    // Still chained after a second init (the old hooks path is remembered).
    expect(must(sb.gitfence(repo, ['init'])).stdout).toContain('chained');
    expect(sb.git(remote, 'rev-parse', 'feature').stdout.trim()).toBe(tip);
  });
});

describe('linked worktrees', () => {
  it('a fresh linked worktree has no .husky/_ yet the hooks run there', () => {
    const repo = sb.makeRepo('wt-main');
    const remote = withRemote(repo, 'wt');
    must(sb.gitfence(repo, ['init', '--yes']));
    const wt = join(sb.root, 'wt-linked');
    must(sb.git(repo, 'worktree', 'add', '-q', '-b', 'wt-branch', wt));
    // husky's runtime is git-ignored: a linked worktree never gets one.
    expect(existsSync(join(wt, '.husky/_'))).toBe(false);
    commit(wt, 'w.txt', 'from the worktree\n');
    const refused = sb.git(wt, 'push', 'origin', 'HEAD:main');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('gitfence: denied push/protected-branch');
    const ok = sb.git(wt, 'push', 'origin', 'wt-branch');
    expect(ok.code, ok.stderr).toBe(0);
    expect(sb.git(remote, 'rev-parse', 'wt-branch').code).toBe(0);
  });

  it('inspectGitHooks tells when a relative hooks path (husky run again by `prepare`) leaves a worktree bare', async () => {
    const repo = sb.makeRepo('wt-inspect');
    must(sb.gitfence(repo, ['init', '--yes']));
    const wt = join(sb.root, 'wt-inspect-linked');
    must(sb.git(repo, 'worktree', 'add', '-q', '-b', 'inspect', wt));
    const git = createRealGitRunner(sb.env, sb.home, 'repository-at-cwd');
    expect(await inspectGitHooks(wt, git)).toEqual([]);
    // What `npm install` does through the prepare script: husky sets the relative path again.
    must(sb.git(repo, 'config', 'core.hooksPath', '.husky/_'));
    expect(await inspectGitHooks(repo, git)).toEqual([]);
    const problems = await inspectGitHooks(wt, git);
    expect(problems.join('\n')).toContain(`${join(wt, '.husky/_/pre-push')} is missing`);
    // Running init again repairs it.
    must(sb.gitfence(repo, ['init']));
    expect(await inspectGitHooks(wt, git)).toEqual([]);
  });
});

describe('commit-stage custom checks', () => {
  it('an error check blocks the commit, a warn check prints', () => {
    const repo = sb.makeRepo('commit-checks');
    writeFileSync(
      join(repo, 'gitfence.policy.ts'),
      `import { definePolicy, presets } from 'gitfence';
export default definePolicy({
  extends: [presets.opsGitSafety],
  commit: {
    checks: [
      { id: 'no-debugger', stage: 'commit', run: (ctx) => ctx.addedLines.some((l) => l.line.includes('debugger')) ? 'debugger statement in ' + ctx.files.map((f) => f.path).join(',') : undefined },
      { id: 'small-commits', stage: 'commit', severity: 'warn', run: (ctx) => ctx.files.length > 1 ? 'more than one file' : [] },
    ],
  },
});
`,
    );
    must(sb.gitfence(repo, ['init', '--yes']));
    sb.write(join(repo, 'a.js'), 'debugger;\n');
    must(sb.git(repo, 'add', 'a.js'));
    const refused = sb.git(repo, 'commit', '-q', '-m', 'dbg');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('check/no-debugger');
    expect(refused.stderr).toContain('debugger statement in a.js');
    sb.write(join(repo, 'a.js'), 'ok;\n');
    sb.write(join(repo, 'b.js'), 'ok;\n');
    must(sb.git(repo, 'add', 'a.js', 'b.js'));
    const warned = sb.git(repo, 'commit', '-q', '-m', 'two files');
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toContain('check/small-commits: more than one file');
  });
});

describe('hook bypass is blocked at the shim', () => {
  let repo: string;
  let agentEnv: Record<string, string | undefined>;
  beforeAll(() => {
    repo = sb.makeRepo('bypass');
    withRemote(repo, 'bypass');
    must(sb.gitfence(repo, ['init', '--yes']));
    must(sb.gitfence(sb.root, ['shim', 'install']));
    agentEnv = {
      PATH: `${join(sb.gitfenceHome, 'bin')}:${sb.env.PATH}`,
      GIT_CONFIG_GLOBAL: undefined,
      LLM_AGENT_NAME: 'agent-a',
    };
    must(sb.git(repo, 'checkout', '-q', '-b', 'feature'));
    sb.write(join(repo, 'f.txt'), 'f\n');
    must(sb.git(repo, 'add', 'f.txt'));
  });
  const agentGit = (args: string[], env: Record<string, string | undefined> = {}) =>
    sb.run('git', args, { cwd: repo, env: { ...agentEnv, ...env } });

  const denied: Array<[string, string[], Record<string, string>?]> = [
    ['push --no-verify', ['push', '--no-verify', 'origin', 'feature']],
    ['commit --no-verify', ['commit', '--no-verify', '-m', 'x']],
    ['commit -n', ['commit', '-n', '-m', 'x']],
    ['commit -nm (bundled)', ['commit', '-nm', 'x']],
    ['-c core.hooksPath=', ['-c', 'core.hooksPath=/dev/null', 'commit', '-m', 'x']],
    ['-c core.hookspath (case)', ['-c', 'core.hookspath=/tmp', 'push', 'origin', 'feature']],
    ['HUSKY=0', ['commit', '-m', 'x'], { HUSKY: '0' }],
    [
      'GIT_CONFIG_COUNT injection',
      ['commit', '-m', 'x'],
      {
        GIT_CONFIG_COUNT: '1',
        GIT_CONFIG_KEY_0: 'core.hooksPath',
        GIT_CONFIG_VALUE_0: '/dev/null',
      },
    ],
    [
      'GIT_CONFIG_PARAMETERS injection',
      ['commit', '-m', 'x'],
      { GIT_CONFIG_PARAMETERS: "'core.hooksPath'='/dev/null'" },
    ],
  ];
  for (const [label, args, env] of denied) {
    it(`${label} exits 42`, () => {
      const head = sb.git(repo, 'rev-parse', 'HEAD').stdout;
      const result = agentGit(args, env);
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(42);
      expect(sb.git(repo, 'rev-parse', 'HEAD').stdout).toBe(head);
    });
  }

  it('push -n is a dry run and stays allowed', () => {
    const result = agentGit(['push', '-n', 'origin', 'main']);
    expect(result.code, result.stderr).not.toBe(42);
    expect(result.stderr).not.toContain('gitfence: denied');
  });
});
