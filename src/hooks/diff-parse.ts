/**
 * Parsing `git log --raw -p` (and `git diff --cached --raw -p`) output, pure: commits, touched files
 * with their new blob ids, added lines, and the unified diff. One git call feeds every check.
 * Merges come as `--remerge-diff` (a normal diff against git's own automatic merge, with
 * `remerge CONFLICT` header lines) or, for octopus merges, as `--cc` (combined diff: one prefix
 * column per parent).
 */
import { ZERO_SHA_PATTERN } from '../evaluate/push.js';

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

/**
 * The format the parser expects; each commit starts with a NUL-prefixed header line, then a line of
 * its parents prefixed with \x01 (optional: without it a commit counts as having at most two).
 */
export const LOG_FORMAT = '--format=%x00%H%x09%an <%ae>%x09%s%n%x01%P';

/** The log/diff flags the parser expects: raw lines for status and blobs, then the patch. */
export const PATCH_FLAGS = [
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-renames',
  // diff.ignoreSubmodules or a .gitmodules `ignore` would hide a gitlink the push carries
  '--ignore-submodules=none',
  '--raw',
  '--no-abbrev',
  '-p',
  // the parser strips `b/` from `+++ b/<path>`: diff.noprefix would make `b/x` read as `x`
  '--src-prefix=a/',
  '--dst-prefix=b/',
  // Added lines are all the checks need; no context keeps git's output (and our parsing) small.
  '-U0',
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

const PLUS = 43; // '+'
const COLON = 58; // ':'
const NUL = 0;
const D = 100; // 'd'
const AT = 64; // '@'
const SOH = 1; // the parents line
const B = 66; // 'B'

/** A commit's section of one path, as `PatchLogParser.readOnly` names it. */
export const sectionKey = (commit: string, path: string) => `${commit}\0${path}`;

/**
 * An incremental parser: feed it git's output as it arrives (so parsing overlaps git's diffing),
 * one pass with indexOf where only the lines that matter become strings (headers, raw lines, added
 * lines); context and removed lines are skipped by their first byte. The unified diff is rebuilt
 * from the kept text only when a custom check reads it.
 */
export class PatchLogParser {
  private readonly commits: ParsedCommit[] = [];
  private readonly files = new Map<string, ParsedFile>();
  private readonly addedLines: ParsedChange['addedLines'] = [];
  private readonly pieces: string[] = [];
  private commit: string | undefined;
  private currentPath: string | null = null;
  private inHeader = false;
  private inDiff = false;
  private carry = '';
  private textDropped = false;
  /** Prefix columns of the current hunk's lines: 1, or a combined diff's parent count. */
  private columns = 1;
  private readonly seen = new Set<string>();
  /** Whether the current commit's header is its first: a commit read again is not listed again. */
  private firstSight = false;
  /** Two-parent merges, for the edge to read again with `--remerge-diff`. */
  readonly merges: string[] = [];
  /**
   * Merges of more than two parents, which `--remerge-diff` skips (git 2.39 prints only a
   * warning): the edge reads them again with `--cc`.
   */
  readonly octopusMerges: string[] = [];
  /**
   * Sections git printed as `Binary files … differ` (a `-diff`/`binary` attribute, a diff driver's
   * `binary`, or content git finds binary): the edge reads the text ones again with `--text`.
   */
  readonly binaries: Array<{ commit: string; path: string; blob?: string }> = [];
  /** The current commit's new blob per path, from its raw lines. */
  private readonly rawBlobs = new Map<string, string>();
  /** A combined diff's path (`diff --cc <path>`): its binary line does not name it. */
  private sectionPath: string | null = null;
  /** Set by `readOnly`: the commit/path sections whose added lines are still wanted. */
  private only: Set<string> | undefined;
  private readonly found = new Set<string>();

  /**
   * `onBlob` hears each new blob id as its raw line arrives (to look sizes up while git runs).
   * `keepText` says whether the text is still wanted for `diff`; once it says no, what was kept is
   * dropped and nothing more is (holding megabytes of output is most of a big push's GC work).
   */
  constructor(
    private readonly onBlob?: (blob: string) => void,
    private readonly keepText: () => boolean = () => true,
  ) {}

  /**
   * From now on, added lines count only in the sections `keys` names (`sectionKey`), for a read
   * again of sections the first read showed as binary; returns the keys no section has met so far.
   */
  readOnly(keys: Set<string>): () => string[] {
    this.only = keys;
    return () => [...keys].filter((key) => !this.found.has(key));
  }

  private keep(piece: string): void {
    if (!this.textDropped && this.keepText()) {
      this.pieces.push(piece);
      return;
    }
    this.textDropped = true;
    this.pieces.length = 0;
  }

  /** Any piece of the output; whole lines (what `streamPatchLog` feeds) are scanned in place. */
  push(chunk: string): void {
    let start = 0;
    if (this.carry !== '') {
      const first = chunk.indexOf('\n');
      if (first < 0) {
        this.carry += chunk;
        return;
      }
      // only the line split across pieces is joined: never a copy of the whole piece
      const line = this.carry + chunk.slice(0, first + 1);
      this.carry = '';
      this.keep(line);
      this.scan(line, 0, line.length);
      start = first + 1;
    }
    const last = chunk.lastIndexOf('\n');
    if (last < start) {
      this.carry = chunk.slice(start);
      return;
    }
    this.keep(start === 0 && last === chunk.length - 1 ? chunk : chunk.slice(start, last + 1));
    this.scan(chunk, start, last + 1);
    this.carry = chunk.slice(last + 1);
  }

  end(): ParsedChange {
    if (this.carry !== '') {
      const rest = `${this.carry}\n`;
      this.carry = '';
      this.keep(rest);
      this.scan(rest, 0, rest.length);
    }
    let diff: string | undefined;
    const pieces = this.pieces;
    const dropped = this.textDropped || !this.keepText();
    return {
      commits: this.commits,
      files: [...this.files.values()],
      addedLines: this.addedLines,
      get diff() {
        // fails loudly (a custom check reading it reports a failure) rather than showing no diff
        if (dropped)
          throw new Error('the diff was not kept: no custom check was expected to read it');
        diff ??= extractDiff(pieces.join(''));
        return diff;
      },
    };
  }

  /** The lines of `text[pos, end)`, which ends with a newline. */
  private scan(text: string, pos: number, end: number): void {
    while (pos < end) {
      let next = text.indexOf('\n', pos);
      if (next < 0 || next > end) next = end;
      const first = text.charCodeAt(pos);
      if (first === NUL) {
        const [sha = '', author = '', ...subject] = text.slice(pos + 1, next).split('\t');
        this.commit = sha;
        // a merge read again for its diff: its added lines count, the commit only once
        this.firstSight = !this.seen.has(sha);
        if (this.firstSight) {
          this.seen.add(sha);
          this.commits.push({ sha, author, subject: subject.join('\t') });
        }
        this.currentPath = null;
        this.inHeader = false;
        this.inDiff = false;
        this.rawBlobs.clear();
      } else if (
        first === D &&
        (text.startsWith('diff --git ', pos) || text.startsWith('diff --cc ', pos))
      ) {
        this.inDiff = true;
        this.inHeader = true;
        this.currentPath = null;
        this.sectionPath = text.startsWith('diff --cc ', pos)
          ? unquotePath(text.slice(pos + 10, next))
          : null;
      } else if (!this.inDiff) {
        // Before any patch of this commit: the parents, then the raw lines.
        if (first === COLON) this.rawLine(text.slice(pos, next));
        else if (first === SOH && this.firstSight && this.commit !== undefined) {
          const parents = text.slice(pos + 1, next).split(' ').length;
          if (parents === 2) this.merges.push(this.commit);
          else if (parents > 2) this.octopusMerges.push(this.commit);
        }
      } else if (this.inHeader) {
        if (first === PLUS && text.startsWith('+++ ', pos)) {
          const target = text.slice(pos + 4, next);
          // git ends a name that has a space with a tab on the ---/+++ lines
          const name = target.endsWith('\t') ? target.slice(0, -1) : target;
          this.currentPath = name === '/dev/null' ? null : unquotePath(name).replace(/^b\//, '');
          if (this.only && this.currentPath !== null) {
            const key = sectionKey(this.commit ?? '', this.currentPath);
            if (this.only.has(key)) this.found.add(key);
            else this.currentPath = null;
          }
        } else if (first === B && text.startsWith('Binary files ', pos)) {
          this.binaryLine(text.slice(pos, next));
        } else if (first === AT && text.startsWith('@@', pos)) {
          this.inHeader = false;
          // `@@` for a diff, one `@` more per extra parent for a combined diff
          let at = pos + 2;
          while (text.charCodeAt(at) === AT) at++;
          this.columns = at - pos - 1;
        }
      } else if (first === PLUS && this.currentPath !== null && this.addedToAll(text, pos)) {
        const line = text.slice(pos + this.columns, next);
        this.addedLines.push(
          this.commit === undefined
            ? { path: this.currentPath, line }
            : { path: this.currentPath, line, commit: this.commit },
        );
      }
      pos = next + 1;
    }
  }

  /** `Binary files a/P and b/P differ` (or `/dev/null and b/P`; `--cc`: `Binary files differ`). */
  private binaryLine(line: string): void {
    // `git diff --cached` has no commit header: its sections count as commit ''
    const commit = this.commit ?? '';
    let path = this.sectionPath;
    if (path === null) {
      const body = line.slice('Binary files '.length, -' differ'.length);
      // both names are the same path (no renames): its length follows from the line's
      const target = body.startsWith('/dev/null and ')
        ? body.slice('/dev/null and '.length)
        : body.endsWith(' and /dev/null')
          ? null
          : body.slice((body.length + ' and '.length) / 2);
      if (target === null) return;
      path = unquotePath(target).replace(/^b\//, '');
    }
    const blob = this.rawBlobs.get(path);
    this.binaries.push(blob === undefined ? { commit, path } : { commit, path, blob });
  }

  /** Added against every parent: a combined diff's line that is in no parent (`+` in each column). */
  private addedToAll(text: string, pos: number): boolean {
    for (let i = 1; i < this.columns; i++) if (text.charCodeAt(pos + i) !== PLUS) return false;
    return true;
  }

  /** `:old-mode new-mode old-blob new-blob status\tpath`; a combined diff has one `:` per parent. */
  private rawLine(line: string): void {
    const tab = line.indexOf('\t');
    let parents = 1;
    while (line.charCodeAt(parents) === COLON) parents++;
    const fields = line.slice(parents, tab).split(' ');
    const path = unquotePath(line.slice(tab + 1));
    // modes then blobs, one per parent plus the result's: the result's blob is the last
    const blob = fields[2 * parents + 1] ?? '';
    const status = (fields[2 * parents + 2] ?? 'M').charAt(0);
    this.rawBlobs.set(path, blob);
    let entry = this.files.get(path);
    // Newest first in git log: the first status seen is the latest.
    if (!entry) this.files.set(path, (entry = { path, status, blobs: [] }));
    if (!ZERO_SHA_PATTERN.test(blob) && !entry.blobs.includes(blob)) {
      entry.blobs.push(blob);
      this.onBlob?.(blob);
    }
  }
}

/** The `diff --git` sections of a log or diff output, without commit headers and raw lines. */
export function extractDiff(text: string): string {
  const out: string[] = [];
  let inDiff = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('\0')) inDiff = false;
    else if (line.startsWith('diff --git ') || line.startsWith('diff --cc ')) inDiff = true;
    if (inDiff) out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}

export function parsePatchLog(text: string): ParsedChange {
  const parser = new PatchLogParser();
  parser.push(text);
  return parser.end();
}

/** git's own test for binary content (`buffer_is_binary`): a NUL in the first 8000 bytes. */
export const FIRST_FEW_BYTES = 8000;

/**
 * `git cat-file --batch` output, fed in pieces as it arrives: collects the blobs git's content
 * check finds text, keeping only the first bytes of each (the rest goes by). A blob git cannot
 * show counts as text, so its section is read again and a failure there refuses.
 */
export class TextBlobJudge {
  readonly text = new Set<string>();
  private header = Buffer.alloc(0);
  private current: { sha: string; left: number; head: Buffer[]; seen: number } | undefined;

  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      const current = this.current;
      if (current) {
        const take = Math.min(current.left, chunk.length - at);
        if (current.seen < FIRST_FEW_BYTES) current.head.push(chunk.subarray(at, at + take));
        current.seen += take;
        current.left -= take;
        at += take;
        if (current.left === 0) {
          if (!Buffer.concat(current.head).subarray(0, FIRST_FEW_BYTES).includes(0))
            this.text.add(current.sha);
          this.current = undefined;
        }
        continue;
      }
      const newline = chunk.indexOf(10, at);
      if (newline < 0) {
        this.header = Buffer.concat([this.header, chunk.subarray(at)]);
        break;
      }
      const line = Buffer.concat([this.header, chunk.subarray(at, newline)]).toString('utf8');
      this.header = Buffer.alloc(0);
      at = newline + 1;
      const [sha = '', type, size] = line.split(' ');
      // the content, then one LF
      if (type === 'blob' && size && /^\d+$/.test(size))
        this.current = { sha, left: Number(size) + 1, head: [], seen: 0 };
      else if (type === 'missing' || type === 'ambiguous') this.text.add(sha);
      else if (type !== undefined && size && /^\d+$/.test(size))
        this.current = { sha: '', left: Number(size) + 1, head: [], seen: 0 };
    }
  }
}
