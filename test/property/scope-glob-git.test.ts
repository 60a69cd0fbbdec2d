/**
 * The lock-scope matcher against real git: for generated trees (dotfiles, dot-directories, nested
 * directories, spaces, brackets, braces, non-ASCII) and globs (`*`, `**`, `?`, classes, escapes,
 * directory names, trailing `/`), `matchesGlob` must list exactly what `git ls-files --
 * ':(top,glob)G'` lists, which is what an agent's scoped `git status` shows.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { globPathspec, matchesGlob } from '../../src/scopes/match.js';

const root = mkdtempSync(join(tmpdir(), 'gitfence-glob-git-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: root,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  LANG: 'C.UTF-8',
};

function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

let repos = 0;
/** A throwaway repository holding `paths` (added, not committed). */
function makeRepo(paths: readonly string[]): string {
  const repo = join(root, `r${repos++}`);
  mkdirSync(repo);
  git(repo, ['init', '-q']);
  for (const path of paths) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), '');
  }
  git(repo, ['add', '-A']);
  return repo;
}

const lsFiles = (repo: string, glob: string): string[] =>
  git(repo, ['ls-files', '-z', '--', globPathspec(glob)])
    .split('\0')
    .filter((p) => p !== '');

// Few names, so globs often hit; dotted, spaced, bracketed and non-ASCII ones test the edges.
const NAMES = [
  'a',
  'b',
  'ab',
  'a.b',
  '.a',
  '.b',
  '.d',
  'a b',
  '[a]',
  'a]',
  '{a,b}',
  'é',
  'a*',
  'x+',
];
const segment = fc.constantFrom(...NAMES);
const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('/'));

/** No path may be a directory of another (a file and a directory cannot share a name). */
function tree(paths: string[]): string[] {
  const kept: string[] = [];
  for (const p of paths) {
    const clash = kept.some((k) => k === p || k.startsWith(`${p}/`) || p.startsWith(`${k}/`));
    if (!clash) kept.push(p);
  }
  return kept;
}

const WILD = [
  '*',
  '**',
  '?',
  '??',
  'a*',
  '*a',
  '*b',
  '.*',
  '*.b',
  'a?',
  '?b',
  '[ab]',
  '[!a]',
  '[^.]',
  '[a-c]*',
  '[.]*',
  '[]a]',
  '[[:alpha:]]',
  '[[:punct:]]*',
  '\\*',
  'a\\*',
  '\\[a]',
  'a**',
  '**a',
  '***',
  '[a',
  'a[b-]',
  '{a,b}',
  'é*',
  '?*',
];
const globSegment = fc.oneof(
  { weight: 3, arbitrary: segment },
  { weight: 5, arbitrary: fc.constantFrom(...WILD) },
);
const freeGlob = fc
  .tuple(fc.array(globSegment, { minLength: 1, maxLength: 4 }), fc.boolean())
  .map(([s, slash]) => `${s.join('/')}${slash ? '/' : ''}`);

/** A glob derived from a path of the tree: its directories, or its segments generalised. */
const derivedGlob = (paths: string[]) =>
  fc.constantFrom(...paths).chain((p) => {
    const parts = p.split('/');
    return fc
      .tuple(
        fc.integer({ min: 1, max: parts.length }),
        fc.array(fc.constantFrom('keep', 'keep', 'star', 'globstar', 'question', 'dot'), {
          minLength: parts.length,
          maxLength: parts.length,
        }),
        fc.constantFrom('', '', '/', '/**', '/*'),
      )
      .map(([n, how, tail]) => {
        const generalised = parts
          .slice(0, n)
          .map((s, i) =>
            how[i] === 'star'
              ? '*'
              : how[i] === 'globstar'
                ? '**'
                : how[i] === 'question'
                  ? `?${s.slice(1)}`
                  : how[i] === 'dot'
                    ? `${s[0]}*`
                    : s,
          );
        return `${generalised.join('/')}${tail}`;
      });
  });

const world = fc
  .array(path, { minLength: 1, maxLength: 14 })
  .map(tree)
  .chain((paths) =>
    fc.tuple(
      fc.constant(paths),
      fc.array(fc.oneof(freeGlob, derivedGlob(paths)), { minLength: 1, maxLength: 10 }),
    ),
  );

it('lists exactly what git lists for :(top,glob) pathspecs', () => {
  fc.assert(
    fc.property(world, ([paths, globs]) => {
      const repo = makeRepo(paths);
      for (const glob of globs) {
        const shown = lsFiles(repo, glob).sort();
        const matched = paths.filter((p) => matchesGlob(p, glob)).sort();
        expect({ glob, matched }).toEqual({ glob, matched: shown });
      }
      rmSync(repo, { recursive: true, force: true });
    }),
    // GLOB_RUNS=600 for a longer hunt (about 50 s)
    { numRuns: Number(process.env.GLOB_RUNS ?? 70) },
  );
}, 60_000);
