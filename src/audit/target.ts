/** Where a policy's audit log is written and read: one answer for the shim, the hooks and `gitfence log`. */
import { isAbsolute, join } from 'node:path';
import type { CompiledPolicy } from '../evaluate/types.js';
import { parseSize } from '../util/units.js';
import type { AuditTarget } from './append.js';

type AuditSettings = CompiledPolicy['settings']['audit'];

/**
 * The audit log for `settings` (the defaults when there is no policy): an absolute path as it is, a
 * relative one under the repository's state dir; outside a repository `$GITFENCE_HOME/audit.jsonl`.
 */
export function auditTargetFor(
  settings: AuditSettings | undefined,
  where: { stateDir: string } | { stateDir: null; gitfenceHome: string },
): AuditTarget {
  const path = settings?.path ?? 'audit.jsonl';
  return {
    file: isAbsolute(path)
      ? path
      : where.stateDir !== null
        ? join(where.stateDir, path)
        : join(where.gitfenceHome, 'audit.jsonl'),
    maxBytes: parseSize(settings?.maxBytes ?? '10MB'),
    keep: settings?.keep ?? 5,
  };
}
