/** What `shim status` (and doctor) report: the installed shim, PATH, agent markers, every git on PATH. */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { loadManifest, type ShimManifest } from './install.js';
import { hasProfileBlock, PROFILE_FILES } from './profile.js';
import { listGitsOnPath, realFsProbe, type FsProbe } from './resolve-git.js';
import { SHIM_VERSION } from './template.js';

export interface ShimStatus {
  shimDir: string;
  installed: boolean;
  manifest: ShimManifest | null;
  upToDate: boolean;
  /** Problems a user should fix. */
  problems: string[];
  onPath: 'first' | 'later' | 'absent';
  agentSession: boolean;
  markersSet: string[];
  profileFiles: string[];
  gits: Array<{ path: string; real: string; shim: boolean }>;
}

export function gatherShimStatus(input: {
  shimDir: string;
  env: Record<string, string | undefined>;
  home: string;
  agentMarkers: readonly string[];
  fs?: FsProbe;
}): ShimStatus {
  const { shimDir, env } = input;
  const manifest = loadManifest(shimDir);
  const shimPath = join(shimDir, 'git');
  const installed = existsSync(shimPath);
  const problems: string[] = [];
  if (installed && !manifest)
    problems.push(
      `${shimPath} exists but its manifest is missing: reinstall with \`gitfence shim install\``,
    );
  if (manifest && manifest.version !== SHIM_VERSION)
    problems.push(
      'the installed shim is from another gitfence version: run `gitfence shim install`',
    );
  for (const [what, file] of manifest
    ? ([
        ['real git', manifest.realGit],
        ['node', manifest.node],
        ['gitfence CLI', manifest.cli],
      ] as const)
    : []) {
    if (!existsSync(file))
      problems.push(
        `the ${what} baked into the shim is gone (${file}): run \`gitfence shim install\``,
      );
  }
  const dirs = (env.PATH ?? '')
    .split(delimiter)
    .filter(Boolean)
    .map((d) => resolve(d));
  const index = dirs.indexOf(resolve(shimDir));
  const onPath =
    index === -1
      ? 'absent'
      : dirs.slice(0, index).some((d) => existsSync(join(d, 'git')))
        ? 'later'
        : 'first';
  const markersSet = input.agentMarkers.filter((m) => env[m] !== undefined);
  if (markersSet.length && installed && onPath !== 'first') {
    problems.push(
      `this is an agent session (${markersSet.join(', ')}) but the shim is not first on PATH`,
    );
  }
  const profileFiles = PROFILE_FILES.map((p) => join(input.home, p.file)).filter((file) => {
    try {
      return hasProfileBlock(readFileSync(file, 'utf8'));
    } catch {
      return false;
    }
  });
  return {
    shimDir,
    installed,
    manifest,
    upToDate: Boolean(manifest && manifest.version === SHIM_VERSION),
    problems,
    onPath,
    agentSession: markersSet.length > 0,
    markersSet,
    profileFiles,
    gits: listGitsOnPath(env.PATH ?? '', input.fs ?? realFsProbe),
  };
}

export function renderShimStatus(status: ShimStatus): string {
  const lines = [
    `shim:        ${status.installed ? join(status.shimDir, 'git') : `not installed (${status.shimDir})`}`,
  ];
  if (status.manifest) {
    lines.push(
      `real git:    ${status.manifest.realGit}`,
      `node:        ${status.manifest.node}`,
      `cli:         ${status.manifest.cli}`,
    );
  }
  lines.push(
    `on PATH:     ${status.onPath === 'first' ? 'yes, first' : status.onPath === 'later' ? 'yes, but another git comes first' : 'no'}`,
    `agent session: ${status.agentSession ? `yes (${status.markersSet.join(', ')})` : 'no (no agent marker set)'}`,
    `profile:     ${status.profileFiles.length ? status.profileFiles.join(', ') : 'no snippet installed'}`,
    'git binaries on PATH, in order:',
    ...(status.gits.length
      ? status.gits.map(
          (g) =>
            `  ${g.path}${g.real !== g.path ? ` → ${g.real}` : ''}${g.shim ? '  [gitfence shim]' : ''}`,
        )
      : ['  (none)']),
  );
  if (status.problems.length) lines.push('problems:', ...status.problems.map((p) => `  - ${p}`));
  return lines.join('\n');
}
