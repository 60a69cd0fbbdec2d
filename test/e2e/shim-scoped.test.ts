/**
 * Scoped `git status`/`git diff` through the installed shim without Node: the sh shim appends the
 * agent's scope pathspecs from `<common>/gitfence/scopes/<agent>.sh`. The output must equal what the
 * evaluator's path prints, node must not start, and everything the sh side cannot vouch for (an
 * expired or released lease, an unknown flag, a pathspec, a revision) must reach the evaluator.
 * Node starts are observed by swapping the shim's baked node for a wrapper that records them.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../helpers/sandbox.js';
import { createShimWorld, type ShimWorld } from '../helpers/shim-world.js';

let w: ShimWorld;
let repo: string;
let nodeLog: string;
/** How the shim delegates: the node and entry it execs, and the real git it passes. */
let delegateArgv: string[];

function editThreeAgents(dir: string) {
  writeFileSync(join(dir, 'src/a/one.ts'), '1 edited by A\n');
  writeFileSync(join(dir, 'src/a/new.ts'), 'new by A\n');
  writeFileSync(join(dir, 'src/b/two.ts'), '2 edited by B\n');
  writeFileSync(join(dir, 'docs/guide.md'), '# edited by C\n');
}

beforeAll(() => {
  w = createShimWorld();
  repo = w.sb.makeRepo('three', {
    'src/a/one.ts': '1\n',
    'src/b/two.ts': '2\n',
    'docs/guide.md': '# g\n',
    'gitfence.policy.ts':
      "import { definePolicy, presets } from 'gitfence';\nexport default definePolicy({ extends: [presets.opsGitSafety] });\n",
  });
  must(w.sb.git(repo, 'commit', '-q', '--allow-empty', '-m', 'second'));
  must(w.gitfence(repo, ['compile']));
  editThreeAgents(repo);
  must(w.sb.git(repo, 'add', 'src/b/two.ts'));

  nodeLog = join(w.sb.root, 'node-starts.log');
  const wrapper = join(w.sb.root, 'node-wrapper');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const shim = join(w.shimDir, 'git');
  const text = readFileSync(shim, 'utf8');
  const value = (name: string) => new RegExp(`^${name}='([^']*)'$`, 'm').exec(text)?.[1] ?? '';
  const entry = value('GF_ENTRY');
  delegateArgv =
    entry && existsSync(entry)
      ? [entry, `--real-git=${value('GF_REAL_GIT')}`, '--']
      : [value('GF_CLI'), 'shim', 'exec', `--real-git=${value('GF_REAL_GIT')}`, '--'];
  writeFileSync(shim, text.replace(/^GF_NODE=.*$/m, `GF_NODE='${wrapper}'`));
}, 120_000);
afterAll(() => w.cleanup());

const lock = (agent: string, args: string[]) =>
  must(w.gitfence(repo, ['lock', ...args], { LLM_AGENT_NAME: agent }));

/** Through the shim, as the agent would: the result and how many times node started. */
function viaShim(agent: string, args: string[], cwd = repo) {
  rmSync(nodeLog, { force: true });
  const result = w.agent(cwd, 'git', args, { LLM_AGENT_NAME: agent });
  const starts = existsSync(nodeLog) ? readFileSync(nodeLog, 'utf8').trim().split('\n') : [];
  return { ...result, nodeStarts: starts.length };
}

/** The evaluator's path for the same call: what the shim runs when it delegates. */
function viaEvaluator(agent: string, args: string[], cwd = repo) {
  return w.agent(cwd, process.execPath, [...delegateArgv, ...args], { LLM_AGENT_NAME: agent });
}

describe('scoped status and diff through the sh shim', () => {
  beforeAll(() => {
    lock('agent-a', ['acquire', 'src/a/**', '--ttl', '1h']);
    lock('agent-b', ['acquire', 'src/b/**', 'docs/*.md', '--ttl', '1h']);
  });

  it('compile enables it and the store wrote the agents’ scope files', () => {
    const data = readFileSync(join(repo, '.git/gitfence/fastpath.sh'), 'utf8');
    expect(data).toMatch(/^case \$1 in status\|diff\) GF_FAST=scoped ;; esac$/m);
    expect(existsSync(join(repo, '.git/gitfence/scopes/agent-a.sh'))).toBe(true);
    expect(existsSync(join(repo, '.git/gitfence/scopes/agent-b.sh'))).toBe(true);
  });

  it.each([
    ['agent-a', ['status', '--porcelain']],
    ['agent-a', ['status']],
    ['agent-a', ['status', '-s', '-b', '-uall']],
    ['agent-a', ['diff']],
    ['agent-a', ['diff', '--stat']],
    ['agent-b', ['status', '--porcelain=v2', '-z']],
    ['agent-b', ['diff', '--cached', '--name-only']],
    ['agent-b', ['diff', '--name-status']],
  ])('%s: git %s prints what the evaluator path prints, without node', (agent, args) => {
    const fast = viaShim(agent, args);
    const slow = viaEvaluator(agent, args);
    expect(fast.nodeStarts, fast.stderr).toBe(0);
    expect(fast.code).toBe(slow.code);
    expect(fast.stdout).toBe(slow.stdout);
    expect(fast.stderr).toBe(slow.stderr);
  });

  it('shows only the agent’s scopes, from a subdirectory too', () => {
    const a = viaShim('agent-a', ['status', '--porcelain'], join(repo, 'docs'));
    expect(a.nodeStarts).toBe(0);
    expect(a.stdout).toBe(' M src/a/one.ts\n?? src/a/new.ts\n');
    const b = viaShim('agent-b', ['status', '--porcelain']);
    expect(b.stdout).toBe(' M docs/guide.md\nM  src/b/two.ts\n');
    const raw = must(
      w.sb.git(repo, 'status', '--porcelain', '--', ':(top,glob)src/b/**', ':(top,glob)docs/*.md'),
    );
    expect(b.stdout).toBe(raw.stdout);
  });

  it.each([
    ['an unknown flag', ['status', '--porcelain', '--ignored']],
    ['an abbreviated flag', ['status', '--porc']],
    ['an explicit pathspec', ['status', '--porcelain', '--', 'docs']],
    ['a pathspec without --', ['status', '--porcelain', 'docs']],
    ['a revision', ['diff', 'HEAD~1']],
    ['a revision and a flag', ['diff', '--stat', 'HEAD~1']],
  ])('%s goes to the evaluator, with the same result', (_, args) => {
    const fast = viaShim('agent-a', args);
    const slow = viaEvaluator('agent-a', args);
    expect(fast.nodeStarts).toBe(1);
    expect(fast.code).toBe(slow.code);
    expect(fast.stdout).toBe(slow.stdout);
  });

  it('an explicit pathspec passes unchanged; a revision is no pathspec, so the evaluator scopes it', () => {
    expect(viaShim('agent-a', ['status', '--porcelain', '--', 'docs']).stdout).toBe(
      ' M docs/guide.md\n',
    );
    const diff = viaShim('agent-a', ['diff', '--name-only', 'HEAD~1']);
    expect(diff.nodeStarts).toBe(1);
    expect(diff.stdout).toBe('src/a/one.ts\n');
  });

  it('an agent without a lease, or with an unusable name, goes to the evaluator (42)', () => {
    for (const agent of ['agent-c', 'agent c']) {
      const r = viaShim(agent, ['status', '--porcelain']);
      expect(r.nodeStarts, agent).toBe(1);
      expect(r.code, agent).toBe(42);
      expect(r.stderr).toMatch(/gitfence: denied gitfence\/scope-required/);
    }
  });

  it('a released lease is never applied', () => {
    w.sb.write(join(repo, 'notes/r.txt'), 'r\n');
    lock('agent-r', ['acquire', 'notes/**', '--ttl', '1h']);
    expect(viaShim('agent-r', ['status', '--porcelain'])).toMatchObject({
      nodeStarts: 0,
      code: 0,
      stdout: '?? notes/\n',
    });
    lock('agent-r', ['release']);
    const after = viaShim('agent-r', ['status', '--porcelain']);
    expect(after.nodeStarts).toBe(1);
    expect(after.code).toBe(42);
    expect(existsSync(join(repo, '.git/gitfence/scopes/agent-r.sh'))).toBe(false);
  });

  it('an expired lease is never applied, though its file is still there', async () => {
    lock('agent-e', ['acquire', 'extra/**', '--ttl', '1s']);
    const file = join(repo, '.git/gitfence/scopes/agent-e.sh');
    expect(existsSync(file)).toBe(true);
    // The file's expiry is the lease's, rounded down to a second: wait until it has passed.
    const expires = Number(/^GF_SCOPE_EXPIRES=(\d+)$/m.exec(readFileSync(file, 'utf8'))?.[1]);
    while (Date.now() / 1000 < expires + 1.05) await sleep(100);
    expect(existsSync(file)).toBe(true);
    const r = viaShim('agent-e', ['status', '--porcelain']);
    expect(r.nodeStarts).toBe(1);
    expect(r.code).toBe(42);
    expect(r.stderr).toContain('agent-e holds no active lock scope');
  });

  it('a linked worktree uses the common dir’s scope files', () => {
    const wt = join(w.sb.root, 'three-wt');
    must(w.sb.git(repo, 'worktree', 'add', '-q', wt, '-b', 'wt-branch'));
    writeFileSync(join(wt, 'src/a/one.ts'), 'edited in the worktree\n');
    writeFileSync(join(wt, 'docs/guide.md'), 'edited in the worktree\n');
    const r = viaShim('agent-a', ['status', '--porcelain'], wt);
    expect(r.nodeStarts).toBe(0);
    expect(r.stdout).toBe(' M src/a/one.ts\n');
    expect(r.stdout).toBe(viaEvaluator('agent-a', ['status', '--porcelain'], wt).stdout);
  });
});
