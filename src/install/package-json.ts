/** The `prepare` script husky wants (`husky`), added to a project's package.json without disturbing it. */

/** The new package.json text, or null when nothing needs to change (or the file is not an object). */
export function addPrepareScript(text: string): string | null {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return null;
  }
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) return null;
  const record = manifest as Record<string, unknown>;
  const scripts =
    record.scripts && typeof record.scripts === 'object' && !Array.isArray(record.scripts)
      ? (record.scripts as Record<string, unknown>)
      : {};
  const prepare = scripts.prepare;
  if (typeof prepare === 'string' && /(^|[\s;&|])husky(\s|$|;|&|\|)/.test(prepare)) return null;
  // An existing prepare step keeps running; husky runs after it.
  scripts.prepare = typeof prepare === 'string' && prepare.trim() ? `${prepare} && husky` : 'husky';
  record.scripts = scripts;
  const indent = /^\s*\{\s*\n(\t)/.test(text) ? '\t' : (/^\s*\{\s*\n( +)/.exec(text)?.[1] ?? 2);
  return `${JSON.stringify(record, null, indent)}\n`;
}
