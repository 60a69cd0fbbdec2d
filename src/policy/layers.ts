/**
 * Layering (SPEC §3): built-in preset → `$GITFENCE_HOME/policy.ts` → the repository's
 * `gitfence.policy.ts`, each expanded through `extends`, earliest first.
 */
import { presets, DEFAULT_PRESET } from '../../policies/index.js';
import { GitfenceError } from '../errors.js';
import { canonicalJson } from './canonical.js';
import {
  issuesOf,
  policyInvalid,
  validatePolicy,
  type PolicyIssue,
  type ValidatedPolicy,
} from './validate.js';

/** One policy source before validation: a preset, the global file or the repository file. */
export interface SourceLayer {
  /** `preset:opsGitSafety`, `global` or `repository`. */
  layer: string;
  /** Absolute path of the policy file, for file layers. */
  file?: string;
  /** How messages name it: `gitfence.policy.ts`, `/home/me/.gitfence/policy.ts`, `preset:precise`. */
  display: string;
  /** The text `sourceHash` covers (the file as written; a preset's canonical JSON). */
  source: string;
  /** The file's default export. */
  policy: unknown;
}

/** One policy of the expanded stack, validated, with where it came from. */
export interface ExpandedPolicy extends ValidatedPolicy {
  layer: string;
  file?: string;
  display: string;
}

const PRESETS: Record<string, unknown> = presets;

function presetNameOf(policy: unknown): string | null {
  if (policy === null || typeof policy !== 'object') return null;
  const name = (policy as { name?: unknown }).name;
  return typeof name === 'string' && Object.hasOwn(PRESETS, name) ? name : null;
}

/** Does this policy extend a built-in preset, directly or through another policy it extends? */
export function extendsAnyPreset(policy: unknown, seen = new Set<unknown>()): boolean {
  if (policy === null || typeof policy !== 'object' || seen.has(policy)) return false;
  seen.add(policy);
  const parents = (policy as { extends?: unknown }).extends;
  if (!Array.isArray(parents)) return false;
  return parents.some((parent) => presetNameOf(parent) !== null || extendsAnyPreset(parent, seen));
}

export function presetLayer(name: string): SourceLayer {
  const policy = PRESETS[name];
  if (policy === undefined) {
    throw new GitfenceError('INTERNAL', `no built-in preset "${name}"`, {
      expected: Object.keys(PRESETS).join(' or '),
      got: name,
    });
  }
  return {
    layer: `preset:${name}`,
    display: `preset:${name}`,
    source: canonicalJson(policy),
    policy,
  };
}

/**
 * The layers to compile, earliest first. The default preset is the base unless the global or the
 * repository policy extends a preset itself: then that choice stands (this is how `precise` is used).
 */
export function selectLayers(found: {
  global?: SourceLayer | null;
  repository?: SourceLayer | null;
}): SourceLayer[] {
  const files = [found.global, found.repository].filter((layer): layer is SourceLayer =>
    Boolean(layer),
  );
  const chosePreset = files.some((layer) => extendsAnyPreset(layer.policy));
  return chosePreset ? files : [presetLayer(DEFAULT_PRESET), ...files];
}

/**
 * Validate every layer (every issue of every layer in one error) and flatten `extends`, earliest
 * first. A preset or policy object reached twice is expanded once, where it first appears.
 */
export function expandLayers(layers: readonly SourceLayer[]): ExpandedPolicy[] {
  const issues: PolicyIssue[] = [];
  const validated: Array<{ source: SourceLayer; tree: ValidatedPolicy }> = [];
  for (const source of layers) {
    try {
      validated.push({ source, tree: validatePolicy(source.policy, source.display) });
    } catch (error) {
      if (!(error instanceof GitfenceError) || error.code !== 'POLICY_INVALID') throw error;
      issues.push(...issuesOf(error));
    }
  }
  if (issues.length > 0) throw policyInvalid(issues);

  const out: ExpandedPolicy[] = [];
  const seenObjects = new Set<unknown>();
  const seenPresets = new Set<string>();
  const visit = (tree: ValidatedPolicy, source: SourceLayer, topLevel: boolean) => {
    if (seenObjects.has(tree.raw)) return;
    seenObjects.add(tree.raw);
    const preset = presetNameOf(tree.raw);
    // A preset is the same preset wherever it is imported from (a policy bundle carries its own copy).
    if (preset && seenPresets.has(preset)) return;
    if (preset) seenPresets.add(preset);
    const asPreset = preset !== null && !(topLevel && source.file);
    const layer = asPreset ? `preset:${preset}` : source.layer;
    for (const parent of tree.extends) visit(parent, source, false);
    out.push({
      ...tree,
      path: asPreset ? '' : tree.path,
      layer,
      ...(asPreset || !source.file ? {} : { file: source.file }),
      display: asPreset ? `preset:${preset}` : source.display,
    });
  };
  for (const { source, tree } of validated) visit(tree, source, true);
  return out;
}
