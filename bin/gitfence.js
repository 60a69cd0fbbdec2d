#!/usr/bin/env node
// `check` runs on the hot path of agent tooling: it has its own one-file bundle.
if (process.argv[2] === 'check') {
  process.argv.splice(2, 1);
  await import('../dist/hot/check.js');
} else {
  const { run } = await import('../dist/cli/main.js');
  await run(process.argv.slice(2));
}
