/**
 * What the pre-push check reads of merge commits and replace refs, through the real installed hook
 * and a real bare remote: an "evil merge" (a change made in the merge itself, beyond git's own
 * automatic merge) is checked like any commit; what the parents brought is not counted twice; and
 * `refs/replace/*` cannot show the check a history other than the one pushed.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, must, type RunResult, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeAll(() => {
  sb = createSandbox();
});
afterAll(() => sb.cleanup());

// A warn-severity check that prints every added line and touched file: the push goes through, and
// the hook's output shows exactly what it read (so anything read twice shows twice).
const ECHO_POLICY = `import { definePolicy, presets } from 'gitfence';
export default definePolicy({
  extends: [presets.opsGitSafety],
  push: {
    protectedBranches: ['main'],
    checks: [
      {
        id: 'echo',
        severity: 'warn',
        description: 'what the check read',
        run: (ctx) => ({
          warnings: [
            'lines[' + ctx.addedLines.map((l) => l.path + ':' + l.line).join(',') + ']',
            'files[' + ctx.files.map((f) => f.path).join(',') + ']',
            'commits=' + ctx.commits.length,
          ],
        }),
      },
    ],
  },
});
`;

function setup(name: string, policy?: string): { repo: string; remote: string } {
  const repo = sb.makeRepo(name, { 'mine/f.txt': 'a\nb\nc\n', 'theirs/z.txt': 'z\n' });
  const remote = join(sb.root, `${name}-remote.git`);
  must(sb.git(sb.root, 'init', '-q', '--bare', remote));
  must(sb.git(repo, 'remote', 'add', 'origin', remote));
  must(sb.git(repo, 'push', '-q', 'origin', 'main'));
  if (policy) sb.write(join(repo, 'gitfence.policy.ts'), policy);
  must(sb.gitfence(repo, ['init', '--yes']));
  return { repo, remote };
}

function commit(repo: string, file: string, content: string, env: Record<string, string> = {}) {
  sb.write(join(repo, file), content);
  must(sb.git(repo, 'add', file));
  must(sb.run('git', ['commit', '-q', '--no-verify', '-m', `edit ${file}`], { cwd: repo, env }));
}

/** Two branches off main that change the same line of mine/f.txt, so merging them conflicts. */
function conflictingBranches(repo: string, ours: string, theirs: string) {
  must(sb.git(repo, 'checkout', '-q', '-b', theirs, 'main'));
  commit(repo, 'mine/f.txt', 'a\nTHEIRS\nc\n');
  must(sb.git(repo, 'checkout', '-q', '-b', ours, 'main'));
  commit(repo, 'mine/f.txt', 'a\nOURS\nc\n');
  // the merge stops on the conflict: the tests resolve it and commit by hand
  expect(sb.git(repo, 'merge', '-q', theirs).code).not.toBe(0);
}

const remoteSha = (remote: string, ref: string) =>
  sb.git(remote, 'rev-parse', '--verify', '-q', ref).stdout.trim();

const head = (repo: string) => sb.git(repo, 'rev-parse', 'HEAD').stdout.trim();

function expectRefused(result: RunResult, ruleId: string) {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).toContain(`gitfence: denied ${ruleId}`);
}

function expectPushed(result: RunResult, remote: string, ref: string, sha: string) {
  expect(result.code, result.stderr).toBe(0);
  expect(remoteSha(remote, ref)).toBe(sha);
}

describe('merge commits are read as what they change beyond git’s automatic merge', () => {
  let repo: string;
  let remote: string;
  beforeAll(() => {
    ({ repo, remote } = setup('merges'));
  });

  it('refuses a conflict resolution that leaves a conflict marker in', () => {
    conflictingBranches(repo, 'evil', 'evil-theirs');
    sb.write(join(repo, 'mine/f.txt'), 'a\n<<<<<<< HEAD\nOURS\nTHEIRS\nc\n');
    must(sb.git(repo, 'commit', '-q', '-a', '--no-verify', '-m', 'merge'));
    const merge = head(repo);
    const result = sb.git(repo, 'push', 'origin', 'evil');
    expectRefused(result, 'push/conflict-marker');
    expect(result.stderr).toContain(`mine/f.txt in ${merge.slice(0, 7)}`);
    expect(remoteSha(remote, 'evil')).toBe('');
  });

  it('refuses a merge committed with its conflict unresolved', () => {
    conflictingBranches(repo, 'unresolved', 'unresolved-theirs');
    must(sb.git(repo, 'commit', '-q', '-a', '--no-verify', '-m', 'merge'));
    expectRefused(sb.git(repo, 'push', 'origin', 'unresolved'), 'push/conflict-marker');
    expect(remoteSha(remote, 'unresolved')).toBe('');
  });

  it('refuses a merge that adds a marker to a file neither side touched', () => {
    must(sb.git(repo, 'checkout', '-q', '-b', 'clean-theirs', 'main'));
    commit(repo, 'mine/g.txt', 'g\n');
    must(sb.git(repo, 'checkout', '-q', '-b', 'sneaky', 'main'));
    commit(repo, 'mine/h.txt', 'h\n');
    must(sb.git(repo, 'merge', '-q', '--no-commit', 'clean-theirs'));
    sb.write(join(repo, 'theirs/z.txt'), 'z\n>>>>>>> clean-theirs\n');
    must(sb.git(repo, 'commit', '-q', '-a', '--no-verify', '-m', 'merge'));
    const result = sb.git(repo, 'push', 'origin', 'sneaky');
    expectRefused(result, 'push/conflict-marker');
    expect(result.stderr).toContain(`theirs/z.txt in ${head(repo).slice(0, 7)}`);
  });

  it('refuses it when a custom merge driver would write the marker into git’s own merge', () => {
    conflictingBranches(repo, 'driven', 'driven-theirs');
    const evil = 'a\n<<<<<<< HEAD\nOURS\nTHEIRS\nc\n';
    sb.write(join(repo, 'mine/f.txt'), evil);
    must(sb.git(repo, 'commit', '-q', '-a', '--no-verify', '-m', 'merge'));
    // a driver chosen by merge.default, and one by an attribute, each answering with the result
    const out = join(sb.root, 'driven.txt');
    sb.write(out, evil);
    must(sb.git(repo, 'config', 'merge.default', 'copy'));
    must(sb.git(repo, 'config', 'merge.copy.driver', `cp '${out}' %A`));
    must(sb.git(repo, 'config', 'merge.other.name.driver', `cp '${out}' %A`));
    sb.write(join(repo, '.git/info/attributes'), '*.txt merge=other.name\n');
    for (const config of [[], ['-c', 'merge.default=']]) {
      const result = sb.git(repo, ...config, 'push', 'origin', 'driven');
      expectRefused(result, 'push/conflict-marker');
      expect(result.stderr).toContain(`mine/f.txt in ${head(repo).slice(0, 7)}`);
    }
    expect(remoteSha(remote, 'driven')).toBe('');
    must(sb.git(repo, 'config', '--unset', 'merge.default'));
    must(sb.git(repo, 'config', '--remove-section', 'merge.copy'));
    must(sb.git(repo, 'config', '--remove-section', 'merge.other.name'));
    sb.write(join(repo, '.git/info/attributes'), '');
  });

  it('accepts a resolution that removes the markers: removed lines never trip the check', () => {
    conflictingBranches(repo, 'resolved', 'resolved-theirs');
    sb.write(join(repo, 'mine/f.txt'), 'a\nOURS\nc\n');
    must(sb.git(repo, 'commit', '-q', '-a', '--no-verify', '-m', 'merge'));
    expectPushed(sb.git(repo, 'push', 'origin', 'resolved'), remote, 'resolved', head(repo));
  });

  it('refuses an octopus merge that adds a marker (read as a combined diff)', () => {
    const branches = ['octo-a', 'octo-b'];
    for (const [i, branch] of branches.entries()) {
      must(sb.git(repo, 'checkout', '-q', '-b', branch, 'main'));
      commit(repo, `mine/octo${i}.txt`, `${branch}\n`);
    }
    must(sb.git(repo, 'checkout', '-q', '-b', 'octo', 'main'));
    commit(repo, 'mine/octo.txt', 'octo\n');
    must(sb.git(repo, 'merge', '-q', '--no-commit', ...branches));
    sb.write(join(repo, 'mine/octo0.txt'), 'octo-a\n|||||||\n');
    must(sb.git(repo, 'commit', '-q', '-a', '--no-verify', '-m', 'octopus'));
    expect(
      sb.git(repo, 'rev-list', '--parents', '-1', 'HEAD').stdout.trim().split(' '),
    ).toHaveLength(4);
    const result = sb.git(repo, 'push', 'origin', 'octo');
    expectRefused(result, 'push/conflict-marker');
    expect(result.stderr).toContain(`mine/octo0.txt in ${head(repo).slice(0, 7)}`);
    // the same merge without the marker goes through
    sb.write(join(repo, 'mine/octo0.txt'), 'octo-a\n');
    must(sb.git(repo, 'commit', '-q', '-a', '--amend', '--no-verify', '-C', 'HEAD'));
    expectPushed(sb.git(repo, 'push', 'origin', 'octo'), remote, 'octo', head(repo));
  });
});

describe('a clean merge of branches in the push is read once', () => {
  it('shows each added line and file once, and none for the merge itself', () => {
    const { repo, remote } = setup('clean', ECHO_POLICY);
    must(sb.git(repo, 'checkout', '-q', '-b', 'side', 'main'));
    commit(repo, 'mine/side.txt', 'from side\n');
    must(sb.git(repo, 'checkout', '-q', '-b', 'joined', 'main'));
    commit(repo, 'mine/f.txt', 'a\nb\nc\nours\n');
    must(sb.git(repo, 'merge', '-q', '--no-edit', 'side'));
    const result = sb.git(repo, 'push', 'origin', 'joined');
    expectPushed(result, remote, 'joined', head(repo));
    const listed = (name: string) =>
      (new RegExp(`${name}\\[([^\\]]*)\\]`).exec(result.stderr)?.[1] ?? '').split(',').sort();
    expect(listed('lines')).toEqual(['mine/f.txt:ours', 'mine/side.txt:from side']);
    expect(listed('files')).toEqual(['mine/f.txt', 'mine/side.txt']);
    expect(result.stderr).toContain('commits=3');
  });
});

describe('diff.noprefix', () => {
  it('does not change which path an added line is on', () => {
    const { repo } = setup('noprefix', ECHO_POLICY);
    must(sb.git(repo, 'checkout', '-q', '-b', 'prefixed', 'main'));
    commit(repo, 'b/x.txt', 'in b\n');
    const result = sb.git(repo, '-c', 'diff.noprefix=true', 'push', 'origin', 'prefixed');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('lines[b/x.txt:in b]');
  });
});

describe('agents’ merges are checked against their scopes', () => {
  const agent = { LLM_AGENT_NAME: 'agent-a' };
  let repo: string;
  let remote: string;
  beforeAll(() => {
    ({ repo, remote } = setup('scoped'));
    // someone else's work, already on the remote, outside agent-a's scope
    must(sb.git(repo, 'checkout', '-q', '-b', 'others', 'main'));
    commit(repo, 'theirs/other.txt', 'other work\n');
    must(sb.git(repo, 'push', '-q', 'origin', 'others'));
    must(sb.gitfence(repo, ['lock', 'acquire', 'mine/**'], agent));
  });

  const agentPush = (branch: string) =>
    sb.run('git', ['push', 'origin', branch], { cwd: repo, env: agent });

  function mergeOthers(branch: string, edit?: () => void) {
    must(sb.git(repo, 'checkout', '-q', '-b', branch, 'main'));
    commit(repo, `mine/${branch}.txt`, 'mine\n', agent);
    must(sb.git(repo, 'merge', '-q', '--no-commit', 'origin/others'));
    edit?.();
    must(
      sb.run('git', ['commit', '-q', '--no-verify', '-m', 'merge others'], {
        cwd: repo,
        env: agent,
      }),
    );
  }

  it('accepts merging others’ pushed work: what the remote has is not the agent’s change', () => {
    mergeOthers('agent-clean');
    expectPushed(agentPush('agent-clean'), remote, 'agent-clean', head(repo));
  });

  it('refuses a merge that edits a file outside the agent’s scopes', () => {
    mergeOthers('agent-evil', () => {
      sb.write(join(repo, 'theirs/other.txt'), 'other work\nslipped in\n');
      must(sb.git(repo, 'add', 'theirs/other.txt'));
    });
    const result = agentPush('agent-evil');
    expectRefused(result, 'push/out-of-scope');
    expect(result.stderr).toContain("theirs/other.txt (outside agent-a's scopes)");
    expect(remoteSha(remote, 'agent-evil')).toBe('');
  });

  it('refuses a merge that deletes a file outside the agent’s scopes', () => {
    mergeOthers('agent-delete', () => must(sb.git(repo, 'rm', '-q', 'theirs/z.txt')));
    const result = agentPush('agent-delete');
    expectRefused(result, 'push/out-of-scope');
    expect(result.stderr).toContain("theirs/z.txt (outside agent-a's scopes)");
    expect(remoteSha(remote, 'agent-delete')).toBe('');
  });
});

describe('replace refs', () => {
  it('do not hide a pushed commit from the check', () => {
    const { repo, remote } = setup('replaced');
    must(sb.git(repo, 'checkout', '-q', '-b', 'hidden', 'main'));
    commit(repo, 'mine/f.txt', 'a\n<<<<<<< HEAD\nc\n');
    const bad = head(repo);
    // a look-alike commit with clean content, put in the bad one's place for every git reader
    const clean = must(
      sb.run('git', ['commit-tree', 'main^{tree}', '-p', 'main', '-m', 'edit mine/f.txt'], {
        cwd: repo,
      }),
    ).stdout.trim();
    must(sb.git(repo, 'replace', bad, clean));
    expect(sb.git(repo, 'log', '-p', '-1', 'hidden').stdout).not.toContain('<<<<<<<');
    const result = sb.git(repo, 'push', 'origin', 'hidden');
    expectRefused(result, 'push/conflict-marker');
    expect(result.stderr).toContain(`mine/f.txt in ${bad.slice(0, 7)}`);
    expect(remoteSha(remote, 'hidden')).toBe('');
    // what push would have sent is the bad commit itself, not its replacement
    expect(sb.git(repo, '--no-replace-objects', 'show', 'hidden:mine/f.txt').stdout).toContain(
      '<<<<<<<',
    );
  });
});

describe('grafts', () => {
  it('GIT_GRAFT_FILE cannot show the check another parent than the pushed commit has', () => {
    const { repo, remote } = setup('grafted');
    must(sb.git(repo, 'checkout', '-q', '-b', 'grafted', 'main'));
    commit(repo, 'mine/f.txt', 'a\nb\nc\n<<<<<<< evil\n');
    const evil = head(repo);
    // a look-alike parent that already has the marker: grafted on, the evil commit adds nothing
    must(sb.git(repo, 'checkout', '-q', '-b', 'look-alike', 'main'));
    commit(repo, 'mine/f.txt', 'a\nb\nc\n<<<<<<< evil\n');
    const graft = join(sb.root, 'grafts');
    sb.write(graft, `${evil} ${head(repo)}\n`);
    const result = sb.run('git', ['push', 'origin', `${evil}:refs/heads/grafted`], {
      cwd: repo,
      env: { GIT_GRAFT_FILE: graft },
    });
    expectRefused(result, 'push/conflict-marker');
    expect(remoteSha(remote, 'grafted')).toBe('');
  });
});
