/** Saving a scoped patch: gather it, then write the patch and its metadata (or the patch to stdout). */
import { constants } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import type { GitRunner } from '../util/git-runner.js';
import { gatherScopedPatch } from './gather.js';
import {
  metadataPathFor,
  PATCH_FORMAT,
  renderMetadata,
  sha256Hex,
  type PatchMetadata,
} from './metadata.js';

export interface SaveOptions {
  git: GitRunner;
  repo: RepoInfo;
  agent: string | null;
  scopes: string[];
  all: boolean;
  /** Write here instead of `<state>/patches/<agent>/`. */
  outDir?: string;
  /** Return the patch for stdout instead of writing files. */
  toStdout: boolean;
  message?: string;
  now: number;
  version: string;
  tmpRoot?: string;
}

export interface SaveResult {
  status: 'saved' | 'nothing' | 'stdout';
  patch: Buffer;
  metadata: PatchMetadata | null;
  patchPath?: string;
  metaPath?: string;
  skipped: string[];
}

/** A directory name for an agent: safe characters only, never empty. */
export function agentDirName(agent: string | null): string {
  if (agent === null) return '_orchestrator';
  const safe = agent.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_');
  return safe || '_agent';
}

/** `20261121T081502Z` from epoch ms. */
export function renderTimestamp(now: number): string {
  return new Date(now)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** A short readable slug from the scopes: `src-a`, `all`, `src-a-and-2-more`. */
export function renderSlug(scopes: readonly string[], all: boolean): string {
  if (all) return 'all';
  const first = (scopes[0] ?? 'patch')
    .replace(/[*?[\]{}()!+@,]+/g, '-')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 40)
    .replace(/[-.]+$/, '');
  const more = scopes.length > 1 ? `-and-${scopes.length - 1}-more` : '';
  return `${first || 'root'}${more}`;
}

/** Claim a fresh file name (`-2`, `-3`, … on a clash) so two saves in one second never overwrite each other. */
async function claimName(dir: string, stem: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (let n = 1; ; n += 1) {
    const name = n === 1 ? `${stem}.patch` : `${stem}-${n}.patch`;
    const path = join(dir, name);
    try {
      const handle = await open(
        path,
        constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY,
        0o644,
      );
      await handle.close();
      return path;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw error;
    }
  }
}

export async function savePatch(options: SaveOptions): Promise<SaveResult> {
  const scoped = await gatherScopedPatch({
    git: options.git,
    repo: options.repo,
    scopes: options.scopes,
    ...(options.tmpRoot ? { tmpRoot: options.tmpRoot } : {}),
  });
  if (scoped.files.length === 0) {
    return { status: 'nothing', patch: scoped.patch, metadata: null, skipped: scoped.skipped };
  }
  const metadata: PatchMetadata = {
    format: PATCH_FORMAT,
    agent: options.agent,
    scopes: options.scopes,
    all: options.all,
    base: scoped.base,
    branch: scoped.branch,
    files: scoped.files.map((f) => ({
      path: f.path,
      status: f.status,
      ...(f.oldPath ? { oldPath: f.oldPath } : {}),
    })),
    sha256: sha256Hex(scoped.patch),
    bytes: scoped.patch.length,
    created: new Date(options.now).toISOString(),
    ...(options.message ? { message: options.message } : {}),
    gitfenceVersion: options.version,
    patch: '(stdout)',
  };
  if (options.toStdout) {
    return { status: 'stdout', patch: scoped.patch, metadata, skipped: scoped.skipped };
  }
  const dir =
    options.outDir ?? join(statePaths(options.repo.stateDir).patches, agentDirName(options.agent));
  const stem = `${renderTimestamp(options.now)}-${renderSlug(options.scopes, options.all)}`;
  const patchPath = await claimName(dir, stem);
  const metaPath = metadataPathFor(patchPath);
  metadata.patch = patchPath.slice(dir.length + 1);
  try {
    await writeFileAtomic(patchPath, scoped.patch);
    await writeFileAtomic(metaPath, renderMetadata(metadata));
  } catch (error) {
    await rm(patchPath, { force: true });
    await rm(metaPath, { force: true });
    throw error;
  }
  return {
    status: 'saved',
    patch: scoped.patch,
    metadata,
    patchPath,
    metaPath,
    skipped: scoped.skipped,
  };
}
