/** Hook decisions go to the same audit log as the shim's (`via: pre-push`); a write failure only warns. */
import { isAbsolute, join } from 'node:path';
import { appendAuditEntry } from '../audit/append.js';
import { renderAuditEntry } from '../audit/entry.js';
import type { CompiledPolicy, Decision } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';
import { parseSize } from '../util/units.js';

export function recordHookDecision(input: {
  policy: CompiledPolicy;
  repo: RepoInfo;
  agent: string | null;
  cwd: string;
  argv: string[];
  decision: Decision;
  via: 'pre-push' | 'pre-commit';
  now: number;
  warn: (message: string) => void;
}): void {
  const settings = input.policy.settings.audit;
  const file = isAbsolute(settings.path) ? settings.path : join(input.repo.stateDir, settings.path);
  try {
    appendAuditEntry(
      { file, maxBytes: parseSize(settings.maxBytes), keep: settings.keep },
      renderAuditEntry({
        now: input.now,
        agent: input.agent,
        cwd: input.cwd,
        argv: input.argv,
        decision: input.decision,
        via: input.via,
        pid: process.pid,
      }),
      input.now,
    );
  } catch (error) {
    input.warn(
      `gitfence: warning: cannot write the audit log: ${(error as Error).message} (${file})\n`,
    );
  }
}
