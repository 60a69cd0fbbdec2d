/**
 * Canonical JSON (sorted keys) and the integrity of compiled policies. The enforcement path loads
 * this on every delegated git call, so it imports nothing: the integrity guards against corruption
 * (a torn or damaged file), not tampering — whoever can write policy.json can recompute any hash.
 */

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

/**
 * FNV-1a-style mixing over 32-bit little-endian words in two lanes (64 bits). Word-wise because the
 * first call runs in the interpreter: a quarter of the iterations of a byte loop.
 */
export function hash64(text: string): string {
  // a local imul and length: the interpreter then skips two property loads per word (~25% of the loop)
  const imul = Math.imul;
  const bytes = new TextEncoder().encode(text);
  const words = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.length >>> 2);
  const count = words.length;
  let a = 0x811c9dc5 ^ bytes.length;
  let b = 0xcbf29ce4;
  for (let i = 0; i < count; i += 1) {
    const word = words[i]!;
    a = imul(a ^ word, 0x01000193);
    b = imul(b ^ word ^ (a >>> 15), 0x01000193);
  }
  for (let i = count * 4; i < bytes.length; i += 1) {
    a = imul(a ^ bytes[i]!, 0x01000193);
    b = imul(b ^ bytes[i]! ^ (a >>> 15), 0x01000193);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The integrity field of policy.json: over everything in the file except the field itself. */
export function integrityOf(document: Record<string, unknown>): string {
  const { integrity: _ignored, ...rest } = document;
  return `h64:${hash64(canonicalJson(rest))}`;
}

/**
 * The integrity check without rebuilding canonical JSON: true when `text` is exactly the canonical
 * document the writer hashed plus its `integrity` field (and one final newline). Anything else
 * (an older pretty-printed file, an edit, a nested field of that name first) answers false, and the
 * caller falls back to `integrityOf` over the parsed document, so nothing is accepted that it refuses.
 */
export function textMatchesIntegrity(text: string, claimed: unknown): boolean {
  if (typeof claimed !== 'string' || !/^h64:[0-9a-f]{16}$/.test(claimed)) return false;
  const field = `"integrity":"${claimed}"`;
  const at = text.indexOf(field);
  if (at < 1 || !text.endsWith('}\n')) return false;
  const end = at + field.length;
  const body =
    text[at - 1] === ','
      ? text.slice(0, at - 1) + text.slice(end, -1)
      : text[end] === ','
        ? text.slice(0, at) + text.slice(end + 1, -1)
        : text.slice(0, at) + text.slice(end, -1);
  return `h64:${hash64(body)}` === claimed;
}
