/**
 * Build entry `dist/hot/pre-push.cjs`: `gitfence hook pre-push` without the CLI's command table
 * (bin/gitfence.js sends it here). Mirrors `main`: `--help`, the exit-code table, the error format.
 */
import { EXIT, exitCodeForError, formatError } from '../errors.js';
import { hotContext } from '../cli/hot-stdio.js';

async function runPrePushProcess(args: string[]): Promise<number> {
  const context = hotContext();
  const end = args.indexOf('--');
  if ((end === -1 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
    // the same text as `gitfence hook --help`
    const { command } = await import('../cli/commands/hook.js');
    context.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    const { run } = await import('./pre-push.js');
    const result = await run({ ...context, args });
    return typeof result === 'string' ? EXIT[result] : result.passthrough;
  } catch (error) {
    context.stderr.write(`${formatError(error)}\n`);
    return exitCodeForError(error);
  }
}

void runPrePushProcess(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
