/**
 * Break-glass through a real pseudo-terminal (python3 pty.fork): the code appears on the terminal,
 * typing the exact line runs the command after a snapshot that restores the lost work; three wrong
 * lines exit 42 with nothing changed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { must } from '../helpers/sandbox.js';
import { createShimWorld, fingerprint, type ShimWorld } from '../helpers/shim-world.js';

// Drives one command on a pty. answers: "CODE" types the exact line shown; anything else is typed as is.
const DRIVER = String.raw`
import json, os, pty, re, select, sys, time
cwd, answers = sys.argv[1], json.loads(sys.argv[2])
argv = sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    os.chdir(cwd)
    os.execvp(argv[0], argv)
out = b''
def read_until(pattern, timeout=30):
    global out
    end = time.time() + timeout
    while time.time() < end:
        if re.search(pattern, out): return True
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try: chunk = os.read(fd, 4096)
            except OSError: return False
            if not chunk: return False
            out += chunk
    return False
for answer in answers:
    if not read_until(rb'break-glass> $' if answer != 'CODE' else rb'ALLOW \S+ [A-Z0-9]{8}'):
        break
    if answer == 'CODE':
        line = re.search(rb'(ALLOW \S+ [A-Z0-9]{8})', out).group(1)
        read_until(rb'break-glass> $')
        os.write(fd, line + b'\r')
    else:
        os.write(fd, answer.encode() + b'\r')
read_until(rb'\x00never', timeout=20)
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.waitstatus_to_exitcode(status), 'output': out.decode('utf8', 'replace')}))
`;

let w: ShimWorld;
let driver: string;
beforeAll(() => {
  w = createShimWorld();
  driver = join(w.sb.root, 'pty-driver.py');
  writeFileSync(driver, DRIVER);
});
afterAll(() => w.cleanup());

function onPty(cwd: string, answers: string[], command: string[]) {
  const result = w.agent(w.sb.root, 'python3', [driver, cwd, JSON.stringify(answers), ...command], {
    GITFENCE_BREAKGLASS: '1',
    NO_COLOR: '1',
  });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as { code: number; output: string };
}

describe('break-glass on a real terminal', () => {
  it('shows the code, runs the command on the exact line, and the snapshot restores the lost work', () => {
    const repo = w.makeProtectedRepo('approve');
    const lost = readFileSync(join(repo, 'README.md'), 'utf8');
    const run = onPty(repo, ['CODE'], ['git', 'reset', '--hard']);
    expect(run.output).toMatch(/type exactly this line/);
    expect(run.output).toMatch(/ALLOW reset [A-Z0-9]{8}/);
    expect(run.output).toMatch(/snapshot taken: refs\/gitfence\/snapshots\//);
    expect(run.code).toBe(0);
    // the reset ran: the edit is gone from the working tree
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('hello\n');
    const refs = must(
      w.sb.git(repo, 'for-each-ref', '--format=%(refname)', 'refs/gitfence/snapshots/'),
    )
      .stdout.trim()
      .split('\n');
    expect(refs).toHaveLength(1);
    const name = refs[0]!.replace('refs/gitfence/snapshots/', '');
    const restore = w.sb.gitfence(repo, ['checkpoint', 'restore', name], {
      GIT_CONFIG_GLOBAL: undefined,
    });
    expect(restore.code, restore.stderr).toBe(0);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe(lost);
    expect(readFileSync(join(repo, 'untracked.txt'), 'utf8')).toBe('new file nobody committed\n');
    expect(readFileSync(join(repo, 'debug.log'), 'utf8')).toBe('ignored file\n');
    const log = w.sb.gitfence(repo, ['log', '--json'], { GIT_CONFIG_GLOBAL: undefined });
    expect(log.stdout).toMatch(
      /"breakGlass":\{"outcome":"approved","attempts":1,"snapshot":"refs\/gitfence\/snapshots\//,
    );
  });

  it('three wrong lines: 42, and nothing changed', () => {
    const repo = w.makeProtectedRepo('refuse');
    const before = fingerprint(w.sb, repo);
    const run = onPty(
      repo,
      ['ALLOW reset WRONG123', 'allow please', 'ALLOW reset'],
      ['git', 'reset', '--hard'],
    );
    expect(run.output).toMatch(/ALLOW reset [A-Z0-9]{8}/);
    expect(run.output).toMatch(/2 attempt\(s\) left/);
    expect(run.code).toBe(42);
    expect(fingerprint(w.sb, repo)).toBe(before);
    const log = w.sb.gitfence(repo, ['log', '--json'], { GIT_CONFIG_GLOBAL: undefined });
    expect(log.stdout).toMatch(/"breakGlass":\{"outcome":"wrong-code","attempts":3\}/);
  });

  it('reads the answer from the terminal, never stdin', () => {
    const repo = w.makeProtectedRepo('stdin');
    const before = fingerprint(w.sb, repo);
    // the code is on the terminal, but the agent pipes guesses into stdin: they are ignored
    const run = onPty(
      repo,
      ['x', 'y', 'z'],
      ['sh', '-c', 'yes "ALLOW reset AAAAAAAA" | git reset --hard'],
    );
    expect(run.code).toBe(42);
    expect(fingerprint(w.sb, repo)).toBe(before);
  });
});
