import { describe, expect, it } from 'vitest';
import { readCorpusText } from '../helpers/corpus.js';
import {
  normalizeInvocation,
  parseDashed,
  parseInvocation,
  splitArgs,
  type Effect,
  type GitInvocation,
} from '../../src/git/index.js';
import type { ParseContext } from '../../src/git/parse.js';

const CWD = '/work/repo';
const parse = (line: string, ctx: Partial<ParseContext> = {}): GitInvocation =>
  parseInvocation(splitArgs(line), { env: {}, cwd: CWD, ...ctx });
const names = (inv: GitInvocation): string[] =>
  inv.options.map((o) => (o.value === undefined ? o.name : `${o.name}=${o.value}`));

/** The effects that lose work: what the `precise` preset denies. */
const LOSING: readonly Effect[] = [
  'discard-worktree-changes',
  'delete-untracked-files',
  'drop-stash',
  'force-push',
  'delete-remote-ref',
  'delete-branch-unmerged',
  'reset-branch',
  'remove-worktree-force',
  'remove-modified-files',
  'delete-tag',
  'expire-reflog',
  'prune-objects',
  'delete-ref',
  'bypass-hooks',
  'revert-commits',
];
const loses = (inv: GitInvocation): boolean =>
  inv.effects.some((e) => LOSING.includes(e)) || inv.problems.length > 0;

describe('parse-options semantics', () => {
  it.each([
    ['reset --har', 'reset', ['--hard']],
    ['reset --hard', 'reset', ['--hard']],
    ['clean -fdx', 'clean', ['--force', '-d', '-x']],
    ['clean -ffdx', 'clean', ['--force', '--force', '-d', '-x']],
    ['commit -mmsg', 'commit', ['--message=msg']],
    ['commit -am msg', 'commit', ['--all', '--message=msg']],
    ['commit -m -h', 'commit', ['--message=-h']],
    ['commit --mess=hi', 'commit', ['--message=hi']],
    ['commit --message hi there', 'commit', ['--message=hi']],
    ['push origin main --force', 'push', ['--force']],
    ['push --no-force', 'push', ['--no-force']],
    ['commit --verify', 'commit', ['--verify']],
    ['commit --no-verif', 'commit', ['--no-verify']],
    ['restore --source HEAD~1 -- f', 'restore', ['--source=HEAD~1']],
    ['restore -sHEAD f', 'restore', ['--source=HEAD']],
    ['push --force-with-lease=main:abc', 'push', ['--force-with-lease=main:abc']],
    ['push --force-with-lease main', 'push', ['--force-with-lease']],
    ['status -uno', 'status', ['--untracked-files=no']],
    ['log -10 --grep reset', 'log', ['--max-count=10', '--grep=reset']],
    ['branch -D x', 'branch', ['--delete', '--force']],
    ['branch -M a b', 'branch', ['--move', '--force']],
  ])('%s', (line, sub, options) => {
    const inv = parse(line);
    expect(inv.subcommand).toBe(sub);
    expect(names(inv)).toEqual(options);
  });

  it('keeps every candidate of an ambiguous prefix', () => {
    const inv = parse('push --forc');
    expect(inv.options[0]?.candidates).toEqual(
      expect.arrayContaining(['--force', '--force-with-lease', '--force-if-includes']),
    );
    expect(inv.effects).toContain('force-push');
  });

  it('an exact match beats a longer option with the same prefix', () => {
    expect(parse('push --force').options[0]?.candidates).toBeUndefined();
  });

  it('-- separates pathspecs; --end-of-options makes operands', () => {
    const a = parse('checkout main -- --force x');
    expect(a.operands).toEqual(['main']);
    expect(a.pathspecs).toEqual(['--force', 'x']);
    expect(a.doubleDash).toBe(true);
    const b = parse('reset --end-of-options --hard');
    expect(b.options).toEqual([]);
    expect(b.operands).toEqual(['--hard']);
    expect(b.effects).toEqual([]);
    expect(normalizeInvocation(b)).toBe('git reset --end-of-options --hard');
  });

  it('options after operands are still options', () => {
    expect(parse('push origin main -f').effects).toContain('force-push');
  });

  it('-h and --help only show usage', () => {
    expect(parse('restore --help').effects).toEqual([]);
    expect(parse('clean -f -h').effects).toEqual([]);
    expect(parse('restore --help').help).toBe(true);
  });

  it('verbs: stash, worktree, reflog, remote', () => {
    expect(parse('stash').verb).toBe('push');
    expect(parse('stash -m x').verb).toBe('push');
    expect(parse('stash drop stash@{0}').verb).toBe('drop');
    expect(parse('worktree remove --force wt').effects).toEqual(['remove-worktree-force']);
    expect(parse('reflog expire --all').effects).toEqual(['expire-reflog']);
    expect(parse('reflog expire -n --all').effects).toEqual([]);
    expect(parse('reflog').verb).toBe('show');
    expect(parse('remote -v').verb).toBeNull();
  });

  it('unknown subcommands are parsed generically', () => {
    const inv = parse('frobnicate -xyz --level=3 a b');
    expect(inv.subcommand).toBe('frobnicate');
    expect(names(inv)).toEqual(['-xyz', '--level=3']);
    expect(inv.operands).toEqual(['a', 'b']);
    expect(inv.problems).toEqual([]);
  });
});

describe('global options', () => {
  it.each([
    ['-C /tmp reset --hard', '-C', '/tmp'],
    ['--git-dir=.git status', '--git-dir', '.git'],
    ['--git-dir .git status', '--git-dir', '.git'],
    ['--work-tree=/tmp clean -fd', '--work-tree', '/tmp'],
    ['--work-tree /tmp clean -fd', '--work-tree', '/tmp'],
    ['--namespace=ns status', '--namespace', 'ns'],
    ['--namespace ns status', '--namespace', 'ns'],
    ['--exec-path=/x status', '--exec-path', '/x'],
    ['--super-prefix=p/ status', '--super-prefix', 'p/'],
    ['--attr-source HEAD status', '--attr-source', 'HEAD'],
    ['--config-env=core.editor=EDITOR status', '--config-env', 'core.editor=EDITOR'],
    ['--config-env core.editor=EDITOR status', '--config-env', 'core.editor=EDITOR'],
  ])('%s', (line, name, value) => {
    const inv = parse(line);
    expect(inv.globals[0]).toMatchObject({ name, value });
    expect(inv.subcommand).not.toBeNull();
  });

  it.each([
    '-p',
    '--paginate',
    '-P',
    '--no-pager',
    '--no-replace-objects',
    '--no-lazy-fetch',
    '--bare',
    '--literal-pathspecs',
    '--glob-pathspecs',
    '--noglob-pathspecs',
    '--icase-pathspecs',
    '--no-optional-locks',
  ])('flag %s before reset --hard', (flag) => {
    const inv = parse(`${flag} reset --hard`);
    expect(inv.subcommand).toBe('reset');
    expect(inv.effects).toEqual(['discard-worktree-changes']);
  });

  it.each([
    '--version',
    '-v',
    '--help',
    '-h',
    '--html-path',
    '--man-path',
    '--info-path',
    '--exec-path',
    '--list-cmds=main',
  ])('%s stops git before the command', (flag) => {
    const inv = parse(`${flag} reset --hard`);
    expect(inv.subcommand).toBeNull();
    expect(inv.effects).toEqual([]);
  });

  it('an unknown global option does not hide the command after it', () => {
    expect(parse('--future-flag reset --hard').effects).toContain('discard-worktree-changes');
  });

  it('-C chains and path options resolve after every -C', () => {
    const inv = parse('-C a -C ../b --git-dir=g --work-tree /abs status');
    expect(inv.cwd).toBe('/work/repo/b');
    expect(inv.paths).toEqual(
      expect.arrayContaining([
        { option: '-C', value: 'a', resolved: '/work/repo/a' },
        { option: '-C', value: '../b', resolved: '/work/repo/b' },
        { option: '--git-dir', value: 'g', resolved: '/work/repo/b/g' },
        { option: '--work-tree', value: '/abs', resolved: '/abs' },
      ]),
    );
  });

  it('records path options of subcommands and env', () => {
    const inv = parse('worktree add ../wt', {
      env: { GIT_DIR: '../x/.git', GIT_INDEX_FILE: '/i' },
    });
    expect(inv.paths).toEqual(
      expect.arrayContaining([
        { option: 'worktree add', value: '../wt', resolved: '/work/wt' },
        { option: 'GIT_DIR', value: '../x/.git', resolved: '/work/x/.git' },
        { option: 'GIT_INDEX_FILE', value: '/i', resolved: '/i' },
      ]),
    );
    expect(inv.env).toMatchObject({ GIT_DIR: '../x/.git', GIT_INDEX_FILE: '/i' });
    expect(parse('config -f /etc/x core.a b').paths[0]).toMatchObject({
      option: '--file',
      resolved: '/etc/x',
    });
  });

  it('records the environment that changes git, and nothing else', () => {
    const inv = parse('status', {
      env: {
        GIT_WORK_TREE: '/w',
        GIT_EXEC_PATH: '/e',
        HUSKY: '1',
        GIT_CONFIG_GLOBAL: '/g',
        PATH: '/bin',
        HOME: '/h',
      },
    });
    expect(inv.env).toEqual({
      GIT_WORK_TREE: '/w',
      GIT_EXEC_PATH: '/e',
      HUSKY: '1',
      GIT_CONFIG_GLOBAL: '/g',
    });
  });
});

describe('aliases', () => {
  it('-c alias.x expands', () => {
    const inv = parse("-c alias.x='reset --hard' x");
    expect(inv.subcommand).toBe('reset');
    expect(inv.aliasChain).toEqual(['x']);
    expect(inv.effects).toEqual(['discard-worktree-changes']);
    expect(normalizeInvocation(inv)).toBe("git -c 'alias.x=reset --hard' reset --hard");
  });

  it('repository aliases from ctx, recursively, with arguments appended', () => {
    const aliases = { nuke: 'reset --hard', n2: 'nuke', co: 'checkout' };
    expect(parse('n2 HEAD~1', { aliases })).toMatchObject({
      subcommand: 'reset',
      aliasChain: ['n2', 'nuke'],
      operands: ['HEAD~1'],
      effects: ['discard-worktree-changes'],
    });
    expect(parse('co .', { aliases }).effects).toContain('discard-worktree-changes');
    expect(parse('NUKE', { aliases }).subcommand).toBe('reset');
  });

  it('--config-env, GIT_CONFIG_COUNT and GIT_CONFIG_PARAMETERS define aliases', () => {
    expect(parse('--config-env=alias.x=BODY x', { env: { BODY: 'clean -fd' } }).effects).toEqual([
      'delete-untracked-files',
    ]);
    const count = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'alias.x',
      GIT_CONFIG_VALUE_0: 'push -f',
    };
    expect(parse('x', { env: count }).effects).toEqual(['force-push']);
    expect(
      parse('x', { env: { GIT_CONFIG_PARAMETERS: "'alias.x'='stash drop'" } }).effects,
    ).toEqual(['drop-stash']);
    expect(parse('x', { env: { GIT_CONFIG_PARAMETERS: "'alias.x=branch -D y'" } }).effects).toEqual(
      ['delete-branch-unmerged'],
    );
    expect(
      parse('x', { env: { GIT_CONFIG_PARAMETERS: "'alias.x'='it'\\''s' 'core.a'" } }).config,
    ).toEqual([
      { key: 'alias.x', value: "it's", source: 'GIT_CONFIG_PARAMETERS' },
      { key: 'core.a', value: 'true', source: 'GIT_CONFIG_PARAMETERS' },
    ]);
  });

  it('follows git precedence: files < COUNT < PARAMETERS < -c', () => {
    const env = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'alias.x',
      GIT_CONFIG_VALUE_0: 'status',
      GIT_CONFIG_PARAMETERS: "'alias.x'='log'",
    };
    expect(parse('x', { aliases: { x: 'diff' } }).subcommand).toBe('diff');
    expect(
      parse('x', {
        aliases: { x: 'diff' },
        env: {
          GIT_CONFIG_COUNT: env.GIT_CONFIG_COUNT,
          GIT_CONFIG_KEY_0: 'alias.x',
          GIT_CONFIG_VALUE_0: 'status',
        },
      }).subcommand,
    ).toBe('status');
    expect(parse('x', { aliases: { x: 'diff' }, env }).subcommand).toBe('log');
    expect(parse('-c alias.x=show x', { aliases: { x: 'diff' }, env }).subcommand).toBe('show');
  });

  it('ignores aliases that shadow builtins', () => {
    expect(parse('-c alias.status="reset --hard" status').effects).toEqual([]);
    expect(parse('status', { aliases: { status: 'reset --hard' } }).subcommand).toBe('status');
  });

  it('a loop is a problem', () => {
    const inv = parse('a', { aliases: { a: 'b', b: 'a' } });
    expect(inv.problems[0]).toMatch(/alias loop/);
    expect(parse('x', { aliases: { x: '!git x' } }).problems.join()).toMatch(/alias loop/);
  });

  it('unparseable injected config is a problem', () => {
    expect(
      parse('status', { env: { GIT_CONFIG_PARAMETERS: "'alias.x=unclosed" } }).problems,
    ).toHaveLength(1);
    expect(parse('status', { env: { GIT_CONFIG_COUNT: 'two' } }).problems).toHaveLength(1);
    expect(parse('status', { env: { GIT_CONFIG_COUNT: '1' } }).problems).toHaveLength(1);
  });

  it('shell aliases: run-shell plus the git calls inside, with $1 and "$@" substituted', () => {
    const a = parse('x', { aliases: { x: '!git status && git reset --hard' } });
    expect(a.shellAlias).toBe('git status && git reset --hard');
    expect(a.effects).toEqual(expect.arrayContaining(['run-shell', 'discard-worktree-changes']));
    expect(a.problems).toEqual([]);
    const b = parse('x --hard', { aliases: { x: '!f() { git reset "$1"; }; f' } });
    expect(b.effects).toContain('discard-worktree-changes');
    expect(b.problems).toEqual([]);
    const c = parse('x', { aliases: { x: '!echo hi' } });
    expect(c.effects).toEqual(['run-shell']);
    expect(c.problems).toEqual([]);
    const d = parse('x -f', { aliases: { x: '!git push' } });
    expect(d.effects).toContain('force-push');
  });

  it('shell aliases that cannot be proven safe are problems', () => {
    expect(parse('x', { aliases: { x: '!git reset $(cat mode)' } }).problems).toHaveLength(1);
    expect(parse('x', { aliases: { x: '!sh -c "git reset --hard"' } }).problems).toHaveLength(1);
    expect(parse('x', { aliases: { x: '!git $CMD' } }).problems).toHaveLength(1);
  });
});

describe('dashed forms', () => {
  it('git-reset --hard', () => {
    expect(parseDashed('git-reset', ['--hard', 'HEAD~1'], { env: {}, cwd: CWD })).toMatchObject({
      typed: 'git-reset',
      subcommand: 'reset',
      effects: ['discard-worktree-changes'],
    });
    expect(parseDashed('reset', ['--hard'], { env: {}, cwd: CWD }).subcommand).toBe('reset');
    expect(parseInvocation(['git-clean', '-fd'], { env: {}, cwd: CWD }).effects).toEqual([
      'delete-untracked-files',
    ]);
  });
});

describe('effects', () => {
  it.each<[string, Effect[]]>([
    ['reset --har', ['discard-worktree-changes']],
    ['reset --merge', ['discard-worktree-changes']],
    ['reset --keep HEAD~1', []],
    ['reset --soft HEAD~1', []],
    ['reset HEAD file.txt', []],
    ['clean -fdx', ['delete-untracked-files']],
    ['clean', ['delete-untracked-files']],
    ['clean -n', []],
    ['clean -n --no-dry-run -f', ['delete-untracked-files']],
    ['checkout -- .', ['discard-worktree-changes']],
    ['checkout .', ['discard-worktree-changes']],
    ['checkout -b x', ['switch-branch']],
    ['checkout main', ['switch-branch']],
    ['checkout -f main', ['discard-worktree-changes', 'switch-branch']],
    ['checkout -p', ['discard-worktree-changes']],
    ['checkout --ours -- f', ['discard-worktree-changes']],
    ['restore --staged f', []],
    ['restore -S f', []],
    ['restore -SW f', ['discard-worktree-changes']],
    ['restore --source=HEAD~1 --staged file.txt', []],
    ['restore f', ['discard-worktree-changes']],
    ['switch main', ['switch-branch']],
    ['switch --discard-changes main', ['discard-worktree-changes', 'switch-branch']],
    ['stash', ['stash-changes']],
    ['stash list', []],
    ['stash pop', []],
    ['stash drop', ['drop-stash']],
    ['stash clear', ['drop-stash']],
    ['push origin +main', ['force-push']],
    ['push --force-with-lease --force', ['force-push']],
    ['push --force-with-lease', ['force-push-with-lease']],
    ['push --force-if-includes', ['force-push-with-lease']],
    ['push --force=true origin main', ['force-push']],
    ['push --mirror', ['force-push', 'delete-remote-ref']],
    ['push origin :old', ['delete-remote-ref']],
    ['push -d origin old', ['delete-remote-ref']],
    ['push --prune origin', ['delete-remote-ref']],
    ['push -n --force', []],
    ['push -n --no-verify', []],
    ['push --no-verify', ['bypass-hooks']],
    ['branch -D x', ['delete-branch-unmerged']],
    ['branch -d --force x', ['delete-branch-unmerged']],
    ['branch -d x', ['delete-branch']],
    ['branch -f x', ['reset-branch']],
    ['branch -M a b', ['reset-branch']],
    ['branch -C a b', ['reset-branch']],
    ['branch x', []],
    ['worktree remove -f wt', ['remove-worktree-force']],
    ['worktree remove wt', []],
    ['rm -f x', ['remove-modified-files']],
    ['rm -f --cached x', []],
    ['rm -rfn x', []],
    ['tag -d v1', ['delete-tag']],
    ['reflog delete HEAD@{1}', ['expire-reflog']],
    ['gc --prune=now', ['prune-objects']],
    ['gc --prune=all', ['prune-objects']],
    ['gc --prune=2.weeks.ago', []],
    ['gc', []],
    ['prune', ['prune-objects']],
    ['prune -n', []],
    ['update-ref -d refs/heads/x', ['delete-ref']],
    ['update-ref --stdin', ['delete-ref']],
    ['symbolic-ref -d HEAD', ['delete-ref']],
    ['checkout-index -f -a', ['discard-worktree-changes']],
    ['checkout-index -a', []],
    ['read-tree -u --reset HEAD', ['discard-worktree-changes']],
    ['read-tree -m HEAD', []],
    ['log --output=README.md', ['discard-worktree-changes']],
    ['show --output=x.txt HEAD', ['discard-worktree-changes']],
    ['diff --output=out.patch', ['discard-worktree-changes']],
    ['log --oneline -5', []],
    ['revert HEAD', ['revert-commits']],
    ['commit -n -m x', ['bypass-hooks']],
    ['commit --no-verify -m x', ['bypass-hooks']],
    ['commit --no-verify --verify -m x', []],
    ['merge --no-verify x', ['bypass-hooks']],
    ['rebase --no-verify main', ['bypass-hooks']],
    ['am --no-verify p', ['bypass-hooks']],
    ['-c core.hooksPath=/dev/null commit -m x', ['bypass-hooks']],
    ['-c Core.HooksPath=/dev/null status', ['bypass-hooks']],
    ['config core.hooksPath /dev/null', ['bypass-hooks']],
    ['config --unset core.hooksPath', ['bypass-hooks']],
    ['config --get core.hooksPath', []],
    ['commit -m "reset --hard"', []],
    ['add reset --hard', []],
  ])('%s', (line, effects) => {
    expect(parse(line).effects.sort()).toEqual([...effects].sort());
  });

  it('bypass-hooks from the environment', () => {
    expect(parse('commit -m x', { env: { HUSKY: '0' } }).effects).toEqual(['bypass-hooks']);
    const count = {
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'core.hooksPath',
      GIT_CONFIG_VALUE_0: '/x',
    };
    expect(parse('commit -m x', { env: count }).effects).toEqual(['bypass-hooks']);
    expect(
      parse('commit -m x', { env: { GIT_CONFIG_PARAMETERS: "'core.hookspath'='/x'" } }).effects,
    ).toEqual(['bypass-hooks']);
    expect(parse('--config-env=core.hooksPath=H commit', { env: { H: '/x' } }).effects).toEqual([
      'bypass-hooks',
    ]);
  });

  it('checkout with known refs', () => {
    const refs = ['main', 'feature', 'origin/dev', 'v1.0'];
    expect(parse('checkout main', { refs }).effects).toEqual(['switch-branch']);
    expect(parse('checkout dev', { refs }).effects).toEqual(['switch-branch']);
    expect(parse('checkout v1.0', { refs }).effects).toEqual(['switch-branch']);
    expect(parse('checkout HEAD~1', { refs }).effects).toEqual(['switch-branch']);
    expect(parse('checkout Makefile', { refs }).effects).toEqual(['discard-worktree-changes']);
    expect(parse('checkout main src/app.ts', { refs }).effects.sort()).toEqual([
      'discard-worktree-changes',
      'switch-branch',
    ]);
  });

  it('config writes are recorded', () => {
    expect(parse("config alias.nuke 'reset --hard'").configWrite).toEqual({
      op: 'set',
      key: 'alias.nuke',
      value: 'reset --hard',
    });
    expect(parse('config --global --unset alias.x').configWrite).toEqual({
      op: 'unset',
      key: 'alias.x',
      value: null,
    });
    expect(parse('config --get alias.x').configWrite).toBeNull();
  });
});

describe('peer corpus, git-only cases (precise labels)', () => {
  const corpus = readCorpusText()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { cmd: string; expect: 'block' | 'allow' });
  const gitOnly = corpus.filter(({ cmd }) => {
    if (/[;&|`<>#]|\$\(/.test(cmd)) return false;
    let words: string[];
    try {
      words = splitArgs(cmd);
    } catch {
      return false;
    }
    return words[0] === 'git' || /^git-[a-z]+$/.test(words[0] ?? '');
  });

  it('covers a real share of the corpus', () => {
    expect(gitOnly.length).toBeGreaterThan(120);
  });

  it.each(gitOnly.map((c) => [c.cmd, c.expect] as const))('%s → %s', (cmd, expected) => {
    const words = splitArgs(cmd);
    const first = words[0] as string;
    const inv =
      first === 'git'
        ? parseInvocation(words.slice(1), { env: {}, cwd: CWD })
        : parseDashed(first, words.slice(1), { env: {}, cwd: CWD });
    expect(loses(inv) ? 'block' : 'allow').toBe(expected);
  });
});

describe('normalizeInvocation', () => {
  it.each([
    ['reset --har HEAD', 'git reset --hard HEAD'],
    ['-C /tmp --git-dir .git clean -fdx', 'git -C /tmp --git-dir=.git clean --force -d -x'],
    ['commit -m "reset --hard"', "git commit --message='reset --hard'"],
    ['checkout main -- a "b c"', "git checkout main -- a 'b c'"],
    ['stash', 'git stash push'],
    ['', 'git'],
    ['--version', 'git --version'],
  ])('%s', (line, text) => {
    expect(normalizeInvocation(parse(line))).toBe(text);
  });
});
