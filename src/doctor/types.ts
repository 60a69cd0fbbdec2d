/** `gitfence doctor`: each check reports lines with a status; other components add their checks to `checks.ts`. */
import type { RepoInfo } from '../repo/discover.js';
import type { GitRunner } from '../util/git-runner.js';

export type DoctorStatus = 'ok' | 'warn' | 'fail';

export interface DoctorLine {
  status: DoctorStatus;
  message: string;
  /** What to do about a warn or fail. */
  hint?: string;
}

export interface DoctorContext {
  cwd: string;
  env: Record<string, string | undefined>;
  /** The user's home directory. */
  home: string;
  /** `$GITFENCE_HOME` resolved. */
  gitfenceHome: string;
  /** null outside a repository. */
  repo: RepoInfo | null;
  /** The real git, never the shim. */
  git: GitRunner;
  now: () => number;
}

export interface DoctorCheck {
  /** Short, shown before its lines: `policy layers`, `shim`, `write-lock`. */
  name: string;
  run(context: DoctorContext): Promise<DoctorLine[]> | DoctorLine[];
}

export interface DoctorResult {
  name: string;
  lines: DoctorLine[];
}
