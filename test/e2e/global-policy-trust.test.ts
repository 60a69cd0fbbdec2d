/**
 * The global policy cannot loosen what applies to an agent: an agent that compiles a global policy
 * in a folder of its own gets the built-in default instead. Real CLI, throwaway folders.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { CLI, createSandbox, must, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeEach(() => {
  sb = createSandbox();
});
afterEach(() => sb.cleanup());

const asRoot = process.getuid?.() === 0;

describe('the global policy and agents', () => {
  test('an agent-owned global policy that disables the reset rule is ignored for agents', () => {
    // the agent's own GITFENCE_HOME, compiled without LLM_AGENT_NAME
    const evil = join(sb.root, 'evil');
    sb.write(
      join(evil, 'policy.ts'),
      `export default { disableRules: ['rollback/reset', 'discard-worktree-changes'] };\n`,
    );
    must(sb.gitfence(sb.root, ['compile', '--global'], { GITFENCE_HOME: evil }));
    const repo = sb.makeRepo();
    const check = (env: Record<string, string | undefined>) =>
      sb.gitfence(repo, ['check', '--', 'reset', '--hard'], { GITFENCE_HOME: evil, ...env });

    const agent = check({ LLM_AGENT_NAME: 'a' });
    expect(agent.code, agent.stdout + agent.stderr).toBe(42);
    expect(agent.stderr).toContain('rollback/reset');
    // an agent marker alone is an agent context too
    expect(check({ CLAUDECODE: '1' }).code).toBe(42);
    // the agent hook and check-shell paths are agent-facing whatever the environment says
    expect(
      sb.gitfence(repo, ['check-shell', '--', 'git reset --hard'], { GITFENCE_HOME: evil }).code,
    ).toBe(42);

    // a human (no markers) still gets the global policy
    const human = check({});
    expect(human.code, human.stderr).toBe(0);

    // doctor says the global policy is ignored for agents
    const doctor = sb.gitfence(sb.root, ['doctor'], { GITFENCE_HOME: evil });
    expect(doctor.stdout).toContain('is ignored for agents');
  });

  test('an uncompiled global source an agent could have written does not deny everything', () => {
    const evil = join(sb.root, 'evil');
    sb.write(join(evil, 'policy.ts'), `export default {};\n`);
    const repo = sb.makeRepo();
    const run = (env: Record<string, string>) =>
      sb.gitfence(repo, ['check', '--', 'log'], { GITFENCE_HOME: evil, ...env });
    expect(run({ LLM_AGENT_NAME: 'a' }).code).toBe(0);
    // humans are still told to compile it
    const human = run({});
    expect(human.code).toBe(42);
    expect(human.stderr).toContain('not compiled');
  });

  test.runIf(asRoot)(
    'as an unprivileged user, a root-owned global policy that adds a rule is honoured for agents',
    () => {
      sb.write(
        join(sb.gitfenceHome, 'policy.ts'),
        `export default { git: { denyIfContains: ['frobnicate'] } };\n`,
      );
      must(sb.gitfence(sb.root, ['compile', '--global']));
      // nobody may read the sandbox, not write it
      chmodSync(sb.root, 0o755);
      const outside = join(sb.root, 'outside');
      mkdirSync(outside);
      const asNobody = (env: Record<string, string>) =>
        sb.run(
          'setpriv',
          [
            '--reuid=65534',
            '--regid=65534',
            '--clear-groups',
            process.execPath,
            CLI,
            'check',
            '--',
            'tag',
            'frobnicate',
          ],
          { cwd: outside, env },
        );
      const agent = asNobody({ LLM_AGENT_NAME: 'a' });
      expect(agent.code, agent.stdout + agent.stderr).toBe(42);
      expect(agent.stderr).toContain('frobnicate');
      expect(asNobody({}).code).toBe(42);
      // the built-in default allows it: the denial is the global policy's
      const withDefault = sb.gitfence(outside, ['check', '--', 'tag', 'frobnicate'], {
        GITFENCE_HOME: join(sb.root, 'empty-home'),
      });
      expect(withDefault.code, withDefault.stderr).toBe(0);
    },
  );
});
