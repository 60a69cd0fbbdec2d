/**
 * The pre-push final check end to end (issue 7): `gitfence init` in a real repository, real husky,
 * a real bare remote, real `git push`. Each refusal is checked on the remote too: nothing arrived.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, must, type RunResult, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeAll(() => {
  sb = createSandbox();
});
afterAll(() => sb.cleanup());

const CHECKS_POLICY = (
  severity: 'warn' | 'error',
) => `import { definePolicy, presets } from 'gitfence';
export default definePolicy({
  extends: [presets.opsGitSafety],
  push: {
    protectedBranches: ['main'],
    checks: [
      {
        id: 'no-todo',
        severity: '${severity}',
        description: 'no TODO lines are pushed',
        run: (ctx) => ctx.addedLines.filter((l) => l.line.includes('TODO')).map((l) => 'TODO in ' + l.path),
      },
    ],
  },
});
`;

/** A repository with a bare `origin` that already has main, then `gitfence init`. */
function setup(name: string, policy?: string): { repo: string; remote: string } {
  const repo = sb.makeRepo(name);
  const remote = join(sb.root, `${name}-remote.git`);
  must(sb.git(sb.root, 'init', '-q', '--bare', remote));
  must(sb.git(repo, 'remote', 'add', 'origin', remote));
  must(sb.git(repo, 'push', '-q', 'origin', 'main'));
  if (policy) writeFileSync(join(repo, 'gitfence.policy.ts'), policy);
  must(sb.gitfence(repo, ['init', '--yes']));
  return { repo, remote };
}

function commit(repo: string, file: string, content: string, message = `edit ${file}`) {
  sb.write(join(repo, file), content);
  must(sb.git(repo, 'add', file));
  must(sb.git(repo, 'commit', '-q', '-m', message));
}

const remoteSha = (remote: string, ref: string) =>
  sb.git(remote, 'rev-parse', '--verify', '-q', ref).stdout.trim();

function expectRefused(result: RunResult, ruleId: string) {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).toContain(`gitfence: denied ${ruleId}`);
  expect(result.stderr).toContain('gitfence pre-push: refused');
}

describe('after gitfence init, git push meets the policy', () => {
  let repo: string;
  let remote: string;
  beforeAll(() => {
    ({ repo, remote } = setup('basic'));
  });

  it('refuses a push to main, naming the rule, and main on the remote is unchanged', () => {
    const before = remoteSha(remote, 'main');
    commit(repo, 'a.txt', 'a\n');
    const result = sb.git(repo, 'push', 'origin', 'main');
    expectRefused(result, 'push/protected-branch');
    expect(result.stderr).toContain('update main');
    expect(remoteSha(remote, 'main')).toBe(before);
    // The decision is in the audit log, like the shim's.
    const audit = readFileSync(join(repo, '.git/gitfence/audit.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(audit.at(-1)!)).toMatchObject({
      via: 'pre-push',
      outcome: 'deny',
      ruleIds: ['push/protected-branch'],
      argv: ['push', 'origin', 'refs/heads/main:refs/heads/main'],
    });
  });

  it('accepts a feature branch', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'feature'));
    commit(repo, 'feature.txt', 'feature work\n');
    const result = sb.git(repo, 'push', 'origin', 'feature');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('gitfence pre-push: ok');
    expect(remoteSha(remote, 'feature')).toBe(sb.git(repo, 'rev-parse', 'HEAD').stdout.trim());
  });

  it('refuses a force push (non-fast-forward found by ancestry)', () => {
    const before = remoteSha(remote, 'feature');
    must(sb.git(repo, 'commit', '-q', '--amend', '-m', 'rewritten'));
    for (const args of [
      ['push', '--force', 'origin', 'feature'],
      ['push', 'origin', '+feature'],
      ['push', '--force-with-lease', 'origin', 'feature'],
    ]) {
      const result = sb.git(repo, ...args);
      expectRefused(result, 'push/force');
      expect(result.stderr).toContain('force-update feature');
    }
    expect(remoteSha(remote, 'feature')).toBe(before);
    must(sb.git(repo, 'reset', '-q', '--hard', 'origin/feature'));
  });

  it('refuses branch and tag deletions', () => {
    expectRefused(sb.git(repo, 'push', 'origin', '--delete', 'feature'), 'push/delete-branch');
    expectRefused(sb.git(repo, 'push', 'origin', ':feature'), 'push/delete-branch');
    expect(remoteSha(remote, 'feature')).not.toBe('');
    must(sb.git(repo, 'tag', 'v1'));
    must(sb.git(repo, 'push', '-q', 'origin', 'v1'));
    expectRefused(sb.git(repo, 'push', 'origin', '--delete', 'refs/tags/v1'), 'push/delete-tag');
    expect(remoteSha(remote, 'refs/tags/v1')).not.toBe('');
  });

  it('refuses a pushed conflict marker and a private key, on added lines only', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'conflicted', 'feature'));
    commit(repo, 'merge.txt', 'ours\n<<<<<<< HEAD\nx\n=======\ny\n>>>>>>> theirs\n');
    const result = sb.git(repo, 'push', 'origin', 'conflicted');
    expectRefused(result, 'push/conflict-marker');
    expect(result.stderr).toContain('merge.txt in');
    expect(remoteSha(remote, 'conflicted')).toBe('');

    must(sb.git(repo, 'checkout', '-q', '-b', 'keyed', 'feature'));
    commit(repo, 'id_rsa', '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n');
    expectRefused(sb.git(repo, 'push', 'origin', 'keyed'), 'push/private-key');
  });

  it('refuses a file over maxFileSize (the default 5MB)', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'big-file', 'feature'));
    commit(repo, 'blob.bin', 'x'.repeat(5 * 1024 * 1024 + 1));
    const result = sb.git(repo, 'push', 'origin', 'big-file');
    expectRefused(result, 'push/max-file-size');
    expect(result.stderr).toContain('blob.bin (5242881 bytes)');
  });

  it('checks a 200-commit push as a whole and writes --summary-file JSON plus a one-line TXT', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'long', 'feature'));
    // One fast-import builds 200 commits without 400 process spawns.
    const parent = sb.git(repo, 'rev-parse', 'HEAD').stdout.trim();
    let stream = '';
    for (let i = 1; i <= 200; i++) {
      const body = i === 137 ? '>>>>>>> theirs\n' : `line ${i}\n`;
      stream += `commit refs/heads/long\ncommitter T <t@e> ${1700000000 + i} +0000\ndata 9\ncommit ${String(i).padStart(2, '0').slice(-2)}\n`;
      if (i === 1) stream += `from ${parent}\n`;
      stream += `M 100644 inline f${i % 20}.txt\ndata ${Buffer.byteLength(body)}\n${body}\n`;
    }
    must(sb.run('git', ['fast-import', '--quiet', '--force'], { cwd: repo, input: stream }));
    must(sb.git(repo, 'reset', '-q', '--hard', 'refs/heads/long'));
    const result = sb.git(repo, 'push', 'origin', 'long');
    expectRefused(result, 'push/conflict-marker');
    expect(result.stderr).toContain('(200 commits, 20 files');

    // The same check by hand, as CI would run it, with the summary files.
    const tip = sb.git(repo, 'rev-parse', 'long').stdout.trim();
    const summary = join(sb.root, 'out', 'push-summary.json');
    const run = sb.gitfence(
      repo,
      ['hook', 'pre-push', 'origin', remote, '--summary-file', summary],
      {},
      `refs/heads/long ${tip} refs/heads/long ${'0'.repeat(40)}\n`,
    );
    expect(run.code).toBe(42);
    const json = JSON.parse(readFileSync(summary, 'utf8')) as Record<string, unknown>;
    expect(json).toMatchObject({
      format: 'gitfence/hook-summary@1',
      stage: 'push',
      outcome: 'deny',
      counts: { commits: 200, files: 20 },
      remote: { name: 'origin', url: remote },
    });
    expect((json.matches as Array<{ ruleId: string }>).map((m) => m.ruleId)).toEqual([
      'push/conflict-marker',
    ]);
    const txt = readFileSync(join(sb.root, 'out', 'push-summary.txt'), 'utf8');
    expect(txt).toBe(
      'gitfence push: denied deny=push/conflict-marker commits=200 files=20 added_lines=200\n',
    );
  });
});

describe('agents push only inside their lock scopes', () => {
  it('a push touching paths outside the agent’s leases is refused; inside is accepted', () => {
    const { repo, remote } = setup('scopes');
    const agent = { LLM_AGENT_NAME: 'agent-a' };
    must(sb.gitfence(repo, ['lock', 'acquire', 'mine/**'], agent));
    must(sb.git(repo, 'checkout', '-q', '-b', 'agent-work'));
    sb.write(join(repo, 'mine/x.txt'), 'mine\n');
    must(sb.git(repo, 'add', 'mine/x.txt'));
    must(sb.run('git', ['commit', '-q', '-m', 'mine'], { cwd: repo, env: agent }));
    const ok = sb.run('git', ['push', 'origin', 'agent-work'], { cwd: repo, env: agent });
    expect(ok.code, ok.stderr).toBe(0);

    // A human commits elsewhere on the branch; the agent pushing it is out of scope.
    commit(repo, 'theirs/y.txt', 'not mine\n');
    const refused = sb.run('git', ['push', 'origin', 'agent-work'], { cwd: repo, env: agent });
    expectRefused(refused, 'push/out-of-scope');
    expect(refused.stderr).toContain("theirs/y.txt (outside agent-a's scopes)");
    // The same push by the human is fine.
    expect(sb.git(repo, 'push', 'origin', 'agent-work').code).toBe(0);
    expect(remoteSha(remote, 'agent-work')).toBe(sb.git(repo, 'rev-parse', 'HEAD').stdout.trim());
  });
});

describe('custom checks in the policy', () => {
  it('a warn-severity check prints but the push goes through', () => {
    const { repo, remote } = setup('check-warn', CHECKS_POLICY('warn'));
    must(sb.git(repo, 'checkout', '-q', '-b', 'todo'));
    commit(repo, 'todo.txt', 'TODO: later\n');
    const result = sb.git(repo, 'push', 'origin', 'todo');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('! warn check/no-todo');
    expect(result.stderr).toContain('TODO in todo.txt');
    expect(remoteSha(remote, 'todo')).not.toBe('');
  });

  it('an error-severity check blocks the push', () => {
    const { repo, remote } = setup('check-error', CHECKS_POLICY('error'));
    must(sb.git(repo, 'checkout', '-q', '-b', 'todo'));
    commit(repo, 'todo.txt', 'TODO: later\n');
    const result = sb.git(repo, 'push', 'origin', 'todo');
    expectRefused(result, 'check/no-todo');
    expect(result.stderr).toContain('TODO in todo.txt');
    expect(remoteSha(remote, 'todo')).toBe('');
  });

  it('a check that throws fails closed', () => {
    const throwing = CHECKS_POLICY('error').replace(
      /run: [^\n]*\n/,
      "run: () => { throw new Error('boom'); },\n",
    );
    const { repo } = setup('check-throws', throwing);
    must(sb.git(repo, 'checkout', '-q', '-b', 'any'));
    commit(repo, 'ok.txt', 'fine\n');
    const result = sb.git(repo, 'push', 'origin', 'any');
    expectRefused(result, 'check/no-todo');
    expect(result.stderr).toContain('threw: boom');
  });

  it('an uncompiled or corrupt policy refuses every push', () => {
    const { repo } = setup('corrupt');
    must(sb.git(repo, 'checkout', '-q', '-b', 'x'));
    commit(repo, 'x.txt', 'x\n');
    const stateDir = join(repo, '.git', 'gitfence');
    writeFileSync(join(stateDir, 'policy.json'), '{"format": "nope"}');
    const result = sb.git(repo, 'push', 'origin', 'x');
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/compiled policy/);
  });
});

describe('gitfence hook pre-push run by hand', () => {
  it('--help prints the hook usage; an unknown flag is a usage error (2)', () => {
    const repo = sb.makeRepo('by-hand');
    const help = sb.gitfence(repo, ['hook', 'pre-push', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('usage: gitfence hook <name>');
    const bad = sb.gitfence(repo, ['hook', 'pre-push', '--bogus'], {}, '');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('gitfence hook pre-push <remote> <url>');
  });
});
