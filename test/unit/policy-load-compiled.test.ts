import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compilePolicyReport } from '../../src/policy/compile.js';
import { presetLayer } from '../../src/policy/layers.js';
import { canonicalJson, textMatchesIntegrity } from '../../src/policy/canonical.js';
import { loadCompiledPolicy, parseCompiledPolicy } from '../../src/policy/load-compiled.js';
import { renderCompiledDocument, writeCompiledPolicy } from '../../src/policy/write-compiled.js';

let root: string;
let stateDir: string;
let home: string;
let defaultPolicyFile: string;
const env = () => ({ GITFENCE_HOME: join(root, 'gfhome') });

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gitfence-load-'));
  stateDir = join(root, 'repo', '.git', 'gitfence');
  home = join(root, 'home');
  mkdirSync(join(root, 'repo', '.git'), { recursive: true });
  const report = compilePolicyReport([presetLayer('precise')]);
  defaultPolicyFile = join(root, 'default-policy.json');
  writeFileSync(
    defaultPolicyFile,
    renderCompiledDocument(report.policy, { disabledRules: [] }).text,
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const compiled = () => {
  const report = compilePolicyReport([presetLayer('opsGitSafety')]);
  return {
    policy: report.policy,
    record: { disabledRules: [] },
    bundle: 'export const checks = {};\n',
  };
};

describe('loadCompiledPolicy', () => {
  test("uses the repository's compiled policy, verified", async () => {
    await writeCompiledPolicy(stateDir, compiled());
    const { policy, origin } = await loadCompiledPolicy({
      stateDir,
      env: env(),
      home,
      defaultPolicyFile,
    });
    expect(origin).toEqual({ kind: 'repository', file: join(stateDir, 'policy.json') });
    expect(policy.rules.some((rule) => rule.id === 'rollback/reset')).toBe(true);
    expect((policy as unknown as Record<string, unknown>).integrity).toBeUndefined();
  });

  test('a policy source without a compiled policy is POLICY_NOT_COMPILED with the fix', async () => {
    writeFileSync(join(root, 'repo', 'gitfence.policy.ts'), 'export default {}');
    await expect(
      loadCompiledPolicy({ stateDir, env: env(), home, defaultPolicyFile }),
    ).rejects.toMatchObject({
      code: 'POLICY_NOT_COMPILED',
      details: { hint: expect.stringContaining('gitfence compile') },
    });
  });

  test('an edited, truncated or foreign policy.json is POLICY_CORRUPT', async () => {
    await writeCompiledPolicy(stateDir, compiled());
    const file = join(stateDir, 'policy.json');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"rollback/reset"', '"rollback/resex"'));
    await expect(
      loadCompiledPolicy({ stateDir, env: env(), home, defaultPolicyFile }),
    ).rejects.toMatchObject({
      code: 'POLICY_CORRUPT',
      message: expect.stringContaining('integrity'),
    });
    writeFileSync(file, text.slice(0, 100));
    await expect(
      loadCompiledPolicy({ stateDir, env: env(), home, defaultPolicyFile }),
    ).rejects.toMatchObject({
      code: 'POLICY_CORRUPT',
    });
    writeFileSync(file, '{"format":"something-else"}');
    await expect(
      loadCompiledPolicy({ stateDir, env: env(), home, defaultPolicyFile }),
    ).rejects.toMatchObject({
      code: 'POLICY_CORRUPT',
    });
  });

  test('no source and nothing compiled: the global compiled policy, else the built-in default', async () => {
    const fromDefault = await loadCompiledPolicy({ stateDir, env: env(), home, defaultPolicyFile });
    expect(fromDefault.origin).toEqual({ kind: 'default', file: defaultPolicyFile });
    const globalDir = join(root, 'gfhome', 'compiled');
    await writeCompiledPolicy(globalDir, compiled());
    const fromGlobal = await loadCompiledPolicy({ stateDir, env: env(), home, defaultPolicyFile });
    expect(fromGlobal.origin).toEqual({ kind: 'global', file: join(globalDir, 'policy.json') });
    const outside = await loadCompiledPolicy({
      stateDir: null,
      env: env(),
      home,
      defaultPolicyFile,
    });
    expect(outside.origin.kind).toBe('global');
  });

  test('an uncompiled global policy source does not silently fall back to the default', async () => {
    mkdirSync(join(root, 'gfhome'), { recursive: true });
    writeFileSync(join(root, 'gfhome', 'policy.ts'), 'export default {}');
    await expect(
      loadCompiledPolicy({ stateDir, env: env(), home, defaultPolicyFile }),
    ).rejects.toMatchObject({
      code: 'POLICY_NOT_COMPILED',
      details: { hint: expect.stringContaining('--global') },
    });
  });

  test('never "no policy": a missing built-in default is POLICY_CORRUPT', async () => {
    await expect(
      loadCompiledPolicy({
        stateDir,
        env: env(),
        home,
        defaultPolicyFile: join(root, 'missing.json'),
      }),
    ).rejects.toMatchObject({ code: 'POLICY_CORRUPT' });
  });

  test('the writer emits canonical text the loader verifies by one hash; other spellings still verify', async () => {
    const { policy, record } = compiled();
    const { text, integrity } = renderCompiledDocument(policy, record);
    expect(text).toBe(`${canonicalJson(JSON.parse(text))}\n`);
    expect(textMatchesIntegrity(text, integrity)).toBe(true);
    expect(
      textMatchesIntegrity(
        text,
        integrity.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
      ),
    ).toBe(false);
    // a pretty-printed file (older writers, hand tools) is not the hashed text, but the same document
    const pretty = `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
    expect(textMatchesIntegrity(pretty, integrity)).toBe(false);
    expect(parseCompiledPolicy(pretty, 'pretty.json')).toEqual(parseCompiledPolicy(text, 'x.json'));
    // every one-character edit of the canonical text is refused
    for (let i = 0; i < text.length - 1; i += 97) {
      const edited = text.slice(0, i) + (text[i] === 'a' ? 'b' : 'a') + text.slice(i + 1);
      expect(() => parseCompiledPolicy(edited, 'edited.json')).toThrow();
    }
    // a nested field named integrity earlier in the text does not confuse the quick check
    const nested = text.replace('{"allow":', `{"allow":[{"integrity":"${integrity}"}],"_":`);
    expect(textMatchesIntegrity(nested, integrity)).toBe(false);
    expect(() => parseCompiledPolicy(nested, 'nested.json')).toThrow(/integrity/);
  });
});
