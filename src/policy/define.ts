/** `definePolicy`: the entry point of a policy file. Identity at runtime; its types are the authoring UX. */
import type { PolicyInput } from './schema.js';

/** A policy as an author writes it; pass it to `extends` of another policy or export it as default. */
export type Policy = PolicyInput;

/**
 * Declare a gitfence policy. Returns its argument unchanged; `gitfence compile` validates it.
 * Not generic on purpose: a plain parameter type makes unknown keys in object literals type errors.
 *
 * ```ts
 * export default definePolicy({
 *   extends: [presets.opsGitSafety],
 *   push: { protectedBranches: ['main', 'release/*'] },
 * });
 * ```
 */
export function definePolicy(policy: Policy): Policy {
  return policy;
}
