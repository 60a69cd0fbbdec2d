/** Canonical JSON (sorted keys) and its sha256: the integrity of compiled policies. No heavy imports: the enforcement path loads this. */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map(
      (key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`,
    );
  return `{${entries.join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The integrity field of policy.json: over everything in the file except the field itself. */
export function integrityOf(document: Record<string, unknown>): string {
  const { integrity: _ignored, ...rest } = document;
  return `sha256:${sha256(canonicalJson(rest))}`;
}
