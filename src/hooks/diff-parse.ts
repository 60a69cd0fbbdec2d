/**
 * Parsing `git log --raw -p` (and `git diff --cached --raw -p`) output, pure: commits, touched files
 * with their new blob ids, added lines, and the unified diff. One git call feeds every check.
 */

export interface ParsedCommit {
  sha: string;
  author: string;
  subject: string;
}

export interface ParsedFile {
  path: string;
  status: string;
  /** New-side blob ids across every pushed version (none for deletions). */
  blobs: string[];
}

export interface ParsedChange {
  commits: ParsedCommit[];
  files: ParsedFile[];
  addedLines: Array<{ path: string; line: string; commit?: string }>;
  diff: string;
}

/** The format the parser expects; each commit starts with a NUL-prefixed header line. */
export const LOG_FORMAT = '--format=%x00%H%x09%an <%ae>%x09%s';

/** The log/diff flags the parser expects: raw lines for status and blobs, then the patch. */
export const PATCH_FLAGS = [
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-renames',
  '--raw',
  '--no-abbrev',
  '-p',
];

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13 };

/** git's C-style quoting of unusual paths (`"dir/\303\251.txt"`), undone. */
export function unquotePath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"') || text.length < 2) return text;
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[++i] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else bytes.push(ESCAPES[next] ?? next.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

const ZERO = /^0+$/;

export function parsePatchLog(text: string): ParsedChange {
  const commits: ParsedCommit[] = [];
  const files = new Map<string, ParsedFile>();
  const addedLines: ParsedChange['addedLines'] = [];
  const diffParts: string[] = [];
  let commit: string | undefined;
  let currentPath: string | null = null;
  let inHeader = false;
  let diffStart = -1;

  const lines = text.split('\n');
  const flushDiff = (end: number) => {
    if (diffStart >= 0) diffParts.push(lines.slice(diffStart, end).join('\n'));
    diffStart = -1;
  };
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.startsWith('\0')) {
      flushDiff(index);
      const [sha = '', author = '', ...subject] = line.slice(1).split('\t');
      commit = sha;
      commits.push({ sha, author, subject: subject.join('\t') });
      currentPath = null;
      inHeader = false;
      continue;
    }
    if (line.startsWith('diff --git ')) {
      if (diffStart < 0) diffStart = index;
      inHeader = true;
      currentPath = null;
      continue;
    }
    if (diffStart < 0) {
      // Before any patch of this commit: the raw lines.
      if (line.startsWith(':')) {
        const tab = line.indexOf('\t');
        const fields = line.slice(1, tab).split(' ');
        const path = unquotePath(line.slice(tab + 1));
        const blob = fields[3] ?? '';
        const status = (fields[4] ?? 'M').charAt(0);
        const entry = files.get(path) ?? { path, status, blobs: [] };
        // Newest first in git log: the first status seen is the latest.
        if (!files.has(path)) files.set(path, entry);
        if (!ZERO.test(blob) && !entry.blobs.includes(blob)) entry.blobs.push(blob);
      }
      continue;
    }
    if (inHeader) {
      if (line.startsWith('+++ ')) {
        const target = line.slice(4);
        currentPath = target === '/dev/null' ? null : unquotePath(target).replace(/^b\//, '');
      } else if (line.startsWith('@@')) inHeader = false;
      continue;
    }
    if (line.startsWith('+') && currentPath !== null) {
      addedLines.push(
        commit === undefined
          ? { path: currentPath, line: line.slice(1) }
          : { path: currentPath, line: line.slice(1), commit },
      );
    }
  }
  flushDiff(lines.length);
  return { commits, files: [...files.values()], addedLines, diff: diffParts.join('\n') };
}
