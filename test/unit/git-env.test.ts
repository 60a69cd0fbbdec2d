/** The one rule for gitfence's own git environment (src/util/git-env.ts), variable by variable. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  gitEnvFor,
  keepsGitVariable,
  REDIRECTS_UNSET,
  type GitEnvPurpose,
} from '../../src/util/git-env.js';

const dropped = 'dropped';
const kept = 'kept';

/** [variable, at cwd, as called, why] */
const TABLE: Array<[string, typeof dropped | typeof kept, typeof dropped | typeof kept, string]> = [
  ['GIT_DIR', dropped, kept, 'redirects to another repository'],
  ['GIT_WORK_TREE', dropped, kept, 'redirects to another worktree'],
  ['GIT_INDEX_FILE', dropped, kept, 'another index (hooks rely on it as called)'],
  ['GIT_COMMON_DIR', dropped, kept, "another common dir, where gitfence's state lives"],
  ['GIT_OBJECT_DIRECTORY', dropped, kept, 'another object store'],
  ['GIT_ALTERNATE_OBJECT_DIRECTORIES', dropped, kept, 'more object stores'],
  ['GIT_NAMESPACE', dropped, kept, 'another ref namespace'],
  ['GIT_PREFIX', dropped, kept, 'a subdirectory git set for an alias'],
  ['GIT_SHALLOW_FILE', dropped, kept, 'another shallow file'],
  ['GIT_REPLACE_REF_BASE', dropped, kept, 'other replace refs'],
  ['GIT_EXTERNAL_DIFF', dropped, kept, 'changes the diff gitfence parses'],
  ['GIT_DIFF_OPTS', dropped, kept, 'changes the diff gitfence parses'],
  ['GIT_LITERAL_PATHSPECS', dropped, kept, "changes how gitfence's pathspecs read"],
  ['GIT_GLOB_PATHSPECS', dropped, kept, "changes how gitfence's pathspecs read"],
  ['GIT_NOGLOB_PATHSPECS', dropped, kept, "changes how gitfence's pathspecs read"],
  ['GIT_ICASE_PATHSPECS', dropped, kept, "changes how gitfence's pathspecs read"],
  ['GIT_CONFIG_COUNT', kept, kept, 'config injection: safe.directory for root'],
  ['GIT_CONFIG_KEY_0', kept, kept, 'config injection'],
  ['GIT_CONFIG_VALUE_0', kept, kept, 'config injection'],
  ['GIT_CONFIG_PARAMETERS', kept, kept, 'config injection (git -c passes it on)'],
  ['GIT_CONFIG_GLOBAL', kept, kept, 'which config files git reads'],
  ['GIT_CONFIG_SYSTEM', kept, kept, 'which config files git reads'],
  ['GIT_CONFIG_NOSYSTEM', kept, kept, 'which config files git reads'],
  ['GIT_AUTHOR_NAME', kept, kept, 'identity of a snapshot'],
  ['GIT_AUTHOR_EMAIL', kept, kept, 'identity'],
  ['GIT_COMMITTER_NAME', kept, kept, 'identity'],
  ['GIT_COMMITTER_DATE', kept, kept, 'identity'],
  ['GIT_CEILING_DIRECTORIES', kept, kept, 'limits discovery, never redirects it'],
  ['HOME', kept, kept, 'where the global config is'],
  ['PATH', kept, kept, 'the real-git finder filters the shim out of it'],
  ['LANG', kept, kept, 'locale'],
  ['LLM_AGENT_NAME', kept, kept, 'not git'],
];

describe('gitEnvFor', () => {
  const purposes: GitEnvPurpose[] = ['repository-at-cwd', 'as-called'];
  for (const [name, atCwd, asCalled, why] of TABLE) {
    it(`${name}: ${atCwd} at cwd, ${asCalled} as called (${why})`, () => {
      const expected = { 'repository-at-cwd': atCwd, 'as-called': asCalled };
      for (const purpose of purposes) {
        const env = gitEnvFor({ [name]: '/elsewhere', OTHER: 'x' }, purpose);
        expect(name in env ? kept : dropped, purpose).toBe(expected[purpose]);
        expect(keepsGitVariable(name, purpose) ? kept : dropped, purpose).toBe(expected[purpose]);
        expect(env.OTHER).toBe('x');
      }
    });
  }

  it('returns a new object and leaves the caller env untouched', () => {
    const env = { GIT_DIR: '/x', HOME: '/h' };
    for (const purpose of ['repository-at-cwd', 'as-called'] as const) {
      const out = gitEnvFor(env, purpose);
      expect(out).not.toBe(env);
      expect(env).toEqual({ GIT_DIR: '/x', HOME: '/h' });
    }
  });

  it('REDIRECTS_UNSET unsets exactly the variables dropped as redirects', () => {
    const redirects = TABLE.filter(
      ([name, atCwd]) => atCwd === dropped && !/DIFF|PATHSPECS/.test(name),
    ).map(([name]) => name);
    expect(Object.keys(REDIRECTS_UNSET).sort()).toEqual(redirects.sort());
    expect(Object.values(REDIRECTS_UNSET).every((v) => v === undefined)).toBe(true);
  });
});

describe('every git runner in src goes through the rule', () => {
  const src = join(import.meta.dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory()
        ? files(join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [join(dir, e.name)]
          : [],
    );
  it('no raw createGitRunner outside the runner and the real-git finder', () => {
    const raw = files(src)
      .filter((file) => /\bcreateGitRunner\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(src, file))
      .sort();
    expect(raw).toEqual(['facts/real-git.ts', 'util/git-runner.ts']);
  });
});
