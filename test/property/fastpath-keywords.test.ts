import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeInvocation } from '../../src/git/normalize.js';
import { parseInvocation } from '../../src/git/parse.js';
import { keywordWords, renderFastPathData, type FastPathData } from '../../src/policy/fastpath.js';

/**
 * The shim's keyword test must never pass a call whose normalised command line (what the evaluator
 * searches for `denyIfContains` keywords) holds a keyword: the prefilter may pass or delegate, never
 * let through what the evaluator would deny.
 */
const SUBCOMMANDS = ['log', 'show', 'rev-parse', 'ls-files', 'cat-file', 'describe'];
const PIECES = [
  'reset',
  '--hard',
  '--no-verify',
  '--no-verif',
  '--oneline',
  '--one',
  '-1',
  '-pn',
  'hooksPath',
  'core.hooksPath=x',
  'HEAD',
  'a b',
  "it's",
  'x*y',
  '--',
  'git',
  'no',
  'verify',
  'one\ntwo',
];
const word = fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 6 }));
const keyword = fc.oneof(
  fc.constantFrom('reset --hard', '--no-verify', 'hooksPath', 'no-verify', 'verify', 'g l', 'x*y'),
  fc.string({ minLength: 1, maxLength: 5 }),
);

/** The test fastpath.sh applies to the arguments, as one JS predicate (checked against sh below). */
function shimDelegates(args: string[], words: string[]): boolean {
  return args.some((a) => a.startsWith('-') || words.some((w) => a.includes(w)));
}

describe('the fast path keyword test', () => {
  it('delegates every call whose normalised line holds a keyword', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUBCOMMANDS),
        fc.array(word, { maxLength: 4 }),
        fc.array(keyword, { minLength: 1, maxLength: 2 }),
        (sub, args, keywords) => {
          const argv = [sub, ...args];
          const line = normalizeInvocation(
            parseInvocation(argv, { env: {}, cwd: '/', aliases: {} }),
          );
          if (!keywords.some((k) => line.includes(k))) return;
          const words = keywordWords(keywords);
          expect(words === null || shimDelegates(argv, words), `${line} ⊇ ${keywords}`).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('is what the generated sh does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gitfence-fastpath-kw-'));
    const script = join(dir, 'fastpath.sh');
    const data: FastPathData = {
      pass: ['log'],
      guarded: [],
      guardedPrefixes: [],
      guardedShorts: [],
      keywords: [],
      autoScope: [],
      scopeFast: [],
      slowEnv: [],
    };
    fc.assert(
      fc.property(
        fc.array(word, { maxLength: 3 }),
        fc.array(keyword, { minLength: 1, maxLength: 2 }),
        (args, keywords) => {
          const words = keywordWords(keywords);
          writeFileSync(script, renderFastPathData({ ...data, keywords }, 'h64:0'));
          const out = execFileSync(
            '/bin/sh',
            [
              '-c',
              'f() { GF_FAST=; . "$0"; }; f "$@"; printf %s "$GF_FAST"',
              script,
              'log',
              ...args,
            ],
            { encoding: 'utf8' },
          );
          const expected = words === null || shimDelegates(['log', ...args], words) ? '' : 'pass';
          expect(out, JSON.stringify({ args, keywords })).toBe(expected);
        },
      ),
      { numRuns: 150 },
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
