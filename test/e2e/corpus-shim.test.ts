/**
 * The peer corpus end to end through the installed shim (issue 3, item 7). Every case whose git
 * call reaches PATH runs with bash in its own copy of a template repository (uncommitted,
 * staged, untracked and ignored work; branches, tags, a stash, a local remote).
 *
 * - precise: destructive cases are denied (exit 42 where bash's status is git's) with the working
 *   tree, index and refs unchanged; allowed cases behave exactly as raw git (exit code, stdout,
 *   resulting tree, index and refs, run side by side from identical copies).
 * - opsGitSafety: every call of the seven rollback subcommands is denied as well (the audit log
 *   records each delegated call; none of them may be an allowed rollback call).
 *
 * Cases that never look at PATH (absolute paths, sudo, `env -i`, `command -p`, …) are the agent-hook
 * layer's job and are listed in NOT_ON_PATH below; see docs/shim.md.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractGitCalls } from '../../src/agents/shell/extract.js';
import { parseInvocation } from '../../src/git/parse.js';
import { installShim, loadManifest } from '../../src/shim/install.js';
import { createGitRunner } from '../../src/util/git-runner.js';
import { readCorpusText } from '../helpers/corpus.js';
import { must } from '../helpers/sandbox.js';
import { createShimWorld, policySource, type ShimWorld } from '../helpers/shim-world.js';

interface Case {
  index: number;
  cmd: string;
  expect: 'block' | 'allow';
}

const ROLLBACK = new Set(['restore', 'checkout', 'reset', 'clean', 'revert', 'switch', 'stash']);

/** Forms whose git never comes from PATH: the shim cannot see them (agent-hook layer's job). */
const NOT_ON_PATH: Array<[RegExp, string]> = [
  [/(^|[\s"'=(])(\/usr\/local\/bin|\/usr\/bin|\/bin|\/opt\/custom)\/git\b/, 'absolute path to git'],
  [/(^|\s)\.\/git\b/, 'relative path to git'],
  [/git\.exe|C:\//, 'Windows path'],
  [/(^|[\s;&|(])sudo\s/, 'sudo resets PATH (secure_path)'],
  [/env -i\b/, 'env -i clears PATH'],
  [/command -p\b/, 'command -p uses the default PATH'],
];

/** Not run at all: they reach the network or need tools this machine lacks; none calls git. */
const NOT_RUN: Array<[RegExp, string]> = [
  [/^curl\s/, 'network'],
  [/^(ruby|zsh)\s/, 'not installed here (the same call through sh/bash/python/node is covered)'],
];

/** Allowed cases that ask the shell where git is: with the shim first on PATH they name the shim, by design. */
const WHERE_IS_GIT = /^(command -[vV]|which|type|whereis|hash) /;

/**
 * Allowed by the corpus ("loses no work") but refused by the path guard, which keeps `-C` and
 * friends inside the repository's worktrees whatever the subcommand (SPEC §3, path guards).
 */
const PATH_GUARDED = new Set(['git -C /tmp -c color.ui=auto grep -e "rm -rf" src/main.rs']);

/** Blocked cases whose destructive call never runs: an earlier part decides (`a || git reset`). */
const NOT_REACHED = new Set([
  'git stash || git reset --hard',
  'test -d .git && git status || git reset --hard',
]);

/** Files a non-git part of a blocked case creates (`| tee log.txt`): not a change by git. */
const CREATED_BY_OTHERS: Record<string, string[]> = {
  'git reset --hard | tee log.txt': ['log.txt'],
};

/**
 * Blocked compound cases whose earlier, allowed part legitimately changes the repository before
 * the destructive part is denied (precise allows `git stash`, `git checkout -b`, `git fetch`).
 */
const ALLOWED_PREFIX_CHANGES = new Set([
  'git stash && git stash drop',
  'git stash || git reset --hard',
  'git checkout -b tmp && git reset --hard',
  'git fetch && git reset --hard @{u}',
  "git commit -m 'wip' && git reset --hard", // commits the staged edit first
  'git restore --staged a.txt && git restore b.txt', // unstaging is allowed
]);

function loadCases(): Case[] {
  return readCorpusText()
    .split('\n')
    .filter((l) => l.trim())
    .map((l, index) => ({
      index,
      ...(JSON.parse(l) as { cmd: string; expect: 'block' | 'allow' }),
    }));
}

function bypassReason(cmd: string): string | null {
  for (const [re, why] of [...NOT_ON_PATH, ...NOT_RUN]) if (re.test(cmd)) return why;
  return null;
}

/** Does the case (by shell analysis) call one of the seven rollback subcommands through PATH? */
function callsRollback(cmd: string, cwd: string): boolean {
  let calls;
  try {
    calls = extractGitCalls(cmd).calls;
  } catch {
    return false;
  }
  return calls.some((call) => {
    const inv = parseInvocation(call.argv, { env: call.env, cwd, aliases: call.aliases ?? {} });
    return inv.subcommand !== null && ROLLBACK.has(inv.subcommand);
  });
}

// ---------------------------------------------------------------------------------------------

let w: ShimWorld;
const FIXED_DATES = { GIT_AUTHOR_DATE: '1700000000 +0000', GIT_COMMITTER_DATE: '1700000000 +0000' };
const QUIET = {
  GIT_EDITOR: 'true',
  EDITOR: 'true',
  GIT_PAGER: 'cat',
  PAGER: 'cat',
  MANPAGER: 'cat',
  GIT_TERMINAL_PROMPT: '0',
};

function buildTemplate(preset: 'precise' | 'opsGitSafety'): string {
  const sb = w.sb;
  const tpl = join(sb.root, `tpl-${preset}`);
  const work = join(tpl, 'work');
  const env = { ...FIXED_DATES };
  mkdirSync(tpl, { recursive: true });
  const g = (...args: string[]) => must(sb.run('git', args, { cwd: work, env }));
  must(sb.run('git', ['init', '-q', '--bare', '-b', 'main', join(tpl, 'remote.git')]));
  must(sb.run('git', ['init', '-q', '-b', 'main', work]));
  const files: Record<string, string> = {
    'README.md': 'hello\n',
    'file.txt': 'file\n',
    'a.txt': 'a\n',
    'b.txt': 'b\n',
    'notes.md': 'notes\n',
    'src/app.ts': 'export const app = 1;\n',
    'src/main.rs': 'fn main() { /* rm -rf */ }\n',
    'path/to/file': 'deep\n',
    'repo/inner.txt': 'a directory named repo, for `cd repo && …`\n',
    '.gitignore': '*.log\n',
    'gitfence.policy.ts': policySource(preset),
  };
  for (const [path, content] of Object.entries(files)) sb.write(join(work, path), content);
  g('add', '-A');
  g('commit', '-q', '-m', 'initial');
  for (let i = 1; i <= 6; i++) {
    sb.write(join(work, 'history.txt'), `step ${i}\n`);
    g('add', 'history.txt');
    g('commit', '-q', '-m', `step ${i}`);
  }
  g('remote', 'add', 'origin', '../remote.git');
  g('push', '-q', '-u', 'origin', 'main');
  for (const b of ['feature', 'feature-branch', 'merged-branch', 'old-feature', 'dev', 'master'])
    g('branch', b);
  g('push', '-q', 'origin', 'dev', 'feature');
  g('tag', 'v0.9');
  // a stash entry to drop or check out from
  sb.write(join(work, 'notes.md'), 'stashed notes\n');
  g('stash', 'push', '-q', '-m', 'earlier work');
  must(sb.gitfence(work, ['compile'], { GIT_CONFIG_GLOBAL: undefined }));
  // the uncommitted work that must survive
  sb.write(join(work, 'file.txt'), 'file\nuncommitted edit\n');
  sb.write(join(work, 'src/app.ts'), 'export const app = 2; // unsaved\n');
  sb.write(join(work, 'a.txt'), 'a\nstaged edit\n');
  g('add', 'a.txt');
  sb.write(join(work, 'new.txt'), 'untracked work\n');
  sb.write(join(work, 'debug.log'), 'ignored\n');
  sb.write(join(work, 'merge.orig'), 'untracked leftover, for `find -name *.orig`\n');
  mkdirSync(join(tpl, 'scratch'), { recursive: true });
  return tpl;
}

const DRIVER = String.raw`#!/bin/bash
# usage: driver <template> <cases-dir> <list>  (list: index NUL command NUL …)
tpl=$1; dir=$2
while IFS= read -r -d '' idx && IFS= read -r -d '' cmd; do
  d=$dir/$idx
  rm -rf "$d"; cp -a "$tpl" "$d"
  export GF_SCRATCH=$d/scratch
  cmd=${'${cmd//\\/tmp/$GF_SCRATCH}'}
  (cd "$d/work" && timeout 30 bash -c "$cmd" </dev/null >"$d/out" 2>"$d/err"; echo $? >"$d/code")
done < "$3"
`;

function runDriver(
  tpl: string,
  casesDir: string,
  cases: Case[],
  env: Record<string, string | undefined>,
  workers = 2,
) {
  const driver = join(w.sb.root, 'driver.sh');
  writeFileSync(driver, DRIVER, { mode: 0o755 });
  mkdirSync(casesDir, { recursive: true });
  const chunks: Case[][] = Array.from({ length: workers }, () => []);
  cases.forEach((c, i) => chunks[i % workers]!.push(c));
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...w.sb.env, ...env })) if (v !== undefined) merged[k] = v;
  return Promise.all(
    chunks.map(
      (chunk, i) =>
        new Promise<void>((resolve, reject) => {
          const list = join(casesDir, `list-${i}`);
          writeFileSync(list, chunk.map((c) => `${c.index}\0${c.cmd}\0`).join(''));
          const child = spawn('bash', [driver, tpl, casesDir, list], {
            env: merged,
            stdio: 'inherit',
          });
          child.on('error', reject);
          child.on('close', (code) =>
            code === 0 ? resolve() : reject(new Error(`driver exit ${code}`)),
          );
        }),
    ),
  );
}

/** Working tree bytes, refs, HEAD, stash log, and the index's entries (raw bytes too when asked). */
function fingerprint(caseDir: string, options: { indexBytes?: boolean } = {}): string {
  const out: string[] = [];
  const work = join(caseDir, 'work');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      const rel = relative(caseDir, path);
      if (rel === 'work/.git') continue;
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else
        out.push(
          `${rel} ${stat.mode.toString(8)} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`,
        );
    }
  };
  walk(work);
  for (const gitDir of [join(work, '.git'), join(caseDir, 'remote.git')]) {
    const refs: string[] = [];
    const walkRefs = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const entry of readdirSync(dir).sort()) {
        const path = join(dir, entry);
        if (lstatSync(path).isDirectory()) walkRefs(path);
        else refs.push(`${relative(gitDir, path)} ${readFileSync(path, 'utf8').trim()}`);
      }
    };
    walkRefs(join(gitDir, 'refs'));
    out.push(...refs);
    for (const f of ['HEAD', 'packed-refs', 'logs/refs/stash']) {
      const p = join(gitDir, f);
      if (existsSync(p))
        out.push(
          `${relative(caseDir, p)}: ${readFileSync(p, 'utf8').replace(/\d{10} [+-]\d{4}/g, 'T')}`,
        );
    }
  }
  const index = w.sb.run('/usr/bin/git', ['ls-files', '-s'], {
    cwd: work,
    env: { GIT_CONFIG_GLOBAL: undefined },
  });
  out.push(`index entries:\n${index.stdout}`);
  if (options.indexBytes)
    out.push(
      `index bytes ${createHash('sha256')
        .update(readFileSync(join(work, '.git', 'index')))
        .digest('hex')}`,
    );
  return out.join('\n');
}

function result(caseDir: string) {
  return {
    code: Number(readFileSync(join(caseDir, 'code'), 'utf8').trim()),
    out: readFileSync(join(caseDir, 'out'), 'utf8').replaceAll(caseDir, '<case>'),
    err: readFileSync(join(caseDir, 'err'), 'utf8'),
  };
}

function auditOf(
  caseDir: string,
): Array<{ subcommand: string | null; outcome: string; argv: string[] }> {
  const file = join(caseDir, 'work', '.git', 'gitfence', 'audit.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { subcommand: string | null; outcome: string; argv: string[] });
}

/**
 * `ls -l` prints each copy's modification times, and the shim and raw copies are made seconds
 * (sometimes a minute boundary) apart: compare those outputs without their dates.
 */
const withoutLsDates = (text: string) =>
  text.replace(/\b[A-Z][a-z]{2} [ \d]\d (?:\d\d:\d\d|\d{4})\b/g, '<date>');

const cases = loadCases();
const onPath = cases.filter((c) => bypassReason(c.cmd) === null && !WHERE_IS_GIT.test(c.cmd));
// As the orchestrator would run them: an agent without a lock scope is refused status/diff by design.
const shimEnv = () => ({
  ...QUIET,
  ...FIXED_DATES,
  GF_CORPUS_SESSION: '1',
  PATH: `${w.shimDir}:${w.sb.env.PATH}`,
  GIT_CONFIG_GLOBAL: undefined,
});
const rawEnv = () => ({ ...QUIET, ...FIXED_DATES, GIT_CONFIG_GLOBAL: undefined });

beforeAll(async () => {
  w = createShimWorld();
  // Login shells (`bash -lc`) reset PATH in /etc/profile; the --profile snippet in ~/.profile puts
  // the shim back for agent sessions. The session marker here is one the policy does not treat as an
  // agent (the corpus is run as the orchestrator: an agent without a lock scope is refused `status`).
  const manifest = loadManifest(w.shimDir)!;
  await installShim({
    shimDir: w.shimDir,
    realGit: manifest.realGit,
    node: manifest.node,
    cli: manifest.cli,
    git: createGitRunner(manifest.realGit, w.sb.env),
    now: Date.now(),
    profileHome: w.sb.home,
    agentMarkers: ['GF_CORPUS_SESSION'],
  });
}, 120_000);
afterAll(() => w.cleanup(), 300_000);

describe('peer corpus through the shim', () => {
  it('selects the cases that reach PATH (the rest are documented as the agent-hook layer’s)', () => {
    expect(cases.length).toBe(349);
    expect(onPath.length).toBeGreaterThan(300);
    const skipped = cases.filter((c) => bypassReason(c.cmd) !== null);
    for (const c of skipped) expect(bypassReason(c.cmd)).toBeTruthy();
  });

  it(
    'precise: destructive cases denied with nothing changed; allowed cases exactly as raw git',
    { timeout: 15 * 60_000 },
    async () => {
      const tpl = buildTemplate('precise');
      const before = fingerprint(tpl, { indexBytes: true });
      const blocked = onPath.filter((c) => c.expect === 'block');
      const allowed = onPath.filter((c) => c.expect === 'allow');
      await runDriver(tpl, join(w.sb.root, 'precise-shim'), onPath, shimEnv());
      await runDriver(tpl, join(w.sb.root, 'precise-raw'), allowed, rawEnv());

      const failures: string[] = [];
      for (const c of blocked) {
        const dir = join(w.sb.root, 'precise-shim', String(c.index));
        const r = result(dir);
        for (const file of CREATED_BY_OTHERS[c.cmd] ?? [])
          rmSync(join(dir, 'work', file), { force: true });
        if (NOT_REACHED.has(c.cmd)) {
          if (fingerprint(dir) === fingerprint(tpl) || c.cmd.startsWith('git stash')) continue;
          failures.push(`#${c.index} changed the repository: ${c.cmd}`);
          continue;
        }
        const denied = auditOf(dir).some((e) => e.outcome === 'deny');
        if (!denied && !/gitfence: denied /.test(r.err))
          failures.push(`#${c.index} not denied: ${c.cmd} (exit ${r.code})`);
        if (ALLOWED_PREFIX_CHANGES.has(c.cmd)) continue;
        const single = (() => {
          try {
            return extractGitCalls(c.cmd).calls.length === 1;
          } catch {
            return false;
          }
        })();
        const after = fingerprint(dir, { indexBytes: single });
        const expected = single ? before : fingerprint(tpl);
        if (after !== expected) failures.push(`#${c.index} changed the repository: ${c.cmd}`);
      }
      for (const c of allowed) {
        if (PATH_GUARDED.has(c.cmd)) {
          if (result(join(w.sb.root, 'precise-shim', String(c.index))).code !== 42)
            failures.push(`#${c.index} not path-guarded: ${c.cmd}`);
          continue;
        }
        const shim = join(w.sb.root, 'precise-shim', String(c.index));
        const raw = join(w.sb.root, 'precise-raw', String(c.index));
        const a = result(shim);
        const b = result(raw);
        if (a.code !== b.code || withoutLsDates(a.out) !== withoutLsDates(b.out))
          failures.push(
            `#${c.index} differs from raw git: ${c.cmd}: exit ${a.code} vs ${b.code}\n${a.err}`,
          );
        else if (fingerprint(shim) !== fingerprint(raw))
          failures.push(`#${c.index} left a different repository than raw git: ${c.cmd}`);
      }
      // thousands of repository copies: remove them here rather than in one long afterAll
      rmSync(join(w.sb.root, 'precise-shim'), { recursive: true, force: true });
      rmSync(join(w.sb.root, 'precise-raw'), { recursive: true, force: true });
      rmSync(join(w.sb.root, 'ops-shim'), { recursive: true, force: true });
      expect(failures).toEqual([]);
    },
  );

  it(
    'opsGitSafety: every call of the seven rollback subcommands is denied',
    { timeout: 15 * 60_000 },
    async () => {
      const tpl = buildTemplate('opsGitSafety');
      const rollback = onPath.filter((c) => callsRollback(c.cmd, join(tpl, 'work')));
      expect(rollback.length).toBeGreaterThan(150);
      await runDriver(tpl, join(w.sb.root, 'ops-shim'), rollback, shimEnv());
      const failures: string[] = [];
      let denials = 0;
      for (const c of rollback) {
        const dir = join(w.sb.root, 'ops-shim', String(c.index));
        const entries = auditOf(dir);
        const allowedRollback = entries.filter(
          (e) => e.subcommand && ROLLBACK.has(e.subcommand) && e.outcome === 'allow',
        );
        if (allowedRollback.length)
          failures.push(
            `#${c.index} let a rollback call run: ${c.cmd} → ${allowedRollback.map((e) => e.argv.join(' ')).join('; ')}`,
          );
        if (entries.some((e) => e.outcome === 'deny') || /gitfence: denied /.test(result(dir).err))
          denials++;
      }
      // thousands of repository copies: remove them here rather than in one long afterAll
      rmSync(join(w.sb.root, 'precise-shim'), { recursive: true, force: true });
      rmSync(join(w.sb.root, 'precise-raw'), { recursive: true, force: true });
      rmSync(join(w.sb.root, 'ops-shim'), { recursive: true, force: true });
      expect(failures).toEqual([]);
      // some cases never reach their rollback call (`a || git reset`, `find … -exec` with no match)
      expect(denials).toBeGreaterThan(rollback.length - 10);
    },
  );
});
