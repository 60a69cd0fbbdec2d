/**
 * Husky v9, through its own programmatic API (`husky(dir)`). Husky works on the process's cwd and
 * environment, so the call is wrapped: chdir to the worktree, no `HUSKY=0`, then both restored.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import husky from 'husky';
import { GitfenceError } from '../errors.js';

export const HUSKY_DIR = '.husky';

/** The hooks husky's runtime (`.husky/_`) has a stub for. */
export const HUSKY_HOOKS = [
  'pre-commit',
  'pre-merge-commit',
  'prepare-commit-msg',
  'commit-msg',
  'post-commit',
  'applypatch-msg',
  'pre-applypatch',
  'post-applypatch',
  'pre-rebase',
  'post-rewrite',
  'post-checkout',
  'post-merge',
  'pre-push',
  'pre-auto-gc',
] as const;

/** Run husky in `root` (a worktree top level). Throws when husky reports a problem. */
export function runHusky(root: string): void {
  const previousCwd = process.cwd();
  const previousHusky = process.env.HUSKY;
  // HUSKY=0 makes husky skip the install; enforcement must not depend on the caller's environment.
  delete process.env.HUSKY;
  let message: string;
  try {
    process.chdir(root);
    message = husky(HUSKY_DIR);
  } finally {
    process.chdir(previousCwd);
    if (previousHusky !== undefined) process.env.HUSKY = previousHusky;
  }
  if (message !== '' || !existsSync(join(root, HUSKY_DIR, '_', 'h'))) {
    throw new GitfenceError('INTERNAL', 'husky could not install its hooks', {
      where: root,
      got: message || `no ${HUSKY_DIR}/_/h after installing`,
      hint: 'check that git is on PATH and the repository is writable, then run `gitfence init` again',
    });
  }
}

/** Husky's runtime has stubs for 14 hooks; a shadowed legacy hook of another name gets one too. */
export function ensureRuntimeStub(root: string, hook: string): void {
  const stub = join(root, HUSKY_DIR, '_', hook);
  if (existsSync(stub)) return;
  writeFileSync(stub, '#!/usr/bin/env sh\n. "$(dirname "$0")/h"', { mode: 0o755 });
}
