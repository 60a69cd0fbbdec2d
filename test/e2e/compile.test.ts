import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createSandbox, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(() => sb.cleanup());

const stateFiles = (repo: string) =>
  ['policy.json', 'policy.mjs', 'fastpath.sh'].filter((f) =>
    existsSync(join(repo, '.git', 'gitfence', f)),
  );

describe('gitfence compile', () => {
  test('compiles the default preset in a repository with no policy and writes every file', () => {
    const repo = sb.makeRepo();
    const result = sb.gitfence(repo, ['compile', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as { layers: string[]; rules: number };
    expect(summary.layers).toEqual(['preset:opsGitSafety']);
    expect(stateFiles(repo)).toEqual(['policy.json', 'policy.mjs', 'fastpath.sh']);
    const policy = JSON.parse(readFileSync(join(repo, '.git/gitfence/policy.json'), 'utf8'));
    expect(policy.format).toBe('gitfence/compiled-policy@1');
    expect(policy.integrity).toMatch(/^h64:[0-9a-f]{16}$/);
    // the shim sources it with the call's arguments: it answers pass, scoped, or nothing
    const fastpath = sb.run(
      'sh',
      [
        '-c',
        'for s in rev-parse status reset; do GF_FAST=; set -- "$s"; . ./fastpath.sh; printf "%s=%s " "$s" "$GF_FAST"; done',
      ],
      { cwd: join(repo, '.git/gitfence') },
    );
    expect(fastpath.stdout).toBe('rev-parse=pass status=scoped reset= ');
  });

  test("a policy importing 'gitfence' compiles in a repository without node_modules", () => {
    const repo = sb.makeRepo();
    expect(existsSync(join(repo, 'node_modules'))).toBe(false);
    sb.write(
      join(repo, 'gitfence.policy.ts'),
      `import { definePolicy, presets } from 'gitfence';
import { extra } from './policy/extra';
export default definePolicy({
  extends: [presets.precise],
  push: { protectedBranches: ['main'], checks: [{ id: 'no-todo', run: (ctx) => (ctx.diff.includes('TODO') ? 'remove TODO' : undefined) }] },
  rules: [extra],
});
`,
    );
    sb.write(
      join(repo, 'policy/extra.ts'),
      `import type { RuleInput } from 'gitfence';
export const extra: RuleInput = { id: 'no-rebase', reason: 'keep history', match: { subcommand: 'rebase' }, examples: { match: ['rebase main'], notMatch: ['merge main'] } };
`,
    );
    const result = sb.gitfence(repo, ['compile']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('from repository (gitfence.policy.ts)');
    const module = sb.run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const m = await import(${JSON.stringify(join(repo, '.git/gitfence/policy.mjs'))}); console.log(Object.keys(m.checks).join(','), m.checks['no-todo']({ diff: 'TODO' }));`,
      ],
      { cwd: sb.root },
    );
    expect(module.stdout.trim()).toBe('no-todo remove TODO');
    const doctor = sb.gitfence(repo, ['doctor', '--json']);
    expect(doctor.code, doctor.stdout).toBe(0);
    sb.write(
      join(repo, 'gitfence.policy.ts'),
      readFileSync(join(repo, 'gitfence.policy.ts'), 'utf8') + '\n// edited\n',
    );
    const stale = sb.gitfence(repo, ['doctor']);
    expect(stale.stdout).toMatch(/warn .*gitfence\.policy\.ts changed since it was compiled/);
  });

  test('an invalid policy exits 2 with the path, and nothing is written', () => {
    const repo = sb.makeRepo();
    sb.write(
      join(repo, 'gitfence.policy.ts'),
      `import { definePolicy } from 'gitfence';
export default definePolicy({ push: { protectedBranches: ['main', 1 as unknown as string] } });
`,
    );
    const result = sb.gitfence(repo, ['compile']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'gitfence.policy.ts › push.protectedBranches[1]: expected string, got number',
    );
    expect(stateFiles(repo)).toEqual([]);
  });

  test('a syntax error exits 2 with file:line:col, and nothing is written', () => {
    const repo = sb.makeRepo();
    sb.write(join(repo, 'gitfence.policy.ts'), `export default {\n  name: 'x',,\n};\n`);
    const result = sb.gitfence(repo, ['compile']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/gitfence\.policy\.ts:2:\d+/);
    expect(stateFiles(repo)).toEqual([]);
  });

  test('a failing example exits 2 naming the rule id, and the old compiled policy stays', () => {
    const repo = sb.makeRepo();
    expect(sb.gitfence(repo, ['compile']).code).toBe(0);
    const before = readFileSync(join(repo, '.git/gitfence/policy.json'), 'utf8');
    sb.write(
      join(repo, 'gitfence.policy.ts'),
      `import { definePolicy } from 'gitfence';
export default definePolicy({ rules: [{ id: 'no-rebase', reason: 'r', match: { subcommand: 'rebase' }, examples: { match: ['merge main'] } }] });
`,
    );
    const result = sb.gitfence(repo, ['compile']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('rule "no-rebase"');
    expect(result.stderr).toContain('gitfence.policy.ts › rules[0]');
    expect(readFileSync(join(repo, '.git/gitfence/policy.json'), 'utf8')).toBe(before);
  });

  test('inside an agent session compile is refused with 42', () => {
    const repo = sb.makeRepo();
    const result = sb.gitfence(repo, ['compile'], { LLM_AGENT_NAME: 'agent-1' });
    expect(result.code).toBe(42);
    expect(result.stderr).toContain('policy changes are for the orchestrator or a human');
    expect(stateFiles(repo)).toEqual([]);
  });

  test('--global compiles $GITFENCE_HOME/policy.ts; a repository policy layers on top of it', () => {
    sb.write(
      join(sb.gitfenceHome, 'policy.ts'),
      `import { definePolicy } from 'gitfence';
export default definePolicy({ push: { protectedBranches: ['main'] }, scopes: { defaultTtl: '1h' } });
`,
    );
    const global = sb.gitfence(sb.root, ['compile', '--global', '--json']);
    expect(global.code, global.stderr).toBe(0);
    expect(JSON.parse(global.stdout).layers).toEqual([
      'preset:opsGitSafety',
      `global (${join(sb.gitfenceHome, 'policy.ts')})`,
    ]);
    expect(existsSync(join(sb.gitfenceHome, 'compiled/policy.json'))).toBe(true);

    const repo = sb.makeRepo();
    sb.write(
      join(repo, 'gitfence.policy.ts'),
      `export default { push: { protectedBranches: ['release/*'] } };\n`,
    );
    expect(sb.gitfence(repo, ['compile']).code).toBe(0);
    const policy = JSON.parse(readFileSync(join(repo, '.git/gitfence/policy.json'), 'utf8'));
    expect(policy.settings.push.protectedBranches).toEqual(['main', 'release/*']);
    expect(policy.settings.scopes.defaultTtl).toBe('1h');
  });

  test('--emit-default writes the default preset compiled', () => {
    const out = join(sb.root, 'default-policy.json');
    const result = sb.gitfence(sb.root, ['compile', '--emit-default', out]);
    expect(result.code, result.stderr).toBe(0);
    const policy = JSON.parse(readFileSync(out, 'utf8'));
    expect(policy.layers).toEqual([expect.objectContaining({ layer: 'preset:opsGitSafety' })]);
  });

  test('a deleted compiled policy with a source present: doctor fails and says to compile', () => {
    const repo = sb.makeRepo();
    sb.write(join(repo, 'gitfence.policy.ts'), `export default { name: 'mine' };\n`);
    const doctor = sb.gitfence(repo, ['doctor']);
    expect(doctor.code).toBe(2);
    expect(doctor.stdout).toContain('not compiled');
    expect(doctor.stdout).toContain('gitfence compile');
  });
});
