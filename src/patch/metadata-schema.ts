/** Validating patch metadata on load (apply-patch only: zod stays off save-patch's start-up path). */
import { z } from 'zod';
import { GitfenceError } from '../errors.js';
import { PATCH_FORMAT, type PatchMetadata } from './metadata.js';

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

// The hand-written type and the schema must agree.
type Parsed = z.output<typeof PatchMetadataSchema>;
const _sameShape: [Parsed, PatchMetadata] extends [PatchMetadata, Parsed] ? true : never = true;
void _sameShape;

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
