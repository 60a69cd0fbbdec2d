/**
 * The installed shim's guarded fast path for `log` and `show`, and the path guard with the
 * environment a harness really sets (GIT_CONFIG_GLOBAL outside the repository), through real git.
 * "No node started" is observed directly: the shim's baked node is swapped for a wrapper that
 * records every start before running the real node.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../helpers/sandbox.js';
import { createShimWorld, fingerprint, type ShimWorld } from '../helpers/shim-world.js';

let w: ShimWorld;
let precise: string;
let ops: string;
let otherRepo: string;
let nodeLog: string;
/** The sandbox's global config: a file outside every repository, as a harness sets it. */
let globalConfig: string;

beforeAll(() => {
  w = createShimWorld();
  precise = w.makeProtectedRepo('precise', 'precise');
  ops = w.makeProtectedRepo('ops', 'opsGitSafety');
  // another protected repository, compiled, so every denial below is the path guard's own
  otherRepo = w.makeProtectedRepo('other', 'precise');
  globalConfig = w.sb.env.GIT_CONFIG_GLOBAL!;
  nodeLog = join(w.sb.root, 'node-starts.log');
  const wrapper = join(w.sb.root, 'node-wrapper');
  writeFileSync(
    wrapper,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> '${nodeLog}'\nexec '${process.execPath}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  const shim = join(w.shimDir, 'git');
  const text = readFileSync(shim, 'utf8');
  const swapped = text.replace(/^GF_NODE=.*$/m, `GF_NODE='${wrapper}'`);
  expect(swapped).not.toBe(text);
  writeFileSync(shim, swapped);
}, 120_000);
afterAll(() => w.cleanup());

/** Run git through the shim as an agent, with the harness's GIT_CONFIG_GLOBAL kept; count node starts. */
function agentGit(cwd: string, args: string[], env: Record<string, string | undefined> = {}) {
  rmSync(nodeLog, { force: true });
  const result = w.agent(cwd, 'git', args, { GIT_CONFIG_GLOBAL: globalConfig, ...env });
  const starts = existsSync(nodeLog) ? readFileSync(nodeLog, 'utf8').trim().split('\n') : [];
  return { ...result, nodeStarts: starts.length };
}

describe('guarded fast path for log and show (path guards on)', () => {
  it('compile writes log and show as guarded passes', () => {
    const data = readFileSync(join(ops, '.git', 'gitfence', 'fastpath.sh'), 'utf8');
    expect(data).toMatch(
      /^case \$1 in log\|show\) for gf_a; do case \$gf_a in .*'--ou'\*.*GF_FAST=pass/m,
    );
  });

  it.each([['ops'], ['precise']])(
    'git log -1, git log --oneline -5 and git show HEAD run without starting node (%s)',
    (which) => {
      const repo = which === 'ops' ? ops : precise;
      for (const args of [
        ['log', '-1'],
        ['log', '--oneline', '-5'],
        ['show', 'HEAD'],
      ]) {
        const viaShim = agentGit(repo, args);
        const raw = w.sb.git(repo, ...args);
        expect(viaShim.code, args.join(' ')).toBe(0);
        expect(viaShim.nodeStarts, args.join(' ')).toBe(0);
        expect(viaShim.stdout).toBe(raw.stdout);
      }
    },
  );

  it('log --output and every abbreviation of it go to the evaluator', () => {
    const out = join(w.sb.root, 'log-output.txt');
    for (const args of [
      ['log', '-1', `--output=${out}`],
      ['log', '-1', `--outp=${out}`],
      ['log', '-1', '--output', out],
      ['show', `--ou=${out}`, 'HEAD'],
      ['log', '-1', '-pO/etc/hostname'],
      ['log', '-1', '--orderfile=/etc/hostname'],
    ]) {
      const result = agentGit(ops, args);
      expect(result.nodeStarts, args.join(' ')).toBe(1);
    }
  });

  it('diff and status keep delegating (auto-scoped for agents)', () => {
    expect(agentGit(ops, ['diff']).nodeStarts).toBe(1);
    expect(agentGit(ops, ['status']).nodeStarts).toBe(1);
  });
});

describe('path guard and the config-file environment', () => {
  it('a delegated call under precise runs with GIT_CONFIG_GLOBAL outside the repository', () => {
    const result = agentGit(precise, ['checkout', '-b', 'feature-x']);
    expect(result.stderr).not.toMatch(/path-guard/);
    expect(result.code).toBe(0);
    expect(result.nodeStarts).toBe(1);
    expect(must(w.sb.git(precise, 'branch', '--show-current')).stdout.trim()).toBe('feature-x');
    must(w.sb.git(precise, 'checkout', '-q', 'main'));
  });

  it('GIT_CONFIG_SYSTEM, GIT_CONFIG and GIT_CONFIG_NOSYSTEM do not trip the guard', () => {
    const systemConfig = join(w.sb.root, 'system.gitconfig');
    writeFileSync(systemConfig, '[core]\n\tautocrlf = false\n');
    const result = agentGit(precise, ['checkout', '-b', 'feature-y'], {
      GIT_CONFIG_SYSTEM: systemConfig,
      GIT_CONFIG_NOSYSTEM: '0',
      GIT_CONFIG: systemConfig,
    });
    expect(result.stderr).not.toMatch(/path-guard/);
    expect(result.code).toBe(0);
    must(w.sb.git(precise, 'checkout', '-q', 'main'));
  });

  it.each([
    ['GIT_DIR', () => join(otherRepo, '.git')],
    ['GIT_WORK_TREE', () => otherRepo],
    ['GIT_INDEX_FILE', () => join(otherRepo, '.git', 'index')],
    ['GIT_OBJECT_DIRECTORY', () => join(otherRepo, '.git', 'objects')],
    ['GIT_COMMON_DIR', () => join(otherRepo, '.git')],
  ])('%s outside the allowed roots is still denied, with nothing changed', (name, value) => {
    const before = [fingerprint(w.sb, precise), fingerprint(w.sb, otherRepo)];
    const result = agentGit(precise, ['checkout', '-b', `via-${name.toLowerCase()}`], {
      [name]: value(),
    });
    expect(result.code).toBe(42);
    expect(result.stderr).toMatch(/gitfence: denied gitfence\/path-guard: /);
    expect(result.stderr).toContain(name);
    expect([fingerprint(w.sb, precise), fingerprint(w.sb, otherRepo)]).toEqual(before);
  });
});
