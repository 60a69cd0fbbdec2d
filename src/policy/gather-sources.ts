/** Finding which policy files exist for a compile: the global one and the repository's. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { homePaths, POLICY_FILE } from '../repo/state-paths.js';
import type { PolicyFile } from './load-source.js';

export function gatherPolicyFiles(options: {
  gitfenceHome: string;
  /** The worktree top level; null outside one (bare repository, `--global`). */
  repoRoot: string | null;
  exists?: (file: string) => boolean;
}): PolicyFile[] {
  const exists = options.exists ?? existsSync;
  const files: PolicyFile[] = [];
  const global = homePaths(options.gitfenceHome).globalPolicySource;
  if (exists(global)) files.push({ layer: 'global', file: global, display: global });
  if (options.repoRoot) {
    const repository = join(options.repoRoot, POLICY_FILE);
    if (exists(repository))
      files.push({ layer: 'repository', file: repository, display: POLICY_FILE });
  }
  return files;
}
