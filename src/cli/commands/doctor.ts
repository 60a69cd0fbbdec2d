/** `gitfence doctor [--json] [--cwd DIR]`: what is installed, compiled and enforced here. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { DOCTOR_CHECKS } from '../../doctor/checks.js';
import { renderDoctor, runDoctorChecks, worstStatus } from '../../doctor/run.js';
import type { DoctorStatus } from '../../doctor/types.js';
import { createRealGitRunner } from '../../facts/real-git.js';
import { colorEnabled, colors } from '../../render/color.js';
import { discoverRepo } from '../../repo/discover.js';
import { gitfenceHomeFrom } from '../../repo/state-paths.js';
import { parseFlags } from '../args.js';
import type { CliContext, Command } from '../context.js';

const USAGE = `gitfence doctor: report what is installed, compiled and enforced here

usage: gitfence doctor [--json] [--cwd DIR]
       gitfence doctor --explain-error '<git error text>'

Checks which policy layers exist, whether the policy is compiled, whether a source changed
since it was compiled, which rules disableRules switched off, and what other components
report. --explain-error explains a git failure such as
'fatal: Unable to create …/index.lock: Operation not permitted' in terms of the write-lock.
Exit codes: 0 ok or warnings only, 2 a check failed.`;

export const command: Command = {
  name: 'doctor',
  summary: 'report what is installed, compiled and enforced here',
  usage: USAGE,
  async run(context: CliContext) {
    const { values } = parseFlags(
      {
        args: context.args,
        options: {
          json: { type: 'boolean', default: false },
          cwd: { type: 'string' },
          'explain-error': { type: 'string' },
        },
        strict: true,
      },
      {
        where: 'gitfence doctor',
        expected: 'gitfence doctor [--json] [--cwd DIR]',
        got: context.args.join(' '),
      },
    );
    const cwd = resolve(context.cwd, values.cwd ?? '.');
    const home = context.env.HOME || homedir();
    const git = createRealGitRunner(context.env, home, 'repository-at-cwd');
    const doctorContext = {
      cwd,
      env: context.env,
      home,
      gitfenceHome: gitfenceHomeFrom(context.env, home),
      repo: await discoverRepo(cwd, git),
      git,
      now: context.now,
    };
    if (values['explain-error'] !== undefined) {
      const { renderExplainError } = await import('../../doctor/writelock.js');
      context.stdout.write(
        `${await renderExplainError(values['explain-error'], doctorContext.repo)}\n`,
      );
      return 'ok';
    }
    const results = await runDoctorChecks(DOCTOR_CHECKS, doctorContext);
    const status = worstStatus(results);
    if (values.json) {
      context.stdout.write(`${JSON.stringify({ status, checks: results }, null, 2)}\n`);
    } else {
      const pc = colors(colorEnabled(context.env, context.stdout.isTTY));
      const colours: Record<DoctorStatus, (text: string) => string> = {
        ok: pc.green,
        warn: pc.yellow,
        fail: pc.red,
      };
      context.stdout.write(renderDoctor(results, (s, text) => colours[s](text)));
    }
    return status === 'fail' ? 'usage' : 'ok';
  },
};
