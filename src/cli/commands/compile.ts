/** `gitfence compile [--cwd DIR] [--json] [--global] [--emit-default FILE]`: validate and compile the policy. */
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { GitfenceError } from '../../errors.js';
import { createRealGitRunner } from '../../facts/real-git.js';
import { compilePolicyReport } from '../../policy/compile.js';
import { gatherPolicyFiles } from '../../policy/gather-sources.js';
import { presetLayer, selectLayers, type SourceLayer } from '../../policy/layers.js';
import { loadPolicySources } from '../../policy/load-source.js';
import { renderCompiledDocument, writeCompiledPolicy } from '../../policy/write-compiled.js';
import { DEFAULT_PRESET } from '../../../policies/index.js';
import { discoverRepo } from '../../repo/discover.js';
import { gitfenceHomeFrom, homePaths } from '../../repo/state-paths.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { parseFlags } from '../args.js';
import type { CliContext, Command } from '../context.js';

const USAGE = `gitfence compile: validate and compile the policy into the git common dir

usage: gitfence compile [--cwd DIR] [--json] [--global]
       gitfence compile --emit-default FILE

Loads the layers (built-in ${DEFAULT_PRESET} → $GITFENCE_HOME/policy.ts → gitfence.policy.ts),
validates them, runs every rule's examples, and writes policy.json, policy.mjs and fastpath.sh
into <git-common-dir>/gitfence/ (policy.json last). Nothing is written when anything fails.

options:
  --cwd DIR            the repository to compile for (default: the current directory)
  --json               print the result as JSON
  --global             compile $GITFENCE_HOME/policy.ts (or the default preset) into
                       $GITFENCE_HOME/compiled/, for repositories without their own policy
  --emit-default FILE  write the default preset, compiled, to FILE (used by the build)

Refused inside an agent session (LLM_AGENT_NAME set): policy changes are for the orchestrator
or a human. Exit codes: 0 compiled, 2 invalid policy or failing example, 42 refused.`;

function parseCommandFlags(args: string[]) {
  return parseFlags(
    {
      args,
      options: {
        cwd: { type: 'string' },
        json: { type: 'boolean', default: false },
        global: { type: 'boolean', default: false },
        'emit-default': { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    },
    {
      where: 'gitfence compile',
      expected: 'gitfence compile [--cwd DIR] [--json] [--global] | --emit-default FILE',
      got: args.join(' ') || '(no arguments)',
      hint: 'run `gitfence compile --help`',
    },
  ).values;
}

export const command: Command = {
  name: 'compile',
  summary: 'validate and compile the policy into the git common dir',
  usage: USAGE,
  async run(context: CliContext) {
    const flags = parseCommandFlags(context.args);
    if (context.env.LLM_AGENT_NAME) {
      throw new GitfenceError('DENIED', 'policy changes are for the orchestrator or a human', {
        where: `agent ${context.env.LLM_AGENT_NAME}`,
        hint: 'ask the orchestrator to run `gitfence compile`',
      });
    }
    const cwd = resolve(context.cwd, flags.cwd ?? '.');
    const osHome = context.env.HOME || homedir();
    const gitfenceHome = gitfenceHomeFrom(context.env, osHome);

    if (flags['emit-default'] !== undefined) {
      const file = resolve(cwd, flags['emit-default']);
      const report = compilePolicyReport([presetLayer(DEFAULT_PRESET)]);
      const { text } = renderCompiledDocument(report.policy, { disabledRules: report.disabled });
      await writeFileAtomic(file, text);
      return finish(context, flags.json, {
        file,
        rules: report.policy.rules.length,
        examples: report.examples,
      });
    }

    let repoRoot: string | null = null;
    let outDir: string;
    if (flags.global) {
      outDir = homePaths(gitfenceHome).compiledDir;
    } else {
      const repo = await discoverRepo(
        cwd,
        createRealGitRunner(context.env, osHome, 'repository-at-cwd'),
      );
      if (!repo) {
        throw new GitfenceError('NOT_A_REPOSITORY', 'not inside a git repository', {
          where: cwd,
          hint: 'run it inside the repository, pass --cwd DIR, or use --global for $GITFENCE_HOME',
        });
      }
      repoRoot = repo.topLevel;
      outDir = repo.stateDir;
    }

    const files = gatherPolicyFiles({ gitfenceHome, repoRoot });
    const loaded = await loadPolicySources(files, { cwd: repoRoot ?? cwd });
    const found = {
      global: loaded.layers.find((layer) => layer.layer === 'global') ?? null,
      repository: loaded.layers.find((layer) => layer.layer === 'repository') ?? null,
    };
    const layers: SourceLayer[] = selectLayers(found);
    const report = compilePolicyReport(layers);
    const written = await writeCompiledPolicy(outDir, {
      policy: report.policy,
      record: { disabledRules: report.disabled },
      bundle: loaded.bundle,
    });
    return finish(context, flags.json, {
      dir: outDir,
      files: written,
      layers: layers.map((layer) =>
        layer.file ? `${layer.layer} (${layer.display})` : layer.layer,
      ),
      rules: report.policy.rules.length,
      examples: report.examples,
      sourceHash: report.policy.sourceHash,
      disabledRules: report.disabled,
    });
  },
};

interface Summary {
  file?: string;
  dir?: string;
  files?: object;
  layers?: string[];
  rules: number;
  examples: number;
  sourceHash?: string;
  disabledRules?: Array<{ id: string; by: string; found: boolean }>;
}

function finish(context: CliContext, json: boolean | undefined, summary: Summary): 'ok' {
  if (json) {
    context.stdout.write(`${JSON.stringify({ ok: true, ...summary }, null, 2)}\n`);
    return 'ok';
  }
  const lines = [
    `compiled ${summary.rules} rules (${summary.examples} examples passed)` +
      (summary.layers ? ` from ${summary.layers.join(' → ')}` : ''),
    `  → ${summary.dir ?? summary.file}`,
  ];
  for (const disabled of summary.disabledRules ?? []) {
    lines.push(
      `  disabled ${disabled.id} (by ${disabled.by})${disabled.found ? '' : ': no earlier rule has this id'}`,
    );
  }
  context.stdout.write(`${lines.join('\n')}\n`);
  return 'ok';
}
