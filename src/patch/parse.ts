/**
 * Reads a git patch (`git diff --binary` output) into its files without trusting it: every header
 * is decoded the way git quotes it, every hunk is counted, and anything else is malformed (exit 2).
 */
import { GitfenceError } from '../errors.js';

export type PatchStatus = 'A' | 'M' | 'D' | 'R' | 'C' | 'T';

export interface PatchFile {
  path: string;
  /** For renames and copies: the source path. */
  oldPath?: string;
  status: PatchStatus;
  oldMode?: string;
  newMode?: string;
  binary: boolean;
}

const ESCAPES: Record<string, number> = {
  a: 7,
  b: 8,
  t: 9,
  n: 10,
  v: 11,
  f: 12,
  r: 13,
  '"': 34,
  '\\': 92,
};

/** The patch text is read as latin1 so every byte survives; names are decoded back to UTF-8. */
function latin1ToUtf8(text: string): string {
  return Buffer.from(text, 'latin1').toString('utf8');
}

/** Decode one C-quoted name (git's `core.quotePath` style); returns the name and what follows it. */
export function unquoteCPath(text: string): { name: string; rest: string } | null {
  if (!text.startsWith('"')) return null;
  const bytes: number[] = [];
  let i = 1;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"') return { name: Buffer.from(bytes).toString('utf8'), rest: text.slice(i + 1) };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined) return null;
      if (/[0-3]/.test(next)) {
        const octal = text.slice(i + 1, i + 4);
        if (!/^[0-3][0-7][0-7]$/.test(octal)) return null;
        bytes.push(parseInt(octal, 8));
        i += 4;
        continue;
      }
      const code = ESCAPES[next];
      if (code === undefined) return null;
      bytes.push(code);
      i += 2;
      continue;
    }
    bytes.push(ch.charCodeAt(0) & 0xff);
    i += 1;
  }
  return null;
}

function malformed(line: number, message: string, got?: string): GitfenceError {
  return new GitfenceError('USAGE', `malformed patch: ${message}`, {
    where: `patch line ${line}`,
    ...(got !== undefined ? { got: JSON.stringify(got.slice(0, 120)) } : {}),
    hint: 'save the patch again with `save-patch`; do not edit patch files by hand',
  });
}

/** A name from a `---`/`+++`/`rename from` line: quoted or raw, with the prefix (if any) removed. */
function headerName(rawName: string, prefix: string | null, line: number): string | null {
  // git ends a ---/+++ name that contains a space with a tab
  const raw = rawName.endsWith('\t') ? rawName.slice(0, -1) : rawName;
  let name: string;
  if (raw.startsWith('"')) {
    const parsed = unquoteCPath(raw);
    if (!parsed || parsed.rest !== '') throw malformed(line, 'bad quoted file name', raw);
    name = parsed.name;
  } else {
    name = latin1ToUtf8(raw);
  }
  if (prefix === null) return name;
  if (name === '/dev/null') return null;
  if (!name.startsWith(prefix))
    throw malformed(line, `file name without the "${prefix}" prefix`, name);
  return name.slice(prefix.length);
}

/** The two names of a `diff --git` line. Unquoted names with spaces are split the way git does: both halves equal. */
function gitLineNames(rest: string, line: number): { a: string; b: string } {
  if (rest.startsWith('"')) {
    const first = unquoteCPath(rest);
    if (!first || !first.rest.startsWith(' '))
      throw malformed(line, 'bad quoted name in diff header', rest);
    const second = first.rest.slice(1);
    const b = second.startsWith('"')
      ? unquoteCPath(second)
      : { name: latin1ToUtf8(second), rest: '' };
    if (!b || b.rest !== '') throw malformed(line, 'bad second name in diff header', rest);
    return { a: first.name, b: b.name };
  }
  const quoted = rest.indexOf(' "');
  if (quoted !== -1) {
    const b = unquoteCPath(rest.slice(quoted + 1));
    if (!b || b.rest !== '') throw malformed(line, 'bad quoted name in diff header', rest);
    return { a: latin1ToUtf8(rest.slice(0, quoted)), b: b.name };
  }
  // Unquoted: both names are the same length when source and destination agree.
  if ((rest.length - 1) % 2 === 0) {
    const half = (rest.length - 1) / 2;
    const a = rest.slice(0, half);
    const b = rest.slice(half + 1);
    if (rest[half] === ' ' && a.slice(2) === b.slice(2))
      return { a: latin1ToUtf8(a), b: latin1ToUtf8(b) };
  }
  // Different names (a rename): the real names come from the `rename from/to` lines.
  const space = rest.indexOf(' b/');
  if (space === -1) throw malformed(line, 'cannot read the names in the diff header', rest);
  return { a: latin1ToUtf8(rest.slice(0, space)), b: latin1ToUtf8(rest.slice(space + 1)) };
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;
const MODE = /^(100644|100755|120000|160000|040000)$/;

interface Entry {
  a: string;
  b: string;
  file: PatchFile;
  sawBody: boolean;
}

/** Parse a whole patch. Throws `GitfenceError('USAGE')` (exit 2) on anything git would not have written. */
export function parsePatch(patch: Buffer | string): PatchFile[] {
  const text =
    typeof patch === 'string'
      ? Buffer.from(patch, 'utf8').toString('latin1')
      : patch.toString('latin1');
  if (text.length === 0) throw malformed(1, 'the patch is empty');
  if (!text.endsWith('\n'))
    throw malformed(text.split('\n').length, 'the patch does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  const files: PatchFile[] = [];
  let entry: Entry | null = null;
  let i = 0;

  const finish = () => {
    if (!entry) return;
    const f = entry.file;
    if (f.status === 'R' || f.status === 'C') {
      if (!f.oldPath || !f.path)
        throw malformed(i, `${f.status === 'R' ? 'rename' : 'copy'} without both names`);
    }
    if (!f.path) throw malformed(i, 'a file entry without a name');
    files.push(f);
    entry = null;
  };

  while (i < lines.length) {
    const line = lines[i]!;
    const lineNo = i + 1;
    if (line.startsWith('diff --git ')) {
      finish();
      const names = gitLineNames(line.slice('diff --git '.length), lineNo);
      if (!names.a.startsWith('a/') || !names.b.startsWith('b/')) {
        throw malformed(lineNo, 'diff header names without the a/ and b/ prefixes', line);
      }
      entry = {
        a: names.a.slice(2),
        b: names.b.slice(2),
        file: { path: names.b.slice(2), status: 'M', binary: false },
        sawBody: false,
      };
      if (names.a.slice(2) !== names.b.slice(2)) entry.file.oldPath = names.a.slice(2);
      i += 1;
      continue;
    }
    if (!entry) throw malformed(lineNo, 'text before the first `diff --git` header', line);
    const f: PatchFile = entry.file;
    if (entry.sawBody) throw malformed(lineNo, 'unexpected line after a file body', line);

    const header = /^(old mode|new mode|deleted file mode|new file mode) (\S+)$/.exec(line);
    if (header) {
      const [, kind, mode] = header as unknown as [string, string, string];
      if (!MODE.test(mode)) throw malformed(lineNo, 'unknown file mode', line);
      if (kind === 'old mode') f.oldMode = mode;
      else if (kind === 'new mode') f.newMode = mode;
      else if (kind === 'deleted file mode') {
        f.status = 'D';
        f.oldMode = mode;
      } else {
        f.status = 'A';
        f.newMode = mode;
      }
      i += 1;
      continue;
    }
    const moved = /^(rename|copy) (from|to) (.+)$/.exec(line);
    if (moved) {
      const [, kind, side, raw] = moved as unknown as [string, string, string, string];
      const name = headerName(raw, null, lineNo)!;
      f.status = kind === 'rename' ? 'R' : 'C';
      if (side === 'from') f.oldPath = name;
      else f.path = name;
      i += 1;
      continue;
    }
    if (
      /^(similarity|dissimilarity) index \d+%$/.test(line) ||
      /^index [0-9a-f]+\.\.[0-9a-f]+( \d+)?$/.test(line)
    ) {
      i += 1;
      continue;
    }
    if (line.startsWith('Binary files ')) {
      throw malformed(lineNo, 'a binary file without its data (made without --binary)', line);
    }
    if (line === 'GIT binary patch') {
      f.binary = true;
      i = readBinary(lines, i + 1);
      entry.sawBody = true;
      continue;
    }
    if (line.startsWith('--- ')) {
      const plus = lines[i + 1];
      if (plus === undefined || !plus.startsWith('+++ '))
        throw malformed(lineNo + 1, 'a `---` line without `+++`', plus ?? '');
      const oldName = headerName(line.slice(4), 'a/', lineNo);
      const newName = headerName(plus.slice(4), 'b/', lineNo + 1);
      if (oldName === null && f.status !== 'A')
        throw malformed(lineNo, '/dev/null source on a file that is not new', line);
      if (newName === null && f.status !== 'D')
        throw malformed(lineNo + 1, '/dev/null destination on a file that is not deleted', plus);
      const expectOld = f.oldPath ?? f.path;
      if (oldName !== null && oldName !== expectOld)
        throw malformed(lineNo, 'the `---` name disagrees with the diff header', line);
      if (newName !== null && newName !== f.path)
        throw malformed(lineNo + 1, 'the `+++` name disagrees with the diff header', plus);
      i = readHunks(lines, i + 2);
      entry.sawBody = true;
      continue;
    }
    throw malformed(lineNo, 'unexpected line in a file header', line);
  }
  finish();
  for (const f of files) {
    if (f.status === 'M' && f.oldMode && f.newMode && f.oldMode !== f.newMode) {
      if ((f.oldMode === '120000') !== (f.newMode === '120000')) f.status = 'T';
    }
  }
  return mergeTypeChanges(files);
}

/** git writes a type change (file ↔ symlink) as a deletion and an addition of one path. */
function mergeTypeChanges(files: PatchFile[]): PatchFile[] {
  const out: PatchFile[] = [];
  for (const f of files) {
    const last = out[out.length - 1];
    if (last && last.status === 'D' && f.status === 'A' && last.path === f.path && !last.oldPath) {
      out[out.length - 1] = {
        path: f.path,
        status: 'T',
        oldMode: last.oldMode,
        newMode: f.newMode,
        binary: last.binary || f.binary,
      };
      continue;
    }
    out.push(f);
  }
  return out;
}

function readHunks(lines: string[], start: number): number {
  let i = start;
  if (i >= lines.length || !lines[i]!.startsWith('@@ '))
    throw malformed(i + 1, 'a file body without a hunk', lines[i] ?? '');
  while (i < lines.length && lines[i]!.startsWith('@@ ')) {
    const m = HUNK.exec(lines[i]!);
    if (!m) throw malformed(i + 1, 'bad hunk header', lines[i]!);
    let oldLeft = m[2] === undefined ? 1 : Number(m[2]);
    let newLeft = m[4] === undefined ? 1 : Number(m[4]);
    i += 1;
    while (oldLeft > 0 || newLeft > 0) {
      const line = lines[i];
      if (line === undefined) throw malformed(i + 1, 'the patch ends inside a hunk');
      const kind = line[0];
      if (kind === ' ') {
        oldLeft -= 1;
        newLeft -= 1;
      } else if (kind === '-') oldLeft -= 1;
      else if (kind === '+') newLeft -= 1;
      else if (kind === '\\') {
        // "\ No newline at end of file"
      } else throw malformed(i + 1, 'a hunk with fewer lines than its header says', line);
      if (oldLeft < 0 || newLeft < 0)
        throw malformed(i + 1, 'a hunk with more lines than its header says', line);
      i += 1;
    }
    while (i < lines.length && lines[i]!.startsWith('\\')) i += 1;
  }
  return i;
}

function readBinary(lines: string[], start: number): number {
  let i = start;
  let blocks = 0;
  while (i < lines.length && blocks < 2) {
    const head = lines[i]!;
    if (!/^(literal|delta) \d+$/.test(head)) {
      if (blocks === 0)
        throw malformed(i + 1, 'a binary patch without a literal or delta block', head);
      break;
    }
    i += 1;
    while (i < lines.length && lines[i] !== '') {
      if (!/^[A-Za-z][0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]+$/.test(lines[i]!)) {
        throw malformed(i + 1, 'bad base85 line in a binary patch', lines[i]!);
      }
      i += 1;
    }
    if (i >= lines.length) throw malformed(i, 'a binary block without its closing blank line');
    i += 1; // the blank line
    blocks += 1;
  }
  return i;
}
