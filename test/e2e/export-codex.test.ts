/**
 * `gitfence export`: every generated Codex rules file is loaded by the real Codex CLI
 * (`codex execpolicy check`), which refuses a file that fails to parse or whose match/not_match
 * examples do not hold. Claude settings must be JSON; the Gemini policy must be TOML (python's tomllib).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeForbiddenPrefixes, policyDecider } from '../../src/agents/export/prefixes.js';
import { renderCodexRules, renderGeminiPolicy } from '../../src/agents/export/render.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { compilePolicy } from '../../src/policy/compile.js';
import { presetLayer } from '../../src/policy/layers.js';
import { createSandbox, must, PROJECT_ROOT, type Sandbox } from '../helpers/sandbox.js';

const CODEX = join(PROJECT_ROOT, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');

let sandbox: Sandbox;
let repo: string;
let worktree: string;

beforeAll(() => {
  sandbox = createSandbox();
  repo = sandbox.makeRepo('repo');
  worktree = join(sandbox.root, 'agent-wt');
  must(sandbox.git(repo, 'worktree', 'add', '-q', '-b', 'agent', worktree));
  must(sandbox.gitfence(repo, ['compile']));
});
afterAll(() => sandbox.cleanup());

interface CodexResult {
  decision?: string;
  matchedRules: Array<{ prefixRuleMatch: { matchedPrefix: string[]; justification?: string } }>;
}

function codexCheck(rules: string, ...command: string[]): CodexResult {
  const result = sandbox.run(process.execPath, [
    CODEX,
    'execpolicy',
    'check',
    '--rules',
    rules,
    ...command,
  ]);
  expect(result.code, `codex refused ${rules}:\n${result.stderr}`).toBe(0);
  return JSON.parse(result.stdout) as CodexResult;
}

describe('gitfence export codex-rules', () => {
  it('writes a file the real Codex CLI loads and that forbids git reset --hard', () => {
    const out = join(sandbox.root, 'gitfence.rules');
    must(sandbox.gitfence(repo, ['export', 'codex-rules', '--out', out]));
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/decision = "forbidden"/);
    expect(text).toMatch(/justification = "gitfence /);

    const reset = codexCheck(out, 'git', 'reset', '--hard');
    expect(reset.decision).toBe('forbidden');
    expect(reset.matchedRules[0]?.prefixRuleMatch.justification).toMatch(
      /discard-worktree-changes|rollback\/reset/,
    );
    expect(codexCheck(out, '/usr/bin/git', 'clean', '-fdx').decision).toBe('forbidden');
    expect(codexCheck(out, 'git', 'push', '--force', 'origin', 'main').decision).toBe('forbidden');
    // The -C forms name the repository's real worktrees.
    expect(codexCheck(out, 'git', '-C', worktree, 'reset', '--hard').decision).toBe('forbidden');
    expect(codexCheck(out, 'git', '-C', repo, 'stash', 'drop').decision).toBe('forbidden');
    expect(codexCheck(out, 'git', 'status').matchedRules).toEqual([]);
    expect(codexCheck(out, 'git', 'commit', '-m', 'x').matchedRules).toEqual([]);
  });

  it('writes Codex rules for the precise preset that Codex loads', () => {
    const policy = compilePolicy([presetLayer('precise')]);
    const entries = computeForbiddenPrefixes(policyDecider(policy, evaluate, repo));
    const file = join(sandbox.root, 'precise.rules');
    writeFileSync(
      file,
      renderCodexRules(entries, { worktrees: [repo, worktree], policyLabel: 'preset:precise' }),
    );
    expect(codexCheck(file, 'git', 'reset', '--hard', 'HEAD~1').decision).toBe('forbidden');
    expect(codexCheck(file, 'git', 'checkout', '--', '.').decision).toBe('forbidden');
    // precise allows what loses nothing: prefix rules must not forbid it.
    for (const allowed of [
      ['git', 'checkout', '-b', 'x'],
      ['git', 'restore', '--staged', 'f'],
      ['git', 'stash'],
      ['git', 'reset', '--soft', 'HEAD~1'],
    ]) {
      expect(codexCheck(file, ...allowed).matchedRules, allowed.join(' ')).toEqual([]);
    }
  });
});

describe('gitfence export claude-settings and gemini-policy', () => {
  it('writes permissions.deny entries', () => {
    const result = must(sandbox.gitfence(repo, ['export', 'claude-settings']));
    const settings = JSON.parse(result.stdout) as { permissions: { deny: string[] } };
    expect(settings.permissions.deny).toContain('Bash(git reset --hard:*)');
    expect(settings.permissions.deny).toContain(`Bash(git -C ${worktree} reset --hard:*)`);
  });

  it('writes TOML that parses, with deny rules for run_shell_command', () => {
    const out = join(sandbox.root, 'gitfence.toml');
    must(sandbox.gitfence(repo, ['export', 'gemini-policy', '--out', out]));
    const parsed = sandbox.run('python3', [
      '-c',
      'import json,sys,tomllib; print(json.dumps(tomllib.load(open(sys.argv[1],"rb"))))',
      out,
    ]);
    expect(parsed.code, parsed.stderr).toBe(0);
    const policy = JSON.parse(parsed.stdout) as {
      rule: Array<{
        toolName: string;
        commandPrefix: string[];
        decision: string;
        priority: number;
      }>;
    };
    expect(policy.rule.length).toBeGreaterThan(5);
    expect(
      policy.rule.every((r) => r.toolName === 'run_shell_command' && r.decision === 'deny'),
    ).toBe(true);
    expect(policy.rule.flatMap((r) => r.commandPrefix)).toContain('git reset --hard');
    // Same renderer, precise preset: still TOML.
    const precise = compilePolicy([presetLayer('precise')]);
    const file = join(sandbox.root, 'precise.toml');
    writeFileSync(
      file,
      renderGeminiPolicy(computeForbiddenPrefixes(policyDecider(precise, evaluate, repo)), {
        worktrees: [repo],
        policyLabel: 'preset:precise',
      }),
    );
    expect(
      sandbox.run('python3', [
        '-c',
        'import sys,tomllib; tomllib.load(open(sys.argv[1],"rb"))',
        file,
      ]).code,
    ).toBe(0);
  });

  it('rejects an unknown format with exit 2', () => {
    expect(sandbox.gitfence(repo, ['export', 'cursor-rules']).code).toBe(2);
    expect(sandbox.gitfence(repo, ['export']).code).toBe(2);
  });
});
