/** Hook decisions go to the same audit log as the shim's (`via: pre-push`); a write failure only warns. */
import { appendAuditEntry } from '../audit/append.js';
import { renderAuditEntry } from '../audit/entry.js';
import { auditTargetFor } from '../audit/target.js';
import type { CompiledPolicy, Decision } from '../evaluate/types.js';
import type { RepoInfo } from '../repo/discover.js';

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
  const target = auditTargetFor(input.policy.settings.audit, { stateDir: input.repo.stateDir });
  try {
    appendAuditEntry(
      target,
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
      `gitfence: warning: cannot write the audit log: ${(error as Error).message} (${target.file})\n`,
    );
  }
}
