/** The pre-push pieces without git: evaluatePush by category and mode, the protocol and log parsers, summaries. */
import { describe, expect, it } from 'vitest';
import { evaluateChecks } from '../../src/evaluate/checks.js';
import { evaluatePush, type PushEvaluationRequest } from '../../src/evaluate/push.js';
import type { CompiledPolicy, PushRefUpdate } from '../../src/evaluate/types.js';
import { normalizeCheckResult, runCustomChecks } from '../../src/hooks/custom-checks.js';
import { PatchLogParser, parsePatchLog, unquotePath } from '../../src/hooks/diff-parse.js';
import { parsePrePushInput, pushRangeArgs } from '../../src/hooks/push-gather.js';
import { renderSummaryLine, summaryTextPath } from '../../src/hooks/summary.js';
import { policy } from './evaluate-fixtures.js';

const Z = '0'.repeat(40);
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

const withPush = (push: Partial<CompiledPolicy['settings']['push']>): CompiledPolicy => {
  const p = policy();
  return { ...p, settings: { ...p.settings, push: { ...p.settings.push, ...push } } };
};
const update = (remoteRef: string, localSha: string, remoteSha: string, ff?: boolean) =>
  ({
    localRef: localSha === Z ? '(delete)' : remoteRef,
    localSha,
    remoteRef,
    remoteSha,
    ...(ff === undefined ? {} : { fastForward: ff }),
  }) as PushRefUpdate;
const request = (partial: Partial<PushEvaluationRequest> = {}): PushEvaluationRequest => ({
  kind: 'push',
  agent: null,
  remote: { name: 'origin', url: '/tmp/r.git' },
  updates: [],
  files: [],
  addedLines: [],
  facts: {},
  ...partial,
});
const ids = (d: { matches: Array<{ ruleId: string; outcome: string }> }) =>
  d.matches.map((m) => `${m.outcome}:${m.ruleId}`);

describe('evaluatePush', () => {
  it('allows a fast-forward to an unprotected branch', () => {
    const d = evaluatePush(
      withPush({ protectedBranches: ['main'] }),
      request({
        updates: [update('refs/heads/feature', A, B, true)],
      }),
    );
    expect(d).toEqual({ outcome: 'allow', matches: [], warnings: [], alert: 'none' });
  });

  it('protected branches are globs, and creating one counts', () => {
    const p = withPush({ protectedBranches: ['main', 'release/*'] });
    for (const ref of ['refs/heads/main', 'refs/heads/release/1.2']) {
      expect(ids(evaluatePush(p, request({ updates: [update(ref, A, Z)] })))).toEqual([
        'deny:push/protected-branch',
      ]);
    }
    expect(evaluatePush(p, request({ updates: [update('refs/heads/mainly', A, Z)] })).outcome).toBe(
      'allow',
    );
  });

  it('force, deletions and tag moves honour deny|warn|off', () => {
    const updates = [
      update('refs/heads/f', A, B, false),
      update('refs/heads/old', Z, B),
      update('refs/tags/v1', Z, B),
      update('refs/tags/v2', A, B),
    ];
    const deny = evaluatePush(withPush({}), request({ updates }));
    expect(ids(deny)).toEqual([
      'deny:push/force',
      'deny:push/delete-branch',
      'deny:push/delete-tag',
    ]);
    expect(deny.matches[0]!.detail).toContain('f bbbbbbb→aaaaaaa; v2');
    const warn = evaluatePush(
      withPush({ forcePush: 'warn', deleteBranches: 'warn', deleteTags: 'warn' }),
      request({ updates }),
    );
    expect(warn.outcome).toBe('allow');
    expect(warn.warnings).toHaveLength(3);
    const off = evaluatePush(
      withPush({ forcePush: 'off', deleteBranches: 'off', deleteTags: 'off' }),
      request({ updates }),
    );
    expect(off).toMatchObject({ outcome: 'allow', matches: [], warnings: [] });
  });

  it('conflict markers and private keys are built in; keywords and patterns come from the policy', () => {
    const lines = [
      { path: 'a', line: '<<<<<<< HEAD', commit: A },
      { path: 'b', line: '=======' },
      { path: 'c', line: '-----BEGIN RSA PRIVATE KEY-----' },
      { path: 'd', line: 'const password = "hunter2"' },
      { path: 'e', line: 'AKIAABCDEFGHIJKLMNOP' },
    ];
    const d = evaluatePush(
      withPush({ denyIfContains: ['password'], denyPatterns: ['AKIA[0-9A-Z]{16}'] }),
      request({ addedLines: lines }),
    );
    expect(ids(d)).toEqual([
      'deny:push/conflict-marker',
      'deny:push/private-key',
      'deny:push/deny-if-contains',
      'deny:push/deny-pattern',
    ]);
    expect(d.matches[0]!.detail).toBe('a in aaaaaaa');
    expect(d.matches[2]!.source.path).toBe('push.denyIfContains[0]');
  });

  it('files over maxFileSize are denied; unknown sizes are not guessed', () => {
    const d = evaluatePush(
      withPush({ maxFileSize: '1KB' }),
      request({
        files: [
          { path: 'big', status: 'A', size: 1025 },
          { path: 'ok', status: 'A', size: 1024 },
          { path: 'gone', status: 'D' },
        ],
      }),
    );
    expect(ids(d)).toEqual(['deny:push/max-file-size']);
    expect(d.matches[0]!.detail).toBe('big (1025 bytes)');
  });

  it('agents pushing outside their scopes, or into another agent’s exclusive scope', () => {
    const lease = (owner: string, patterns: string[], exclusive = true) => ({
      id: owner,
      owner,
      patterns,
      exclusive,
      token: 1,
      expiresAt: Infinity,
    });
    const facts = { leases: [lease('a', ['src/**']), lease('b', ['src/b/**'])] };
    const files = [
      { path: 'src/x.ts', status: 'M' },
      { path: 'docs/y.md', status: 'M' },
      { path: 'src/b/z.ts', status: 'M' },
    ];
    const d = evaluatePush(withPush({}), request({ agent: 'a', files, facts }));
    expect(ids(d)).toEqual(['deny:push/out-of-scope']);
    expect(d.matches[0]!.detail).toBe(
      "docs/y.md (outside a's scopes); src/b/z.ts (in b's exclusive scope)",
    );
    // Humans (no agent) are not scope-checked.
    expect(evaluatePush(withPush({}), request({ files, facts })).outcome).toBe('allow');
    expect(
      evaluatePush(withPush({ outOfScope: 'warn' }), request({ agent: 'a', files, facts })).outcome,
    ).toBe('allow');
  });

  it('custom check results: error blocks, warn only prints, warn severity never blocks', () => {
    const checks = [
      { id: 'e', severity: 'error' as const, errors: ['bad'], warnings: ['meh'] },
      { id: 'w', severity: 'warn' as const, errors: ['would block'], warnings: [] },
    ];
    const d = evaluatePush(withPush({}), request({ checks }));
    expect(ids(d)).toEqual(['deny:check/e', 'warn:check/e', 'warn:check/w']);
    expect(d.warnings).toEqual(['check/e: meh', 'check/w: would block']);
    expect(evaluateChecks([checks[1]!], 'commit').outcome).toBe('allow');
  });

  it('long lists are summarised in the detail', () => {
    const addedLines = Array.from({ length: 12 }, (_, i) => ({ path: `f${i}`, line: '>>>>>>> x' }));
    const d = evaluatePush(withPush({}), request({ addedLines }));
    expect(d.matches[0]!.detail).toMatch(/f4 \(\+7 more\)$/);
  });
});

describe('custom checks at the edge', () => {
  it('normalises every documented result shape and rejects others', () => {
    expect(normalizeCheckResult(undefined)).toEqual({ errors: [], warnings: [] });
    expect(normalizeCheckResult('x')).toEqual({ errors: ['x'], warnings: [] });
    expect(normalizeCheckResult(['x', 'y'])).toEqual({ errors: ['x', 'y'], warnings: [] });
    expect(normalizeCheckResult({ warnings: ['w'] })).toEqual({ errors: [], warnings: ['w'] });
    expect(normalizeCheckResult(42)).toBeNull();
    expect(normalizeCheckResult({ errors: 'x' })).toBeNull();
  });

  it('a missing module, a missing function or a throw is an error outcome (fail closed)', async () => {
    const p: CompiledPolicy = {
      ...policy(),
      checks: [
        {
          id: 'gone',
          severity: 'error',
          stage: 'push',
          source: { layer: 'repository', path: 'x' },
        },
        { id: 'boom', severity: 'warn', stage: 'push', source: { layer: 'repository', path: 'y' } },
        {
          id: 'later',
          severity: 'error',
          stage: 'commit',
          source: { layer: 'repository', path: 'z' },
        },
      ],
    };
    const ctx = {
      stage: 'push' as const,
      agent: null,
      commits: [],
      files: [],
      diff: '',
      addedLines: [],
    };
    const missing = await runCustomChecks(p, 'push', ctx, async () => null);
    expect(missing.map((o) => o.errors[0])).toEqual([
      expect.stringContaining('policy.mjs) is missing'),
      expect.stringContaining('policy.mjs) is missing'),
    ]);
    const mod = {
      checks: {
        boom: () => {
          throw new Error('kaput');
        },
      },
    };
    const ran = await runCustomChecks(p, 'push', ctx, async () => mod);
    expect(ran[0]!.errors[0]).toContain('no function for it');
    expect(ran[1]).toMatchObject({
      severity: 'warn',
      errors: [expect.stringContaining('threw: kaput')],
    });
    // A stage without checks never loads the module.
    let loaded = false;
    await runCustomChecks({ ...p, checks: [] }, 'push', ctx, async () => {
      loaded = true;
      return null;
    });
    expect(loaded).toBe(false);
  });
});

describe('parsers', () => {
  it("reads git's pre-push protocol and refuses anything else", () => {
    expect(parsePrePushInput(`refs/heads/f ${A} refs/heads/f ${Z}\n\n`)).toEqual([
      { localRef: 'refs/heads/f', localSha: A, remoteRef: 'refs/heads/f', remoteSha: Z },
    ]);
    expect(() => parsePrePushInput('refs/heads/f abc refs/heads/f def\n')).toThrow(/pre-push/);
  });

  it('the range excludes what the named remote (or any remote, for a URL) already has', () => {
    const updates = [update('refs/heads/f', A, B), update('refs/heads/g', Z, B)];
    expect(pushRangeArgs(updates, { name: 'origin', url: '/x' })).toEqual([
      A,
      '--not',
      '--remotes=origin',
      B,
    ]);
    expect(pushRangeArgs(updates, { name: '/x', url: '/x' })).toEqual([A, '--not', '--remotes', B]);
    expect(pushRangeArgs([update('refs/heads/g', Z, B)], { name: 'o', url: 'u' })).toBeNull();
  });

  it('parses git log --raw -p: commits, statuses, blobs, added lines (not +++ headers)', () => {
    const log = [
      `\0${A}\tAnn <a@x>\tsecond\tcommit`,
      '',
      `:100644 100644 ${B} ${'c'.repeat(40)} M\tsrc/a.ts`,
      `:100644 000000 ${B} ${Z} D\t"we\\303\\251ird\\tname"`,
      '',
      'diff --git a/src/a.ts b/src/a.ts',
      'index bbbbbbb..ccccccc 100644',
      '--- a/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -1 +1,2 @@',
      ' keep',
      '+++ added line that looks like a header',
      '-gone',
      'diff --git a/x b/x',
      'deleted file mode 100644',
      '--- a/x',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      `\0${B}\tBob <b@x>\tfirst`,
      '',
      `:000000 100644 ${Z} ${'d'.repeat(40)} A\tsrc/a.ts`,
      '',
      'diff --git a/src/a.ts b/src/a.ts',
      '+++ b/src/a.ts',
      '@@ -0,0 +1 @@',
      '+first',
      '',
    ].join('\n');
    const parsed = parsePatchLog(log);
    expect(parsed.commits).toEqual([
      { sha: A, author: 'Ann <a@x>', subject: 'second\tcommit' },
      { sha: B, author: 'Bob <b@x>', subject: 'first' },
    ]);
    expect(parsed.files).toEqual([
      { path: 'src/a.ts', status: 'M', blobs: ['c'.repeat(40), 'd'.repeat(40)] },
      { path: 'we\u00e9ird\tname', status: 'D', blobs: [] },
    ]);
    expect(parsed.addedLines).toEqual([
      { path: 'src/a.ts', line: '++ added line that looks like a header', commit: A },
      { path: 'src/a.ts', line: 'first', commit: B },
    ]);
    expect(parsed.diff.startsWith('diff --git a/src/a.ts')).toBe(true);
    expect(unquotePath('plain')).toBe('plain');
  });

  it('an added line is on the path, not the path and the tab git ends a spaced name with', () => {
    const A = 'a'.repeat(40);
    const log = [
      `\0${A}\tAnn <a@x>\tspaced`,
      '',
      `:000000 100644 ${'0'.repeat(40)} ${'c'.repeat(40)} A\tdir/new file.txt`,
      '',
      'diff --git a/dir/new file.txt b/dir/new file.txt',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/dir/new file.txt\t',
      '@@ -0,0 +1 @@',
      '+x',
      '',
    ].join('\n');
    expect(parsePatchLog(log).addedLines).toEqual([
      { path: 'dir/new file.txt', line: 'x', commit: A },
    ]);
  });

  it('parses --remerge-diff: added lines only, remerge headers and removed markers ignored', () => {
    const M = 'e'.repeat(40);
    const log = [
      `\0${M}\tAnn <a@x>\tmerge`,
      `\x01${A} ${B}`,
      '',
      `:100644 100644 ${'1'.repeat(40)} ${'2'.repeat(40)} M\tf`,
      '',
      'diff --git a/f b/f',
      'remerge CONFLICT (content): Merge conflict in f',
      'index 1111111..2222222 100644',
      '--- a/f',
      '+++ b/f',
      '@@ -2 +2 @@ a',
      '-<<<<<<< aaaaaaa (main)',
      '+<<<<<<< HEAD',
      '@@ -4,3 +4 @@ MAIN',
      '-=======',
      '-SIDE',
      '->>>>>>> bbbbbbb (side)',
      '+EVIL',
      // a conflict git reports for a path the resolution left as git's merge had it
      'diff --git a/g b/g',
      'remerge CONFLICT (modify/delete): g deleted in bbbbbbb (side) and modified in aaaaaaa (main).',
      '',
    ].join('\n');
    const parser = new PatchLogParser();
    parser.push(log);
    const parsed = parser.end();
    expect(parsed.commits).toEqual([{ sha: M, author: 'Ann <a@x>', subject: 'merge' }]);
    expect(parsed.files).toEqual([{ path: 'f', status: 'M', blobs: ['2'.repeat(40)] }]);
    expect(parsed.addedLines).toEqual([
      { path: 'f', line: '<<<<<<< HEAD', commit: M },
      { path: 'f', line: 'EVIL', commit: M },
    ]);
    expect(parser.merges).toEqual([M]);
    expect(parser.octopusMerges).toEqual([]);
    expect(parsed.diff).toContain('remerge CONFLICT (content)');
  });

  it('parses an octopus merge: listed for a --cc read, whose lines count once, if in no parent', () => {
    const O = 'f'.repeat(40);
    const header = [`\0${O}\tAnn <a@x>\toctopus`, `\x01${A} ${B} ${'c'.repeat(40)}`];
    const parser = new PatchLogParser();
    // the --remerge-diff read: git prints a warning and no diff
    parser.push(
      [...header, 'diff: warning: Skipping remerge-diff for octopus merges.', ''].join('\n'),
    );
    expect(parser.octopusMerges).toEqual([O]);
    expect(parser.merges).toEqual([]);
    // the --cc read of the same commit
    parser.push(
      [
        ...header,
        '',
        `:::000000 100644 000000 100644 ${Z} ${'4'.repeat(40)} ${Z} ${'5'.repeat(40)} AMA\toa`,
        '',
        'diff --cc oa',
        'index 0000000,4444444,0000000..5555555',
        '--- a/oa',
        '+++ b/oa',
        '@@@@ -1,0 -1,1 -1,0 +1,3 @@@@',
        '+ +from the second parent',
        '+++ in no parent',
        '+++<<<<<<< evil',
        ' - gone',
        '',
      ].join('\n'),
    );
    const parsed = parser.end();
    // read twice, listed once
    expect(parser.octopusMerges).toEqual([O]);
    expect(parsed.commits).toEqual([{ sha: O, author: 'Ann <a@x>', subject: 'octopus' }]);
    expect(parsed.files).toEqual([{ path: 'oa', status: 'A', blobs: ['5'.repeat(40)] }]);
    expect(parsed.addedLines).toEqual([
      { path: 'oa', line: ' in no parent', commit: O },
      { path: 'oa', line: '<<<<<<< evil', commit: O },
    ]);
    expect(parsed.diff.startsWith('diff --cc oa')).toBe(true);
  });
});

describe('summaries', () => {
  it('the one-line TXT and where it goes', () => {
    const decision = evaluatePush(
      withPush({ forcePush: 'warn' }),
      request({
        updates: [update('refs/heads/f', A, B, false)],
        addedLines: [{ path: 'a', line: '<<<<<<< x' }],
      }),
    );
    expect(
      renderSummaryLine({
        stage: 'push',
        decision,
        agent: null,
        counts: { commits: 3, files: 2, addedLines: 9 },
      }),
    ).toBe(
      'gitfence push: denied deny=push/conflict-marker warn=push/force commits=3 files=2 added_lines=9\n',
    );
    expect(summaryTextPath('/o/s.json')).toBe('/o/s.txt');
    expect(summaryTextPath('/o.d/summary')).toBe('/o.d/summary.txt');
    expect(summaryTextPath('/o/s.txt')).toBe('/o/s.txt.txt');
  });
});
