/** Doctor checks for the policy pipeline: layers found, compiled or not, stale source, disabled rules. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isGitfenceError } from '../errors.js';
import type { CompiledPolicy } from '../evaluate/types.js';
import { sha256 } from '../policy/sha256.js';
import {
  globalTrustPaths,
  loadCompiledPolicy,
  writablePathAmong,
} from '../policy/load-compiled.js';
import { homePaths, POLICY_FILE, statePaths } from '../repo/state-paths.js';
import type { DoctorCheck, DoctorContext, DoctorLine } from './types.js';

type Loaded = Awaited<ReturnType<typeof loadCompiledPolicy>> | { error: unknown };

const cache = new WeakMap<DoctorContext, Promise<Loaded>>();

/** Load the compiled policy once per doctor run. */
function loaded(context: DoctorContext): Promise<Loaded> {
  let result = cache.get(context);
  if (!result) {
    result = loadCompiledPolicy({
      stateDir: context.repo?.stateDir ?? null,
      env: context.env,
      home: context.home,
      repoRoot: context.repo?.topLevel ?? null,
    }).catch((error: unknown) => ({ error }));
    cache.set(context, result);
  }
  return result;
}

function sourceFiles(context: DoctorContext): Array<{ layer: string; file: string }> {
  const out = [];
  const global = homePaths(context.gitfenceHome).globalPolicySource;
  if (existsSync(global)) out.push({ layer: 'global', file: global });
  if (context.repo?.topLevel) {
    const repository = join(context.repo.topLevel, POLICY_FILE);
    if (existsSync(repository)) out.push({ layer: 'repository', file: repository });
  }
  return out;
}

export const policyLayersCheck: DoctorCheck = {
  name: 'policy layers',
  run(context) {
    const files = sourceFiles(context);
    const lines: DoctorLine[] = files.map(({ layer, file }) => ({
      status: 'ok',
      message: `${layer}: ${file}`,
    }));
    if (!context.repo)
      lines.push({
        status: 'ok',
        message: 'not inside a repository: only the global layer applies',
      });
    if (files.length === 0) {
      lines.push({
        status: 'ok',
        message: 'no policy files: the built-in default preset (opsGitSafety) applies',
      });
    }
    return lines;
  },
};

/** Whether agents get the global policy: only when this user could not have written it. */
function globalTrustLines(context: DoctorContext): DoctorLine[] {
  const paths = homePaths(context.gitfenceHome);
  const compiled = statePaths(paths.compiledDir).compiledPolicy;
  const file = existsSync(compiled)
    ? compiled
    : existsSync(paths.globalPolicySource)
      ? paths.globalPolicySource
      : null;
  if (!file) return [];
  const open = writablePathAmong(globalTrustPaths(context.gitfenceHome, file));
  if (open === null) {
    return [{ status: 'ok', message: `global policy ${file} is not writable here: agents get it` }];
  }
  return [
    {
      status: 'warn',
      message: `global policy ${file} is ignored for agents: this user can write ${open}, so agents get the built-in default`,
      hint: 'make $GITFENCE_HOME, compiled/ and policy.json unwritable for the agents’ user (another owner, or chattr +i), or give the repository its own policy (`gitfence init`)',
    },
  ];
}

export const policyCompiledCheck: DoctorCheck = {
  name: 'compiled policy',
  async run(context) {
    const result = await loaded(context);
    if ('error' in result) {
      const error = result.error;
      return [
        {
          status: 'fail',
          message: isGitfenceError(error)
            ? `${error.message}${error.details.where ? ` (${error.details.where})` : ''}: enforcement denies every call`
            : String(error),
          hint: isGitfenceError(error) ? error.details.hint : undefined,
        },
        ...globalTrustLines(context),
      ];
    }
    const { policy, origin } = result;
    const from = policy.layers.map((layer) => layer.layer).join(' → ');
    return [
      {
        status: 'ok',
        message: `${origin.kind}: ${origin.file} (${policy.rules.length} rules from ${from})`,
      },
      // a repository's own compiled policy means the global one is never read
      ...(origin.kind === 'repository' ? [] : globalTrustLines(context)),
    ];
  },
};

export const policyFreshCheck: DoctorCheck = {
  name: 'policy source',
  async run(context) {
    const result = await loaded(context);
    if ('error' in result) return [];
    const { policy, origin } = result;
    if (origin.kind === 'default')
      return [{ status: 'ok', message: 'the built-in default is current' }];
    const lines: DoctorLine[] = [];
    const compiledFiles = new Map(
      policy.layers.filter((layer) => layer.file).map((layer) => [layer.file!, layer]),
    );
    for (const layer of compiledFiles.values()) {
      let text: string | null = null;
      try {
        text = readFileSync(layer.file!, 'utf8');
      } catch {
        text = null;
      }
      if (text === null) {
        lines.push({
          status: 'warn',
          message: `${layer.layer} policy ${layer.file} was compiled but is gone; enforcement still uses it`,
          hint: 'run `gitfence compile`',
        });
      } else if (sha256(text) !== layer.sha256) {
        lines.push({
          status: 'warn',
          message: `${layer.layer} policy ${layer.file} changed since it was compiled; enforcement uses the compiled version`,
          hint: 'review the change, then run `gitfence compile`',
        });
      }
    }
    for (const { layer, file } of sourceFiles(context)) {
      // The global policy only matters here when the repository's compile included it, or no repository policy is compiled.
      if (compiledFiles.has(file)) continue;
      if (
        layer === 'global' &&
        origin.kind === 'repository' &&
        !policy.layers.some((l) => l.layer === 'global')
      ) {
        lines.push({
          status: 'warn',
          message: `global policy ${file} is newer than this repository's compiled policy`,
          hint: 'run `gitfence compile`',
        });
        continue;
      }
      lines.push({
        status: 'warn',
        message: `${layer} policy ${file} is not compiled yet`,
        hint: 'run `gitfence compile`',
      });
    }
    if (lines.length === 0)
      lines.push({ status: 'ok', message: 'the compiled policy matches its sources' });
    return lines;
  },
};

export const disabledRulesCheck: DoctorCheck = {
  name: 'disabled rules',
  async run(context) {
    const result = await loaded(context);
    if ('error' in result) return [];
    const record = (
      result.policy as CompiledPolicy & {
        record?: { disabledRules?: Array<{ id: string; by: string; found: boolean }> };
      }
    ).record;
    const disabled = record?.disabledRules ?? [];
    if (disabled.length === 0) return [{ status: 'ok', message: 'none' }];
    return disabled.map((rule) => ({
      status: 'warn' as const,
      message: rule.found
        ? `${rule.id} is disabled by the ${rule.by} policy`
        : `the ${rule.by} policy disables ${rule.id}, but no earlier layer defines it`,
      ...(rule.found ? {} : { hint: 'check the id in disableRules' }),
    }));
  },
};

export const POLICY_CHECKS: DoctorCheck[] = [
  policyLayersCheck,
  policyCompiledCheck,
  policyFreshCheck,
  disabledRulesCheck,
];
