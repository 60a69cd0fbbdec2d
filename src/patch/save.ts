/** Saving a scoped patch: gather it, then write the patch and its metadata (or the patch to stdout). */
import { closeSync, constants, fsyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import type { RepoInfo } from '../repo/discover.js';
import { statePaths } from '../repo/state-paths.js';
import type { GitResult, GitRunner } from '../util/git-runner.js';
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
  /** The scope's listing (`listScope`), already started. */
  listing?: Promise<GitResult>;
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

/**
 * Write the patch under a fresh name (`-2`, `-3`, … on a clash, so two saves in one second never
 * overwrite each other) and make it durable. It needs no temp-and-rename: readers find a patch
 * through its metadata, written after it, and check its sha256.
 */
function writeNewPatch(dir: string, stem: string, patch: Buffer): string {
  mkdirSync(dir, { recursive: true });
  for (let n = 1; ; n += 1) {
    const path = join(dir, n === 1 ? `${stem}.patch` : `${stem}-${n}.patch`);
    let fd: number;
    try {
      fd = openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || n > 1000) throw error;
      continue;
    }
    try {
      for (let at = 0; at < patch.length;) at += writeSync(fd, patch, at);
      fsyncSync(fd);
    } catch (error) {
      closeSync(fd);
      rmSync(path, { force: true });
      throw error;
    }
    closeSync(fd);
    return path;
  }
}

export async function savePatch(options: SaveOptions): Promise<SaveResult> {
  const scoped = await gatherScopedPatch({
    git: options.git,
    repo: options.repo,
    scopes: options.scopes,
    ...(options.tmpRoot ? { tmpRoot: options.tmpRoot } : {}),
    ...(options.listing ? { listing: options.listing } : {}),
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
  const patchPath = writeNewPatch(dir, stem, scoped.patch);
  const metaPath = metadataPathFor(patchPath);
  metadata.patch = patchPath.slice(dir.length + 1);
  try {
    writeFileAtomicSync(metaPath, renderMetadata(metadata));
  } catch (error) {
    rmSync(patchPath, { force: true });
    rmSync(metaPath, { force: true });
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
