/**
 * Installing the shim: the sh script, dashed wrappers (in the shim dir and in the `--exec-path`
 * shadow), optional profile snippets, and a manifest of exactly what was added so uninstall
 * removes exactly that.
 */
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { GitfenceError } from '../errors.js';
import type { GitRunner } from '../util/git-runner.js';
import {
  hasProfileBlock,
  PROFILE_FILES,
  removeProfileBlock,
  renderProfileBlock,
  upsertProfileBlock,
} from './profile.js';
import { isShimFile } from './resolve-git.js';
import { renderDashedWrapper, renderShimScript, SHIM_VERSION } from './template.js';

export const MANIFEST_NAME = '.gitfence-shim.json';
export const SHADOW_NAME = '.exec-path';

export interface ShimManifest {
  format: 'gitfence/shim-manifest@1';
  version: number;
  shim: string;
  shimDir: string;
  realGit: string;
  node: string;
  cli: string;
  entry: string | null;
  /** Node flags the shim starts the entry with (absent in manifests of older installs). */
  nodeFlags?: string[];
  execShadow: string;
  /** Files written in the shim dir (besides the manifest), relative to it. */
  files: string[];
  /** Profile files that got the snippet; `created`: the file did not exist before. */
  profile: Array<{ file: string; created: boolean }>;
  installedAt: string;
}

export interface InstallInput {
  shimDir: string;
  realGit: string;
  node: string;
  cli: string;
  /** The dedicated slow-path entry (dist/shim-exec.cjs), when there is one. */
  entry?: string | null;
  /** Node flags for the entry: FAST_START_FLAGS when this node accepts them (src/util/node-flags.ts). */
  nodeFlags?: readonly string[];
  git: GitRunner;
  now: number;
  /** $HOME for --profile; null: no profile snippets. */
  profileHome: string | null;
  agentMarkers: readonly string[];
}

export function loadManifest(shimDir: string): ShimManifest | null {
  try {
    const parsed = JSON.parse(readFileSync(join(shimDir, MANIFEST_NAME), 'utf8')) as ShimManifest;
    return parsed.format === 'gitfence/shim-manifest@1' ? parsed : null;
  } catch {
    return null;
  }
}

function writeExecutable(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode: 0o755 });
  chmodSync(temp, 0o755);
  // rename: a shim running right now keeps reading its old inode
  renameSync(temp, path);
}

/** Only ever replace what gitfence wrote: a foreign `git` in --dir is refused, never overwritten. */
function assertOurs(path: string): void {
  if (!existsSync(path)) return;
  if (!isShimFile(path)) {
    throw new GitfenceError(
      'CONFIG_INVALID',
      'refusing to overwrite a file gitfence did not write',
      {
        where: path,
        expected: 'no file, or a gitfence shim',
        got: 'another program',
        hint: 'choose an empty directory with --dir (the default is $GITFENCE_HOME/bin)',
      },
    );
  }
}

/** Builtins that exist as dashed files in git's exec path: those get wrappers. */
async function gatherDashedBuiltins(
  git: GitRunner,
): Promise<{ execPath: string; builtins: string[]; entries: string[] }> {
  const [execPath, builtins] = await Promise.all([
    git.run(['--exec-path']),
    git.run(['--list-cmds=builtins']),
  ]);
  const dir = execPath.stdout.trim();
  let entries: string[] = [];
  try {
    entries = readdirSync(dir);
  } catch {
    entries = [];
  }
  const names = new Set(builtins.stdout.split('\n').filter(Boolean));
  return {
    execPath: dir,
    builtins: entries
      .filter((e) => e.startsWith('git-') && names.has(e.slice(4)))
      .map((e) => e.slice(4)),
    entries,
  };
}

export async function installShim(input: InstallInput): Promise<ShimManifest> {
  const { shimDir } = input;
  mkdirSync(shimDir, { recursive: true });
  const shim = join(shimDir, 'git');
  assertOurs(shim);
  const previous = loadManifest(shimDir);
  const execShadow = join(shimDir, SHADOW_NAME);
  const { execPath, builtins, entries } = await gatherDashedBuiltins(input.git);

  // Remove what an earlier install wrote, so a reinstall leaves no stale wrappers.
  if (previous) removeShimFiles(previous);

  const files: string[] = [];
  writeExecutable(
    shim,
    renderShimScript({
      realGit: input.realGit,
      node: input.node,
      cli: input.cli,
      entry: input.entry ?? null,
      nodeFlags: input.nodeFlags ?? [],
      execShadow,
    }),
  );
  files.push('git');
  for (const sub of builtins) {
    const name = `git-${sub}`;
    const path = join(shimDir, name);
    assertOurs(path);
    writeExecutable(path, renderDashedWrapper(shim, sub));
    files.push(name);
  }
  // The shadow answers `git --exec-path`: wrappers for builtins, symlinks to everything else.
  rmSync(execShadow, { recursive: true, force: true });
  mkdirSync(execShadow, { recursive: true });
  const builtinSet = new Set(builtins.map((b) => `git-${b}`));
  for (const entry of entries) {
    const target = join(execShadow, entry);
    if (entry === 'git' || builtinSet.has(entry)) {
      writeExecutable(
        target,
        entry === 'git'
          ? renderDashedWrapper(shim, '').replace(` ''`, '')
          : renderDashedWrapper(shim, entry.slice(4)),
      );
    } else {
      symlinkSync(join(execPath, entry), target);
    }
  }
  files.push(SHADOW_NAME);

  const profile: ShimManifest['profile'] = [];
  if (input.profileHome !== null) {
    for (const { file, kind } of PROFILE_FILES) {
      const path = join(input.profileHome, file);
      const exists = existsSync(path);
      // .bash_profile only when it exists: creating one would stop bash reading .profile
      if (file === '.bash_profile' && !exists) continue;
      const before = exists ? readFileSync(path, 'utf8') : '';
      const wasOurs = previous?.profile.find((p) => p.file === file);
      const block = renderProfileBlock(kind, shimDir, input.agentMarkers);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, upsertProfileBlock(before, block));
      profile.push({ file, created: wasOurs ? wasOurs.created : !exists });
    }
  } else if (previous) {
    profile.push(...previous.profile);
  }

  const manifest: ShimManifest = {
    format: 'gitfence/shim-manifest@1',
    version: SHIM_VERSION,
    shim,
    shimDir,
    realGit: input.realGit,
    node: input.node,
    cli: input.cli,
    entry: input.entry ?? null,
    nodeFlags: [...(input.nodeFlags ?? [])],
    execShadow,
    files,
    profile,
    installedAt: new Date(input.now).toISOString(),
  };
  writeFileSync(join(shimDir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function removeShimFiles(manifest: ShimManifest): string[] {
  const removed: string[] = [];
  for (const name of manifest.files) {
    const path = join(manifest.shimDir, name);
    if (name === SHADOW_NAME) {
      if (existsSync(path)) {
        rmSync(path, { recursive: true, force: true });
        removed.push(path);
      }
      continue;
    }
    try {
      const stat = lstatSync(path);
      if (stat.isSymbolicLink() ? readlinkSync(path).length > 0 : isShimFile(path)) {
        rmSync(path, { force: true });
        removed.push(path);
      }
    } catch {
      // already gone
    }
  }
  return removed;
}

/** Undo exactly what the manifest says install added. */
export function uninstallShim(
  shimDir: string,
  home: string,
): { removed: string[]; profile: string[] } {
  const manifest = loadManifest(shimDir);
  if (!manifest) {
    const shim = join(shimDir, 'git');
    if (existsSync(shim) && isShimFile(shim)) {
      rmSync(shim, { force: true });
      return { removed: [shim], profile: [] };
    }
    return { removed: [], profile: [] };
  }
  const removed = removeShimFiles(manifest);
  const profile: string[] = [];
  for (const { file, created } of manifest.profile) {
    const path = join(home, file);
    if (!existsSync(path)) continue;
    const text = readFileSync(path, 'utf8');
    if (!hasProfileBlock(text)) continue;
    const after = removeProfileBlock(text);
    if (created && after.trim() === '') rmSync(path, { force: true });
    else writeFileSync(path, after);
    profile.push(path);
  }
  rmSync(join(shimDir, MANIFEST_NAME), { force: true });
  try {
    rmdirSync(shimDir);
  } catch {
    // not empty: other files live there
  }
  return { removed, profile };
}
