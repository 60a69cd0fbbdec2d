/** Writing a compiled policy: `policy.mjs`, `fastpath.sh`, then `policy.json` last — the commit point. */
import type { CompiledPolicy } from '../evaluate/types.js';
import { statePaths } from '../repo/state-paths.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { canonicalJson, integrityOf } from './canonical.js';
import { renderFastPath } from './fastpath.js';
import type { DisabledRule } from './merge.js';

/** What policy.json holds beside the CompiledPolicy: for doctor and explain, covered by the integrity. */
export interface CompileRecord {
  disabledRules: DisabledRule[];
}

/**
 * policy.json's text: the policy, its record, and the integrity over both, as canonical JSON on one
 * line, so the loader verifies it by hashing the text it read (no canonicalisation per decision).
 */
export function renderCompiledDocument(
  policy: CompiledPolicy,
  record: CompileRecord,
): { text: string; integrity: string } {
  const document: Record<string, unknown> = { ...policy, record };
  const integrity = integrityOf(document);
  return { text: `${canonicalJson({ ...document, integrity })}\n`, integrity };
}

export interface WrittenFiles {
  compiledPolicy: string;
  compiledModule: string;
  fastPath: string;
}

/** `dir` is a state dir (`<git-common-dir>/gitfence`) or `$GITFENCE_HOME/compiled`. */
export async function writeCompiledPolicy(
  dir: string,
  compiled: { policy: CompiledPolicy; record: CompileRecord; bundle: string },
): Promise<WrittenFiles> {
  const paths = statePaths(dir);
  const { text, integrity } = renderCompiledDocument(compiled.policy, compiled.record);
  await writeFileAtomic(paths.compiledModule, compiled.bundle);
  await writeFileAtomic(paths.fastPath, renderFastPath(compiled.policy, integrity));
  await writeFileAtomic(paths.compiledPolicy, text);
  return {
    compiledPolicy: paths.compiledPolicy,
    compiledModule: paths.compiledModule,
    fastPath: paths.fastPath,
  };
}
