/** The `gitfence.policy.ts` that `gitfence init` writes: extends a preset, protects the usual branches. */

export const PRESET_NAMES = ['opsGitSafety', 'precise'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const PRESET_BLURB: Record<PresetName, string> = {
  opsGitSafety:
    'the default: rollback subcommands (restore, checkout, reset, clean, revert, switch, stash) are always blocked',
  precise: 'for one agent per worktree: only the forms that lose work are blocked',
};

export function describePreset(name: PresetName): string {
  return PRESET_BLURB[name];
}

export function renderPolicyTemplate(preset: PresetName): string {
  return `// gitfence policy for this repository. After editing, run \`gitfence compile\`:
// what is enforced is the compiled copy in $(git rev-parse --git-common-dir)/gitfence/.
// Preset ${preset}: ${PRESET_BLURB[preset]}.
import { definePolicy, presets } from 'gitfence';

export default definePolicy({
  extends: [presets.${preset}],
  push: {
    // Branch globs nobody pushes to directly (the pre-push hook refuses them).
    protectedBranches: ['main', 'master', 'release/*'],
    // forcePush, deleteBranches, deleteTags, outOfScope: 'deny' | 'warn' | 'off' (default deny).
    // denyIfContains / denyPatterns apply to added lines; conflict markers and private keys always do.
    // checks: [{ id: 'docs-match-code', severity: 'warn', run: (ctx) => { ... } }],
  },
});
`;
}
