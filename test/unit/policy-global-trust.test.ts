/** Agents get the global policy only when they could not have written it; humans always get it. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { compilePolicyReport } from '../../src/policy/compile.js';
import { presetLayer } from '../../src/policy/layers.js';
import {
  globalTrustPaths,
  hasAgentMarker,
  loadCompiledPolicy,
  writablePathAmong,
} from '../../src/policy/load-compiled.js';
import { loadPolicyFor } from '../../src/facts/policy.js';
import { renderCompiledDocument, writeCompiledPolicy } from '../../src/policy/write-compiled.js';

let root: string;
let gfhome: string;
let defaultPolicyFile: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'gitfence-trust-'));
  gfhome = join(root, 'gfhome');
  mkdirSync(gfhome, { recursive: true });
  defaultPolicyFile = join(root, 'default-policy.json');
  const report = compilePolicyReport([presetLayer('precise')]);
  writeFileSync(
    defaultPolicyFile,
    renderCompiledDocument(report.policy, { disabledRules: [] }).text,
  );
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

type Global = 'present' | 'absent' | 'uncompiled source';

async function setUp(global: Global): Promise<void> {
  if (global === 'present') {
    const report = compilePolicyReport([presetLayer('opsGitSafety')]);
    await writeCompiledPolicy(join(gfhome, 'compiled'), {
      policy: report.policy,
      record: { disabledRules: [] },
      bundle: 'export const checks = {};\n',
    });
  }
  if (global === 'uncompiled source') writeFileSync(join(gfhome, 'policy.ts'), 'export default {}');
}

async function outcome(input: {
  agentContext: boolean;
  env?: Record<string, string>;
  writable: (path: string) => boolean;
}): Promise<unknown> {
  try {
    const { origin } = await loadCompiledPolicy({
      stateDir: null,
      env: { GITFENCE_HOME: gfhome, ...input.env },
      home: join(root, 'home'),
      defaultPolicyFile,
      agentContext: input.agentContext,
      writable: input.writable,
    });
    return origin;
  } catch (error) {
    return { error: (error as { code?: string }).code };
  }
}

const trustedProbe = () => false;
const untrustedProbe = () => true;

describe('the global policy in agent and human contexts', () => {
  const globalFile = () => join(gfhome, 'compiled', 'policy.json');
  const source = () => join(gfhome, 'policy.ts');
  const fromDefault = () => ({ kind: 'default', file: defaultPolicyFile });
  const fromGlobal = () => ({ kind: 'global', file: globalFile() });
  const notCompiled = { error: 'POLICY_NOT_COMPILED' };

  const table: Array<[string, boolean, Global, () => unknown]> = [
    // trusted × agent
    ['trusted', true, 'present', fromGlobal],
    ['trusted', true, 'absent', fromDefault],
    ['trusted', true, 'uncompiled source', () => notCompiled],
    // untrusted × agent: ignored, the built-in default applies (never "no policy")
    ['untrusted', true, 'present', () => ({ ...fromDefault(), ignoredGlobal: globalFile() })],
    ['untrusted', true, 'absent', fromDefault],
    ['untrusted', true, 'uncompiled source', () => ({ ...fromDefault(), ignoredGlobal: source() })],
    // human: nothing changes
    ['trusted', false, 'present', fromGlobal],
    ['trusted', false, 'absent', fromDefault],
    ['trusted', false, 'uncompiled source', () => notCompiled],
    ['untrusted', false, 'present', fromGlobal],
    ['untrusted', false, 'absent', fromDefault],
    ['untrusted', false, 'uncompiled source', () => notCompiled],
  ];

  test.each(table)('%s, agent %s, global %s', async (trust, agent, global, expected) => {
    await setUp(global);
    const probed: string[] = [];
    const writable = (path: string) => {
      probed.push(path);
      return (trust === 'trusted' ? trustedProbe : untrustedProbe)();
    };
    expect(await outcome({ agentContext: agent, writable })).toEqual(expected());
    // humans and calls with no global policy probe nothing
    if (!agent || global === 'absent') expect(probed).toEqual([]);
  });

  test('an agent marker in the environment is an agent context', async () => {
    await setUp('present');
    for (const marker of ['LLM_AGENT_NAME', 'CLAUDECODE', 'GEMINI_CLI', 'CODEX_SANDBOX']) {
      expect(
        await outcome({ agentContext: false, env: { [marker]: '1' }, writable: untrustedProbe }),
      ).toEqual({ kind: 'default', file: defaultPolicyFile, ignoredGlobal: globalFile() });
    }
    expect(hasAgentMarker({ LLM_AGENT_NAME: '' })).toBe(false);
  });

  test('each of policy.json, compiled/ and $GITFENCE_HOME must be unwritable', async () => {
    await setUp('present');
    const paths = globalTrustPaths(gfhome, globalFile());
    expect(paths).toEqual([globalFile(), join(gfhome, 'compiled'), gfhome]);
    for (const open of paths) {
      const writable = (path: string) => path === open;
      expect(writablePathAmong(paths, writable)).toBe(open);
      expect(await outcome({ agentContext: true, writable })).toMatchObject({ kind: 'default' });
    }
    expect(await outcome({ agentContext: true, writable: trustedProbe })).toEqual(fromGlobal());
  });

  test('loadPolicyFor passes the agent context through', async () => {
    await setUp('present');
    const env = { GITFENCE_HOME: gfhome };
    // as root in a temp dir everything is writable: the agent gets the built-in default
    const asAgent = await loadPolicyFor(null, env, join(root, 'home'), true);
    expect(asAgent.file).not.toBe(globalFile());
    const asHuman = await loadPolicyFor(null, env, join(root, 'home'));
    expect(asHuman.file).toBe(globalFile());
  });
});
