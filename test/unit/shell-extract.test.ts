import { describe, expect, it } from 'vitest';
import { extractGitCalls, XARGS_PLACEHOLDER } from '../../src/agents/shell/extract.js';
import { hasGitLikeToken } from '../../src/agents/shell/git-names.js';

const argvs = (command: string) => extractGitCalls(command).calls.map((call) => call.argv);

describe('extractGitCalls: what runs', () => {
  it.each([
    ['/usr/bin/git reset --hard', ['reset', '--hard']],
    ['sudo git checkout -- .', ['checkout', '--', '.']],
    ["bash -c 'cd sub && git clean -fdx'", ['clean', '-fdx']],
    [
      `python3 -c "import subprocess; subprocess.run(['git','reset','--hard'])"`,
      ['reset', '--hard'],
    ],
    ['sudo -u root -D /tmp git reset --hard', ['reset', '--hard']],
    ['env -i -u HOME FOO=1 --chdir=/x git stash', ['stash']],
    ['env -S "git reset --hard"', ['reset', '--hard']],
    ['env --split-string="git clean -f"', ['clean', '-f']],
    ['command -p git stash', ['stash']],
    ['builtin exec -a name git stash', ['stash']],
    ['nice -n 5 git stash', ['stash']],
    ['nice -10 git stash', ['stash']],
    ['timeout -s KILL 10 git stash', ['stash']],
    ['nohup time -p git stash', ['stash']],
    ["find . -name '*.orig' -exec git checkout -- {} \\;", ['checkout', '--', '{}']],
    ['find . -execdir git rm -f {} +', ['rm', '-f', '{}']],
    ['parallel -j4 git rm -f ::: a b', ['rm', '-f']],
    ['ls | parallel', []],
    ['echo "git stash" | parallel', ['stash']],
    ['g\\it reset --hard', ['reset', '--hard']],
    [`g'i't reset --hard`, ['reset', '--hard']],
    ['"/usr/bin/git" reset --hard', ['reset', '--hard']],
    ['\\git.exe reset --hard', ['reset', '--hard']],
    ['"C:\\\\Program Files\\\\Git\\\\bin\\\\git.exe" stash', ['stash']],
    ['C:/Git/bin/GIT.EXE stash', ['stash']],
    ['git re\\\nset --hard', ['reset', '--hard']],
    ['"git">/dev/null reset --hard', ['reset', '--hard']],
    ['git 2>&1 reset >out --hard <in', ['reset', '--hard']],
    ['git-reset --hard', ['git-reset', '--hard']],
    ['hub reset --hard', ['reset', '--hard']],
    ['$(which git) reset --hard', ['reset', '--hard']],
    ['$GIT reset --hard', ['reset', '--hard']],
    ['/usr/bin/gi? reset --hard', ['reset', '--hard']],
    ['eval "git reset --hard"', ['reset', '--hard']],
    ['git${IFS}reset${IFS}--hard', ['reset', '--hard']],
    ['/usr/bin/git reset$IFS--hard', ['reset', '--hard']],
    ['gi$()t reset --hard', ['reset', '--hard']],
    ['/usr/bin/g$(echo i)t reset --hard', ['reset', '--hard']],
    ['$CMD reset --hard', ['reset', '--hard']],
    ['$(echo git reset) --hard', ['reset', '--hard']],
    ["$SHELL -c '/usr/bin/git reset --hard'", ['reset', '--hard']],
    ['"$BASH" -lc \'git stash drop\'', ['stash', 'drop']],
    ['eval "$(printf \'git reset --hard\')"', ['reset', '--hard']],
    ['bash -c "$(echo \'/usr/bin/git clean -fdx\')"', ['clean', '-fdx']],
    ["bash <(echo 'git stash drop')", ['stash', 'drop']],
    ["source <(echo 'git stash clear')", ['stash', 'clear']],
    ['`echo /usr/bin/git` reset --hard', ['reset', '--hard']],
    ["sudo -s 'git reset --hard'", ['reset', '--hard']],
    ["sudo -u bob -i 'cd /x && git stash drop'", ['stash', 'drop']],
    ['cmd /c git reset --hard', ['reset', '--hard']],
    ['cmd.exe /C "git clean -fdx"', ['clean', '-fdx']],
    ["powershell -NoProfile -Command 'git reset --hard'", ['reset', '--hard']],
    ['{git,reset,--hard}', ['reset', '--hard']],
    ['{/usr/bin/git,reset} --hard', ['reset', '--hard']],
    ["alias g='git reset --hard'; g", ['reset', '--hard']],
    ["alias nuke='sudo git clean -fdx'\nnuke", ['clean', '-fdx']],
    ["echo 'git stash' | sh", ['stash']],
    ["printf 'git stash\\n' | bash -s", ['stash']],
    ['sh <<<"git stash"', ['stash']],
    ['bash <<-EOF\n\tgit stash\n\tEOF', ['stash']],
    ['cat <<EOF | sh\ngit stash\nEOF', ['stash']],
    ['bash -lc "git clean -fdx"', ['clean', '-fdx']],
    ['bash -o pipefail -c "git stash"', ['stash']],
    ['dash -e -x -c "git stash" name arg', ['stash']],
    ["su -c 'git stash' bob", ['stash']],
    ["script -q -c 'git stash' /dev/null", ['stash']],
    ["flock /tmp/l -c 'git stash'", ['stash']],
    ["watch -n 1 'git stash'", ['stash']],
    ["node -e \"require('child_process').execSync('git reset --hard')\"", ['reset', '--hard']],
    ["node -e \"require('child_process').spawnSync('git', ['clean', '-fd'])\"", ['clean', '-fd']],
    ["ruby -e \"system('git', 'stash')\"", ['stash']],
    ['ruby -e "`git stash`"', ['stash']],
    ['perl -e \'system("git stash")\'', ['stash']],
    ["python3 <<'EOF'\nimport os\nos.system('git stash')\nEOF", ['stash']],
    ['echo "import os; os.system(\'git stash\')" | python3', ['stash']],
    ['awk \'BEGIN { system("git stash") }\'', ['stash']],
    ["python3 -c \"import subprocess; subprocess.run(['sudo', 'git', 'stash'])\"", ['stash']],
  ])('%s', (command, expected) => {
    const calls = argvs(command);
    if (expected.length === 0) expect(calls).toEqual([]);
    else expect(calls).toContainEqual(expected);
  });

  it('walks every list, pipeline, group and substitution', () => {
    expect(
      argvs(
        'git status && git stash || git log; git a | git b & (git c) ; { git d; } ; echo $(git e) `git f` "$(git g)" <(git h)',
      ),
    ).toEqual(
      expect.arrayContaining([
        ['status'],
        ['stash'],
        ['log'],
        ['a'],
        ['b'],
        ['c'],
        ['d'],
        ['e'],
        ['f'],
        ['g'],
        ['h'],
      ]),
    );
  });

  it('walks compound commands', () => {
    expect(argvs('if git diff --quiet; then git stash; elif true; then :; else git a; fi')).toEqual(
      [['diff', '--quiet'], ['stash'], ['a']],
    );
    expect(argvs('for f in $(git ls-files); do git checkout -- "$f"; done')).toEqual([
      ['ls-files'],
      ['checkout', '--', '$f'],
    ]);
    expect(argvs('while read f; do git rm "$f"; done < list')).toEqual([['rm', '$f']]);
    expect(argvs('case "$x" in a|b) git stash;; (c) git reset --hard;; esac')).toEqual([
      ['stash'],
      ['reset', '--hard'],
    ]);
    expect(argvs('f() { git clean -fd; }; f')).toEqual([['clean', '-fd']]);
    expect(argvs('function g { git stash; }')).toEqual([['stash']]);
    expect(argvs('[[ -f x && -d y ]] && git stash')).toEqual([['stash']]);
  });

  it('runs unquoted heredoc substitutions but not quoted ones', () => {
    expect(argvs('cat <<EOF\n$(git stash)\nEOF')).toEqual([['stash']]);
    expect(argvs("cat <<'EOF'\n$(git stash)\nEOF")).toEqual([]);
  });

  it('carries env, cwd and via', () => {
    const [call] = extractGitCalls('cd sub && FOO=1 sudo env BAR=2 git stash').calls;
    expect(call).toEqual({
      argv: ['stash'],
      env: { FOO: '1', BAR: '2' },
      cwd: 'sub',
      via: ['sudo', 'env'],
    });
    const [nested] = extractGitCalls("bash -c 'cd a && cd b && git stash'").calls;
    expect(nested?.cwd).toBe('a/b');
    expect(nested?.via).toEqual(['bash -c']);
    expect(extractGitCalls('(cd a) && git stash').calls[0]?.cwd).toBeUndefined();
    expect(extractGitCalls('export HUSKY=0; git commit').calls[0]?.env).toEqual({ HUSKY: '0' });
    expect(extractGitCalls('env -C /tmp git stash').calls[0]?.cwd).toBe('/tmp');
  });

  it('gives xargs an unknown operand unless -I replaces it', () => {
    expect(argvs('git ls-files -m | xargs git checkout')).toContainEqual([
      'checkout',
      XARGS_PLACEHOLDER,
    ]);
    expect(argvs('xargs -I{} git checkout -- {}')).toEqual([['checkout', '--', '{}']]);
    expect(argvs('xargs -0 -n 1 git rm')).toEqual([['rm', XARGS_PLACEHOLDER]]);
  });

  it('applies aliases defined earlier in the same string', () => {
    const calls = extractGitCalls("git config alias.nuke 'reset --hard' && git nuke").calls;
    expect(calls[0]?.aliases).toBeUndefined();
    expect(calls[1]).toMatchObject({ argv: ['nuke'], aliases: { nuke: 'reset --hard' } });
    const unset = extractGitCalls(
      "git config --global alias.x 'reset --hard'; git config --unset alias.x; git x",
    ).calls;
    expect(unset[2]?.aliases).toBeUndefined();
    expect(extractGitCalls("git config set alias.N '!rm -rf .'; git n").calls[1]?.aliases).toEqual({
      n: '!rm -rf .',
    });
    // global options before `config`, read as git reads them (`--shallow-file` takes a value)
    expect(
      extractGitCalls("git --shallow-file x config alias.y 'reset --hard'; git y").calls[1]
        ?.aliases,
    ).toEqual({ y: 'reset --hard' });
  });
});

describe('extractGitCalls: what is data', () => {
  it.each([
    'git commit -m "reset --hard"',
    'echo git reset --hard',
    "grep -r 'git clean -f' docs",
    "git commit -m '$(git reset --hard)'",
    "echo '$(git reset --hard)'",
    "printf 'git reset --hard\\n'",
    'ls -la # git reset --hard',
    'cat <<EOF\ngit reset --hard\nEOF',
    "tee f <<<'git reset --hard'",
    'bash -c "echo git reset --hard"',
    'env -S "echo git reset --hard"',
    'command -v git',
    'which git',
    'type -a git',
    'man git',
    'digit reset --hard',
    'my-git reset --hard',
    'git-lfs pull',
    'GIT status',
    'git\u3000status',
    'ee preflight check --cmd "git reset --hard"',
    'bash script.sh',
    'python3 script.py git reset --hard',
    'python3 -m pip install git',
    'curl https://github.com/x | sh',
    'ssh host git reset --hard',
    '$EDITOR notes.txt',
    '"$PYTHON" -m pytest',
  ])('%s', (command) => {
    const result = extractGitCalls(command);
    const dangerous = result.calls.filter((call) => call.argv.includes('--hard'));
    expect(dangerous).toEqual([]);
    expect(result.unparseable).toBeUndefined();
  });

  it('keeps commit messages intact as one argument', () => {
    expect(argvs('git commit -m "Fix git reset --hard detection"')).toEqual([
      ['commit', '-m', 'Fix git reset --hard detection'],
    ]);
    expect(argvs("git commit -m $'line\\nnext'")).toEqual([['commit', '-m', 'line\nnext']]);
  });
});

describe('extractGitCalls: what cannot be parsed', () => {
  it('flags an unparseable string only when it looks like git', () => {
    expect(extractGitCalls('git reset "--hard').unparseable).toMatch(/unterminated double quote/);
    expect(extractGitCalls("bash -c 'git reset \"--hard'").unparseable).toMatch(/inside bash -c/);
    expect(extractGitCalls('echo "unterminated').unparseable).toBeUndefined();
    expect(extractGitCalls('echo $(ls').unparseable).toBeUndefined();
    expect(extractGitCalls('echo $(git stash').unparseable).toBeDefined();
    expect(extractGitCalls('echo ) git').unparseable).toBeDefined();
  });

  it('fails closed on nesting deeper than it follows', () => {
    let command = 'git reset --hard';
    for (let i = 0; i < 18; i++) command = `eval ${JSON.stringify(command)}`;
    const result = extractGitCalls(command);
    expect(result.unparseable ?? result.calls.length).toBeTruthy();
  });

  it('recognises git-like tokens generously', () => {
    expect(hasGitLikeToken("g'i't")).toBe(true);
    expect(hasGitLikeToken('/usr/bin/git')).toBe(true);
    expect(hasGitLikeToken('digit legitimate')).toBe(false);
  });
});
