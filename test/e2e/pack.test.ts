/**
 * Packaging: the tarball `npm pack` makes, installed globally into a temp prefix, compiles a policy
 * that imports 'gitfence' in a repository with no node_modules, and enforces it.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createSandbox, must, PROJECT_ROOT, type Sandbox } from '../helpers/sandbox.js';

let sb: Sandbox;
beforeAll(() => {
  sb = createSandbox();
});
afterAll(() => sb.cleanup());

test(
  'npm pack → npm install -g → compile and check in a throwaway repo',
  { timeout: 600_000 },
  () => {
    // The sandbox HOME has no npmrc: carry over only how this machine trusts TLS, and fail fast.
    const tls: Record<string, string> = {};
    for (const key of ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR']) {
      const value = process.env[key];
      if (value) tls[key] = value;
    }
    const cafile =
      process.env.npm_config_cafile ??
      process.env.SSL_CERT_FILE ??
      '/etc/ssl/certs/ca-certificates.crt';
    if (existsSync(cafile)) tls.npm_config_cafile = cafile;
    const npm = (args: string[], cwd: string) =>
      must(
        sb.run('npm', args, {
          cwd,
          env: {
            ...tls,
            npm_config_update_notifier: 'false',
            npm_config_fund: 'false',
            npm_config_audit: 'false',
            npm_config_fetch_retries: '1',
          },
        }),
      );

    npm(['run', 'build'], PROJECT_ROOT);
    const packDir = join(sb.root, 'pack');
    mkdirSync(packDir);
    npm(['pack', '--pack-destination', packDir], PROJECT_ROOT);
    const tarball = readdirSync(packDir).find((file) => file.endsWith('.tgz'));
    expect(tarball).toBeDefined();

    const prefix = join(sb.root, 'prefix');
    npm(['install', '-g', '--prefix', prefix, join(packDir, tarball!)], sb.root);
    const bin = join(prefix, 'bin', 'gitfence');
    expect(existsSync(bin)).toBe(true);

    const repo = sb.makeRepo();
    sb.write(
      join(repo, 'gitfence.policy.ts'),
      `import { definePolicy, presets } from 'gitfence';
export default definePolicy({
  extends: [presets.opsGitSafety],
  git: { denyIfContains: ['--no-verify'] },
  push: { protectedBranches: ['main', 'release/*'] },
});
`,
    );
    expect(existsSync(join(repo, 'node_modules'))).toBe(false);
    const compiled = sb.run(bin, ['compile'], { cwd: repo });
    expect(compiled.code, compiled.stderr).toBe(0);
    expect(existsSync(join(repo, '.git/gitfence/policy.json'))).toBe(true);

    const denied = sb.run(bin, ['check', '--', 'reset', '--hard'], { cwd: repo });
    expect(denied.code, denied.stderr).toBe(42);
    expect(denied.stderr + denied.stdout).toMatch(/rollback\/reset|discard-worktree-changes/);
    const allowed = sb.run(bin, ['check', '--', 'status'], { cwd: repo });
    expect(allowed.code, allowed.stderr).toBe(0);
  },
);
