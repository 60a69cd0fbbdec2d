#!/usr/bin/env node
// The demo: the whole gitfence story in a scratch repository, with every enforcement point working.
// Everything happens under a temp dir (HOME, GIT_CONFIG_GLOBAL, GITFENCE_HOME): your own git
// configuration and repositories are never touched. Each step checks its exit code; a surprise
// stops the demo with a non-zero exit.
import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { $ } from 'zx';
import pc from 'picocolors';

const project = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(project, 'bin/gitfence.js');
const writeLockCli = join(project, 'bin/git-write-lock.js');
const savePatchCli = join(project, 'bin/save-patch.js');

const root = realpathSync(mkdtempSync(join(tmpdir(), 'gitfence-demo-')));
const home = join(root, 'home');
const gitfenceHome = join(home, '.gitfence');
const repo = join(root, 'shop');
const remote = join(root, 'shop.git');
mkdirSync(home, { recursive: true });
writeFileSync(
  join(home, '.gitconfig'),
  '[user]\n\tname = Orchestrator\n\temail = orchestrator@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n',
);

const baseEnv = {
  PATH: process.env.PATH,
  HOME: home,
  GIT_CONFIG_GLOBAL: join(home, '.gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  GITFENCE_HOME: gitfenceHome,
  LANG: 'C.UTF-8',
  TERM: process.env.TERM ?? 'dumb',
  ...(process.env.NO_COLOR ? { NO_COLOR: '1' } : {}),
};
const shimDir = join(gitfenceHome, 'bin');
/** An agent session: the shim first on PATH, an identity, no terminal for alerts (stderr instead). */
const agentEnv = (name) => ({
  ...baseEnv,
  PATH: `${shimDir}:${process.env.PATH}`,
  LLM_AGENT_NAME: name,
});

$.verbose = false;
$.quiet = true;

let stepNumber = 0;
function step(title) {
  stepNumber += 1;
  console.log(`\n${pc.bold(pc.cyan(`── ${stepNumber}. ${title} `.padEnd(78, '─')))}`);
}

function indent(text) {
  return text
    .replace(/\s+$/, '')
    .split('\n')
    .map((line) => `   ${line}`)
    .join('\n');
}

/** Run a shell command line in the scratch world; print it, its output and its exit code. */
async function run(who, command, { env = baseEnv, expect = 0, cwd = repo, show = true } = {}) {
  const label = who ? pc.magenta(`[${who}]`) : pc.dim('[orchestrator]');
  console.log(`${label} ${pc.bold(`$ ${command}`)}`);
  const result = await $({
    cwd,
    env,
    nothrow: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })`bash -c ${command}`;
  const output = `${result.stdout}${result.stderr}`;
  if (show && output.trim()) console.log(pc.dim(indent(output)));
  const code = result.exitCode;
  const ok = code === expect;
  console.log(
    `   ${ok ? pc.green('✓') : pc.red('✗')} exit ${code}${ok ? '' : ` (expected ${expect})`}`,
  );
  if (!ok) {
    console.error(pc.red(`\ndemo stopped: "${command}" exited ${code}, expected ${expect}`));
    console.error(`the scratch world is kept for inspection: ${root}`);
    process.exit(1);
  }
  return result;
}

function say(text) {
  console.log(pc.italic(indent(text)));
}

const gf = `node ${cli}`;
const gwl = `node ${writeLockCli}`;
const sp = `node ${savePatchCli}`;

console.log(pc.bold('gitfence demo'), pc.dim(`(scratch world: ${root})`));

// ── the project ───────────────────────────────────────────────────────────────────────────────
step('A project with a remote, and the work of two agents to come');
await run(null, `git init -q --bare ${remote} && git init -q ${repo}`, { cwd: root });
mkdirSync(join(repo, 'src/cart'), { recursive: true });
mkdirSync(join(repo, 'src/search'), { recursive: true });
mkdirSync(join(repo, 'docs'), { recursive: true });
writeFileSync(join(repo, 'src/cart/cart.ts'), 'export const cart = [];\n');
writeFileSync(join(repo, 'src/search/search.ts'), 'export const search = () => [];\n');
writeFileSync(join(repo, 'docs/guide.md'), '# Guide\n');
writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
await run(
  null,
  `git add -A && git commit -qm "initial" && git remote add origin ${remote} && git push -q origin main && git switch -qc integration`,
);

// ── the one evaluator ─────────────────────────────────────────────────────────────────────────
step('One evaluator decides: the same calls under both presets (gitfence check)');
const presetRepo = join(root, 'presets');
await run(
  null,
  `git init -q ${presetRepo} && git -C ${presetRepo} commit -q --allow-empty -m init`,
  {
    cwd: root,
  },
);
const calls = [
  'status',
  'checkout -b feature',
  'restore --staged notes.txt',
  'clean -n',
  'stash list',
  'commit -m "reset --hard"',
  'checkout -- .',
  'reset --har',
  'clean -fdx',
  "-c alias.x='reset --hard' x",
  'push origin +main',
  'push --force-with-lease --force',
  'branch -D old',
  'stash drop',
];
const verdicts = {};
for (const preset of ['precise', 'opsGitSafety']) {
  writeFileSync(
    join(presetRepo, 'gitfence.policy.ts'),
    `import { definePolicy, presets } from 'gitfence';\nexport default definePolicy({ extends: [presets.${preset}] });\n`,
  );
  await $({ cwd: presetRepo, env: baseEnv })`node ${cli} compile`;
  for (const call of calls) {
    const result = await $({
      cwd: presetRepo,
      env: baseEnv,
      nothrow: true,
    })`bash -c ${`node ${cli} check --json -- ${call}`}`;
    const decision = JSON.parse(result.stdout);
    const first = decision.matches.find((m) => m.outcome === 'deny');
    (verdicts[call] ??= {})[preset] =
      result.exitCode === 42
        ? pc.red(`42 ${first?.ruleId ?? ''}`)
        : pc.green(`${result.exitCode} allowed`);
  }
}
console.log(`   ${'git …'.padEnd(34)} ${'precise'.padEnd(36)} opsGitSafety`);
for (const call of calls) {
  const pad = (text, width) =>
    text + ' '.repeat(Math.max(1, width - text.replace(/\x1b\[[0-9;]*m/g, '').length));
  console.log(
    `   ${pad(call, 35)}${pad(verdicts[call].precise, 37)}${verdicts[call].opsGitSafety}`,
  );
}
say('precise denies only what loses work; opsGitSafety also blocks every rollback subcommand.');

// ── bootstrap ─────────────────────────────────────────────────────────────────────────────────
step('The orchestrator sets gitfence up: policy, hooks, shim, and the .git write-lock');
await run(null, `${gf} init --preset opsGitSafety --yes`);
say(
  'The policy protects main; pushes of conflict markers and force pushes are refused at pre-push.',
);
writeFileSync(
  join(repo, 'gitfence.policy.ts'),
  `import { definePolicy, presets } from 'gitfence';

export default definePolicy({
  extends: [presets.opsGitSafety],
  push: { protectedBranches: ['main', 'release/*'] },
});
`,
);
await run(null, `git add -A && git commit -qm "gitfence: policy and hooks"`);
await run(null, `${gf} bootstrap --ensure-git-lock`);
await run(null, `${gwl} status`);
say('With .git locked, nothing can rewrite refs, HEAD or the index: not even a plain commit.');
await run(null, `git commit -q --allow-empty -m "sneaky"`, { expect: 128 });

// ── two agents take scopes ────────────────────────────────────────────────────────────────────
step('Two agents take lock scopes (leases on path globs)');
await run('alice', `${gf} lock acquire 'src/cart/**' --ttl 30m --reason "cart totals"`, {
  env: agentEnv('alice'),
});
await run('bob', `${gf} lock acquire 'src/search/**' 'docs/**' --reason "search ranking"`, {
  env: agentEnv('bob'),
});
say("Bob reaching into Alice's files is refused, with the holder and an overlapping path:");
await run('bob', `${gf} lock acquire 'src/**/*.ts'`, { env: agentEnv('bob'), expect: 42 });
say('Leases live in the git common dir, which stays writable while .git is locked.');
await run(null, `${gf} lock list`);

// ── they work and see only their own changes ──────────────────────────────────────────────────
step('They edit side by side; each `git status` shows only its own scopes');
writeFileSync(
  join(repo, 'src/cart/cart.ts'),
  'export const cart: number[] = [];\nexport const total = () => cart.reduce((a, b) => a + b, 0);\n',
);
writeFileSync(join(repo, 'src/cart/discount.ts'), 'export const discount = 0.1;\n');
writeFileSync(join(repo, 'src/search/search.ts'), 'export const search = (q: string) => [q];\n');
writeFileSync(join(repo, 'docs/guide.md'), '# Guide\n\nSearch now ranks by relevance.\n');
await run('alice', 'git status --porcelain', { env: agentEnv('alice') });
await run('bob', 'git status --porcelain', { env: agentEnv('bob') });
say('An explicit pathspec passes unchanged; an agent without a lease is told how to take one.');
await run('carol', 'git status --porcelain', { env: agentEnv('carol'), expect: 42 });

// ── a rollback is stopped ─────────────────────────────────────────────────────────────────────
step('Bob "tidies up" with a rollback: stopped loudly, nothing lost');
await run('bob', 'git checkout -- .', { env: agentEnv('bob'), expect: 42 });
await run(
  'bob',
  `python3 -c "import subprocess,sys; sys.exit(subprocess.run(['git','reset','--hard']).returncode)"`,
  {
    env: agentEnv('bob'),
    expect: 42,
  },
);
say('The agent-CLI hook layer sees forms a PATH shim cannot, such as an absolute git path:');
await run('bob', `${gf} check-shell -- 'sudo /usr/bin/git clean -fdx'`, {
  env: agentEnv('bob'),
  expect: 42,
});
await run(null, 'git status --porcelain', { show: true });
say("Alice's and Bob's edits are all still there.");

// ── patches ───────────────────────────────────────────────────────────────────────────────────
step('Both agents save their scoped changes as patches (the real index is never touched)');
await run('alice', `${sp}`, { env: agentEnv('alice') });
await run('bob', `${sp}`, { env: agentEnv('bob') });

// ── the push window ───────────────────────────────────────────────────────────────────────────
step('The orchestrator opens a short push window, applies and commits the patches');
await run(null, `${gwl} unlock-for-push --holder orchestrator --ttl 120`);
const patchesDir = join(repo, '.git/gitfence/patches');
const patchOf = (agent) => {
  const dir = join(patchesDir, agent);
  const file = readdirSync(dir).find((name) => name.endsWith('.patch'));
  return join(dir, file);
};
await run(null, `${gf} apply-patch ${patchOf('alice')} --commit`);
await run(null, `${gf} apply-patch ${patchOf('bob')} --commit`);
await run(null, 'git log --oneline -3');

step('The pre-push final check runs on every push');
say('A push straight to the protected main branch is refused:');
await run(null, 'git push -q origin integration:main', { expect: 1 });
say('A conflict marker slipped into a commit is refused too:');
writeFileSync(
  join(repo, 'src/cart/notes.md'),
  '<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> other\n',
);
await run(null, 'git add src/cart/notes.md && git commit -qm "notes"');
await run(null, 'git push -q origin integration', { expect: 1 });
await run(null, 'git reset -q --hard HEAD~1');
say('The clean branch goes through:');
await run(null, 'git push -q origin integration');

step('The window closes and the lock re-arms');
await run(null, `${gwl} relock --holder orchestrator`);
await run(null, `${gwl} status`);
await run(null, `${gf} log --since 1h | tail -5`);

// ── clean up ──────────────────────────────────────────────────────────────────────────────────
await run(null, `${gwl} unlock`, { show: false });
rmSync(root, { recursive: true, force: true });
console.log(`\n${pc.bold(pc.green('demo complete:'))} every enforcement point did its job.`);
