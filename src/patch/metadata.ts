/** The metadata JSON saved beside every patch: who, which scopes, which base, which files, and the patch's sha256. */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { GitfenceError } from '../errors.js';

export const PATCH_FORMAT = 'gitfence/patch@1';

const FileEntry = z
  .object({
    path: z.string().min(1),
    status: z.enum(['A', 'M', 'D', 'R', 'C', 'T']),
    oldPath: z.string().min(1).optional(),
  })
  .strict();

export const PatchMetadataSchema = z
  .object({
    format: z.literal(PATCH_FORMAT),
    /** The agent that saved it; null for the orchestrator. */
    agent: z.string().min(1).nullable(),
    /** The scope globs the patch was limited to (`["**"]` with --all). */
    scopes: z.array(z.string().min(1)).min(1),
    all: z.boolean(),
    /** The commit the patch is a diff against (HEAD when it was saved). */
    base: z.string().regex(/^[0-9a-f]{40}([0-9a-f]{24})?$/, 'a full commit id'),
    /** The branch checked out when saved, for the orchestrator's information. */
    branch: z.string().nullable(),
    files: z.array(FileEntry),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 hex digest'),
    bytes: z.number().int().nonnegative(),
    /** ISO 8601. */
    created: z.string().min(1),
    message: z.string().optional(),
    gitfenceVersion: z.string().min(1),
    /** The patch file's name (beside this JSON). */
    patch: z.string().min(1),
  })
  .strict();

export type PatchMetadata = z.output<typeof PatchMetadataSchema>;
export type PatchFileEntry = z.output<typeof FileEntry>;

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
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

/** Validate metadata text; malformed metadata is a usage error (exit 2) naming the field. */
export function loadPatchMetadata(text: string, where: string): PatchMetadata {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new GitfenceError('USAGE', 'patch metadata is not valid JSON', {
      where,
      got: error instanceof Error ? error.message : String(error),
      hint: 'save the patch again with `save-patch`',
    });
  }
  const parsed = PatchMetadataSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    throw new GitfenceError('USAGE', `invalid patch metadata${path ? ` at ${path}` : ''}`, {
      where,
      expected: issue?.message ?? `a ${PATCH_FORMAT} document`,
      got: path
        ? JSON.stringify(
            path
              .split('.')
              .reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], raw),
          )
        : typeof raw,
      hint: 'save the patch again with `save-patch`; do not edit metadata by hand',
    });
  }
  return parsed.data;
}
