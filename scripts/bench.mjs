#!/usr/bin/env node
// Side-by-side benchmarks (SPEC §6): each case runs its subject and its baseline interleaved in one
// loop, so both see the same machine load; medians and their ratio are compared with the case's target.
// Cases live in scripts/bench/<area>.mjs and export
//   cases: [{ name, target, minRounds?, setup?, teardown?, subject, baseline }]
// target null marks a reference row (shown, never missed); minRounds raises --rounds for cases of a
// few ms, whose medians need more samples to settle.
// where subject is [cmd, args, opts?] and baseline is one such command or an array of them (summed).
// Either may also be a function of what setup returned. Usage:
//   node scripts/bench.mjs [--rounds 40] [--warmup 5] [--filter TEXT] [--strict]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    warmup: { type: 'string', default: '5' },
    filter: { type: 'string' },
    strict: { type: 'boolean', default: false },
  },
});
const rounds = Number(values.rounds);
const warmup = Number(values.warmup);

const isCommand = (value) => Array.isArray(value) && typeof value[0] === 'string';
const commandsOf = (spec) => (isCommand(spec) ? [spec] : spec);

function timeOne([cmd, args = [], opts = {}], label) {
  const start = process.hrtime.bigint();
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const ok =
    opts.expectCode === undefined ? result.status === 0 : result.status === opts.expectCode;
  if (result.error || !ok) {
    throw new Error(
      `${label}: ${cmd} ${args.join(' ')} exited ${result.status}${result.error ? ` (${result.error.message})` : ''}\n${result.stdout}${result.stderr}`,
    );
  }
  return ms;
}

const timeAll = (commands, label) => commands.reduce((sum, c) => sum + timeOne(c, label), 0);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function loadCases() {
  const dir = join(root, 'scripts/bench');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.mjs'))
    .sort();
  const all = [];
  for (const file of files) {
    const mod = await import(pathToFileURL(join(dir, file)).href);
    for (const c of mod.cases ?? []) all.push({ ...c, area: file.replace(/\.mjs$/, '') });
  }
  return all.filter((c) => !values.filter || `${c.area}/${c.name}`.includes(values.filter));
}

const results = [];
for (const c of await loadCases()) {
  const id = `${c.area}/${c.name}`;
  let context;
  try {
    context = c.setup ? await c.setup() : undefined;
    const subject = commandsOf(typeof c.subject === 'function' ? c.subject(context) : c.subject);
    const baseline = commandsOf(
      typeof c.baseline === 'function' ? c.baseline(context) : c.baseline,
    );
    for (let i = 0; i < warmup; i++) {
      timeAll(subject, `${id} subject`);
      timeAll(baseline, `${id} baseline`);
    }
    const s = [];
    const b = [];
    const caseRounds = Math.max(rounds, c.minRounds ?? 0);
    for (let i = 0; i < caseRounds; i++) {
      // alternate which goes first so neither always runs on a warmer machine
      if (i % 2 === 0) {
        s.push(timeAll(subject, `${id} subject`));
        b.push(timeAll(baseline, `${id} baseline`));
      } else {
        b.push(timeAll(baseline, `${id} baseline`));
        s.push(timeAll(subject, `${id} subject`));
      }
    }
    const subjectMs = median(s);
    const baselineMs = median(b);
    const ratio = subjectMs / baselineMs;
    results.push({
      id,
      target: c.target,
      subjectMs,
      baselineMs,
      ratio,
      pass: c.target === null || ratio <= c.target,
      rounds: caseRounds,
    });
  } catch (error) {
    results.push({
      id,
      target: c.target,
      error: String(error.message ?? error),
      pass: false,
      rounds,
    });
  } finally {
    if (c.teardown) await c.teardown(context);
  }
}

const fmt = (n) => (n === undefined ? '-' : n.toFixed(2));
const rows = [
  ['case', 'subject ms', 'baseline ms', 'ratio', 'target', 'result'],
  ...results.map((r) => [
    r.id,
    fmt(r.subjectMs),
    fmt(r.baselineMs),
    r.ratio === undefined ? '-' : `${r.ratio.toFixed(3)}x`,
    r.target === null ? 'reference' : `<= ${r.target}x`,
    r.error
      ? `ERROR: ${r.error.split('\n')[0]}`
      : r.target === null
        ? '-'
        : r.pass
          ? 'ok'
          : 'MISSED',
  ]),
];
const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(widths[i])).join('  '));
console.log(
  `(medians of ${rounds} interleaved rounds, or a case's minRounds, after ${warmup} warm-up rounds; node ${process.version})`,
);

mkdirSync(join(root, '.bench'), { recursive: true });
writeFileSync(
  join(root, '.bench/results.json'),
  `${JSON.stringify({ date: new Date().toISOString(), node: process.version, rounds, warmup, results }, null, 2)}\n`,
);
if (values.strict && results.some((r) => !r.pass)) process.exitCode = 1;
