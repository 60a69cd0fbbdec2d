/**
 * Loading TS policy files: esbuild bundles them (with `'gitfence'` resolved to this package's own
 * built entry, so no node_modules is needed), the bundle is imported from a temp file, and each
 * file's default export becomes a layer. The same bundle is kept as `policy.mjs` for custom checks.
 */
import { build, type Message, type Plugin } from 'esbuild';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { GitfenceError } from '../errors.js';
import type { SourceLayer } from './layers.js';
import { findPackageRoot } from './package-root.js';
import { policyInvalid } from './validate.js';

export interface PolicyFile {
  /** `global` or `repository`. */
  layer: string;
  /** Absolute path. */
  file: string;
  /** How messages name it. */
  display: string;
}

export interface LoadedSources {
  layers: SourceLayer[];
  /** The bundle: exports `layers` (each file's default export) and `checks` (custom check functions by id). */
  bundle: string;
}

/** The public entry policy files import as `'gitfence'`: the built `dist/index.js`, else the source (tests). */
export function resolveGitfenceEntry(packageRoot: string | null = findPackageRoot()): string {
  if (!packageRoot) {
    throw new GitfenceError('INTERNAL', 'cannot find the gitfence package this command runs from', {
      hint: 'reinstall gitfence',
    });
  }
  for (const candidate of ['dist/index.js', 'src/index.ts']) {
    const file = join(packageRoot, candidate);
    if (existsSync(file)) return file;
  }
  throw new GitfenceError('INTERNAL', 'the gitfence package has no public entry', {
    where: packageRoot,
    expected: 'dist/index.js',
    hint: 'reinstall gitfence, or run `npm run build` in a checkout',
  });
}

/** Collect custom check functions the way layers merge them: earlier first, same id replaced. */
const ENTRY_RUNTIME = `
function collectChecks(policy, out, seen) {
  if (!policy || typeof policy !== 'object' || seen.has(policy)) return;
  seen.add(policy);
  for (const parent of Array.isArray(policy.extends) ? policy.extends : []) collectChecks(parent, out, seen);
  for (const stage of ['push', 'commit']) {
    const list = policy[stage] && policy[stage].checks;
    if (Array.isArray(list)) for (const check of list) if (check && typeof check.run === 'function') out[check.id] = check.run;
  }
}
export const checks = {};
{ const seen = new Set(); for (const layer of layers) collectChecks(layer, checks, seen); }
`;

function entrySource(files: readonly PolicyFile[]): string {
  const imports = files.map((f, i) => `import * as layer${i} from ${JSON.stringify(f.file)};`);
  const list = files.map((_, i) => `layer${i}.default`).join(', ');
  return `${imports.join('\n')}\nexport const layers = [${list}];\n${ENTRY_RUNTIME}`;
}

function renderMessage(message: Message, cwd: string): string {
  const loc = message.location;
  if (!loc) return message.text;
  const file = loc.file.startsWith('/') ? relative(cwd, loc.file) || loc.file : loc.file;
  return `${file}:${loc.line}:${loc.column + 1}: ${message.text}`;
}

/** Bundle, import and return the default export of each policy file, earliest first. */
export async function loadPolicySources(
  files: readonly PolicyFile[],
  options: { cwd: string; packageRoot?: string | null } = { cwd: process.cwd() },
): Promise<LoadedSources> {
  if (files.length === 0) {
    return { layers: [], bundle: `export const layers = [];\nexport const checks = {};\n` };
  }
  const entry = resolveGitfenceEntry(
    options.packageRoot === undefined ? findPackageRoot() : options.packageRoot,
  );
  const gitfencePlugin: Plugin = {
    name: 'gitfence-self',
    setup(b) {
      b.onResolve({ filter: /^gitfence$/ }, () => ({ path: entry }));
    },
  };
  let bundle: string;
  try {
    const result = await build({
      stdin: {
        contents: entrySource(files),
        resolveDir: options.cwd,
        sourcefile: 'gitfence-policy-entry.js',
        loader: 'js',
      },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
      legalComments: 'none',
      absWorkingDir: options.cwd,
      plugins: [gitfencePlugin],
    });
    bundle = result.outputFiles[0]?.text ?? '';
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (!messages?.length) throw error;
    throw policyInvalid(
      messages.map((message) => {
        const text = renderMessage(message, options.cwd);
        const cut = message.location ? text.indexOf(': ') : -1;
        return cut > 0
          ? { where: text.slice(0, cut), problem: text.slice(cut + 2) }
          : { where: 'policy', problem: text };
      }),
      'fix the policy file so it compiles, then run `gitfence compile` again',
    );
  }

  const dir = await mkdtemp(join(tmpdir(), 'gitfence-policy-'));
  let exported: { layers?: unknown[] };
  try {
    const file = join(dir, 'policy.mjs');
    await writeFile(file, bundle);
    try {
      exported = (await import(pathToFileURL(file).href)) as { layers?: unknown[] };
    } catch (error) {
      throw new GitfenceError(
        'POLICY_INVALID',
        `the policy threw while loading: ${(error as Error).message}`,
        {
          where: files.map((f) => f.display).join(', '),
          hint: 'a policy file must only declare the policy; fix what it runs at load time',
        },
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const layers = await Promise.all(
    files.map(async (f, i) => ({
      layer: f.layer,
      file: f.file,
      display: f.display,
      source: await readFile(f.file, 'utf8'),
      policy: exported.layers?.[i],
    })),
  );
  return { layers, bundle };
}
