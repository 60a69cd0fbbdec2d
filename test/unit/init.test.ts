/** init's pure parts: the managed hook block (chaining, idempotence), the prepare script, the policy template. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_END,
  BLOCK_START,
  mergeHookScript,
  removeHookBlock,
  renderHookBlock,
  type HookTemplates,
} from '../../src/install/hook-script.js';
import { addPrepareScript } from '../../src/install/package-json.js';
import { renderPolicyTemplate } from '../../src/install/policy-template.js';
import { PROJECT_ROOT } from '../helpers/sandbox.js';

const read = (name: string) => readFileSync(join(PROJECT_ROOT, 'hooks', name), 'utf8');
const templates: HookTemplates = {
  run: read('gitfence-run.sh'),
  hooks: { 'pre-push': read('pre-push'), 'pre-commit': read('pre-commit') },
};
const block = (hook: string, chained: string[] = [], cliPath = '/opt/gf/bin/gitfence.js') =>
  renderHookBlock(templates, {
    hook,
    nodePath: '/usr/bin/node',
    cliPath,
    gitPath: '/usr/bin/git',
    chained,
  });

describe('the managed hook block', () => {
  it('pre-push keeps stdin for chained hooks and the project’s own lines', () => {
    const text = block('pre-push', ['/r/.git/hooks/pre-push']);
    expect(text.startsWith(`${BLOCK_START}\n`)).toBe(true);
    expect(text.endsWith(`${BLOCK_END}\n`)).toBe(true);
    expect(text).toContain("gitfence_cli='/opt/gf/bin/gitfence.js'");
    expect(text).toContain(
      'gitfence_run hook pre-push --real-git="$gitfence_git" -- "$@" < "$gitfence_in"',
    );
    expect(text).toContain(
      `if [ -x '/r/.git/hooks/pre-push' ]; then '/r/.git/hooks/pre-push' "$@" < "$gitfence_in"`,
    );
    expect(text).toContain('exec < "$gitfence_in"');
    expect(text).not.toMatch(/@[A-Z]+@/);
  });

  it('names the real git init found, so the committer’s environment cannot choose it', () => {
    for (const hook of ['pre-commit', 'pre-push']) {
      const text = block(hook);
      expect(text).toContain("gitfence_git='/usr/bin/git'");
      expect(text).toContain(`gitfence_run hook ${hook} --real-git="$gitfence_git" -- "$@"`);
    }
  });

  it('quotes awkward paths for the shell', () => {
    const text = block('pre-commit', [], "/o'dd $HOME/gitfence.js");
    expect(text).toContain(`gitfence_cli='/o'\\''dd $HOME/gitfence.js'`);
  });

  it('hooks gitfence does not check only chain', () => {
    const text = block('commit-msg', ['/r/.git/hooks/commit-msg']);
    expect(text).not.toContain('gitfence_run');
    expect(text).toContain(`'/r/.git/hooks/commit-msg' "$@"`);
  });

  it('goes in front of existing content, after a shebang, and replaces itself on re-run', () => {
    const existing = '#!/usr/bin/env sh\nnpm test\n';
    const once = mergeHookScript(existing, block('pre-commit'));
    expect(once.startsWith(`#!/usr/bin/env sh\n${BLOCK_START}`)).toBe(true);
    expect(once.endsWith(`${BLOCK_END}\nnpm test\n`)).toBe(true);
    const twice = mergeHookScript(once, block('pre-commit', [], '/new/gitfence.js'));
    expect(twice.split(BLOCK_START)).toHaveLength(2);
    expect(twice).toContain('/new/gitfence.js');
    expect(twice).not.toContain('/opt/gf');
    expect(mergeHookScript(once, block('pre-commit'))).toBe(once);
    expect(removeHookBlock(once)).toBe(existing);
    expect(mergeHookScript(null, block('pre-commit'))).toBe(block('pre-commit'));
    expect(mergeHookScript('npm test\n', 'B\n')).toBe('B\nnpm test\n');
  });
});

describe('the prepare script', () => {
  it('adds husky, keeps an existing prepare step and the file’s indentation', () => {
    expect(addPrepareScript('{\n  "name": "x"\n}\n')).toBe(
      '{\n  "name": "x",\n  "scripts": {\n    "prepare": "husky"\n  }\n}\n',
    );
    expect(
      JSON.parse(addPrepareScript('{"scripts":{"prepare":"npm run build"}}')!).scripts.prepare,
    ).toBe('npm run build && husky');
    expect(addPrepareScript('{\n\t"name": "x"\n}')).toContain('\n\t"scripts"');
  });

  it('changes nothing when husky is already there or the file is not an object', () => {
    expect(addPrepareScript('{"scripts":{"prepare":"husky"}}')).toBeNull();
    expect(addPrepareScript('{"scripts":{"prepare":"build && husky || true"}}')).toBeNull();
    expect(addPrepareScript('[1]')).toBeNull();
    expect(addPrepareScript('not json')).toBeNull();
  });
});

describe('the policy template', () => {
  it('extends the chosen preset and protects the usual branches', () => {
    const text = renderPolicyTemplate('precise');
    expect(text).toContain("import { definePolicy, presets } from 'gitfence';");
    expect(text).toContain('extends: [presets.precise]');
    expect(text).toContain("protectedBranches: ['main', 'master', 'release/*']");
  });
});
