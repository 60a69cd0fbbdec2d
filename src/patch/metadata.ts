/** The metadata JSON saved beside every patch: who, which scopes, which base, which files, and the patch's sha256. */
import { createHash } from 'node:crypto';

export const PATCH_FORMAT = 'gitfence/patch@1' as const;

export interface PatchFileEntry {
  path: string;
  status: 'A' | 'M' | 'D' | 'R' | 'C' | 'T';
  oldPath?: string;
}

/** The metadata document (validated on load by metadata-schema.ts, which keeps zod off the save path). */
export interface PatchMetadata {
  format: typeof PATCH_FORMAT;
  /** The agent that saved it; null for the orchestrator. */
  agent: string | null;
  /** The scope globs the patch was limited to (`["**"]` with --all). */
  scopes: string[];
  all: boolean;
  /** The commit the patch is a diff against (HEAD when it was saved). */
  base: string;
  /** The branch checked out when saved, for the orchestrator's information. */
  branch: string | null;
  files: PatchFileEntry[];
  sha256: string;
  bytes: number;
  /** ISO 8601. */
  created: string;
  message?: string;
  gitfenceVersion: string;
  /** The patch file's name (beside this JSON). */
  patch: string;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Loads node:crypto and its sha256 (several ms of start-up) ahead of need, e.g. while git runs. */
export function warmHashing(): void {
  createHash('sha256');
}

/** The metadata file for a patch file: `x.patch` → `x.json`. */
export function metadataPathFor(patchPath: string): string {
  return patchPath.endsWith('.patch')
    ? `${patchPath.slice(0, -'.patch'.length)}.json`
    : `${patchPath}.json`;
}

export function renderMetadata(metadata: PatchMetadata): string {
  return `${JSON.stringify(metadata, null, 2)}\n`;
}
