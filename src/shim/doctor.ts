/** The shim's `gitfence doctor` check: installed, current, first on PATH in agent sessions, every git on PATH. */
import { join } from 'node:path';
import type { DoctorCheck, DoctorLine } from '../doctor/types.js';
import { DEFAULT_AGENT_MARKERS } from '../policy/agent-markers.js';
import { homePaths } from '../repo/state-paths.js';
import { gatherShimStatus } from './status.js';

export const SHIM_DOCTOR_CHECK: DoctorCheck = {
  name: 'shim',
  run(context) {
    const shimDir = homePaths(context.gitfenceHome).shimDir;
    const status = gatherShimStatus({
      shimDir,
      env: context.env,
      home: context.home,
      agentMarkers: DEFAULT_AGENT_MARKERS,
    });
    const lines: DoctorLine[] = [];
    if (!status.installed) {
      lines.push({
        status: 'warn',
        message: `no git shim installed in ${shimDir}`,
        hint: 'run `gitfence shim install --profile` so agents meet the policy from every program',
      });
    } else {
      lines.push({
        status: 'ok',
        message: `shim installed: ${join(shimDir, 'git')} → real git ${status.manifest?.realGit ?? '?'}`,
      });
      lines.push(
        status.profileFiles.length
          ? { status: 'ok', message: `profile snippet in ${status.profileFiles.join(', ')}` }
          : {
              status: 'warn',
              message: 'no profile snippet: the shim is on PATH only where you put it there',
              hint: 'run `gitfence shim install --profile`',
            },
      );
    }
    for (const problem of status.problems)
      lines.push({ status: 'fail', message: problem, hint: 'run `gitfence shim install`' });
    // an installed shim off the front of PATH is already one of status.problems
    if (!status.installed && status.agentSession && status.onPath !== 'first') {
      lines.push({
        status: 'fail',
        message: `agent session (${status.markersSet.join(', ')}) without the shim first on PATH`,
        hint: `put ${shimDir} first on PATH (gitfence shim install --profile, then start a new shell)`,
      });
    }
    lines.push({
      status: 'ok',
      message: `git on PATH: ${status.gits.map((g) => `${g.path}${g.shim ? ' [shim]' : ''}`).join(', ') || '(none)'}`,
    });
    return lines;
  },
};
