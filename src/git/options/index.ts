/** Looks up the option table for a command (`push`) or a verb (`stash drop`), compiled on first use. */
import { BUILTINS, GENERATED } from './git-2.39.js';
import { OVERRIDES } from './overrides.js';
import { compileCommandSpec, type CommandSpec } from './spec.js';

const cache = new Map<string, CommandSpec>();
const specsOf = (list: string | undefined): string[] => (list ? list.split(' ') : []);
// one search of the space-joined list: a decision asks once or twice, not worth building a Set
const KNOWN = ` ${BUILTINS} `;

/** True when git runs this name itself, so an alias of the same name is ignored. */
export function isGitCommand(name: string): boolean {
  return name !== '' && !name.includes(' ') && KNOWN.includes(` ${name} `);
}

/** The spec for a known command or verb; an empty generic spec (no abbreviations) otherwise. */
export function loadCommandSpec(name: string): CommandSpec {
  const cached = cache.get(name);
  if (cached) return cached;
  const generated = Object.hasOwn(GENERATED, name) ? specsOf(GENERATED[name]) : undefined;
  const override = Object.hasOwn(OVERRIDES, name) ? OVERRIDES[name] : undefined;
  const known = generated !== undefined || override !== undefined;
  const spec = compileCommandSpec(name, {
    ...override,
    abbrev: known ? (override?.abbrev ?? true) : false,
    options: [...(generated ?? []), ...(override?.options ?? [])],
  });
  cache.set(name, spec);
  return spec;
}

/** A command git knows an option table for (as opposed to one parsed generically). */
export function hasCommandSpec(name: string): boolean {
  return Object.hasOwn(GENERATED, name) || Object.hasOwn(OVERRIDES, name);
}
