/**
 * The pre-push decision, pure: ref updates, added lines, file sizes, scopes and custom-check
 * results all arrive as data; the edge (src/hooks/pre-push.ts) gathers them.
 */
import { parseSize } from '../util/units.js';
import { combineDecisions, evaluateChecks, summarize, type CheckOutcome } from './checks.js';
import { inOwnScopes, matchesGlob } from '../scopes/match.js';
import { builtinSource } from './decision.js';
import type {
  CompiledPolicy,
  Decision,
  PushRefUpdate,
  PushRequest,
  RuleMatch,
  RuleOutcome,
  RuleSource,
} from './types.js';

export type { CheckOutcome };

const globCache = new Map<string, RegExp>();

/**
 * Branch globs (`push.protectedBranches`) without a glob library: `**` any run of characters, `*`
 * and `?` within one `/` segment, everything else literal. Paths are lock-scope globs instead,
 * matched as git reads them (scopes/match.ts).
 */
export function simpleGlobMatch(text: string, glob: string): boolean {
  let regex = globCache.get(glob);
  if (!regex) {
    let source = '';
    for (let i = 0; i < glob.length; i++) {
      const ch = glob[i]!;
      if (ch === '*' && glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          source += '(?:.*/)?';
        } else source += '.*';
      } else if (ch === '*') source += '[^/]*';
      else if (ch === '?') source += '[^/]';
      else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    regex = new RegExp(`^${source}$`);
    globCache.set(glob, regex);
  }
  return regex.test(text);
}

export const ZERO_SHA_PATTERN = /^0+$/;

/** A push request plus the custom checks' results (run at the edge, judged here). */
export type PushEvaluationRequest = PushRequest & { checks?: CheckOutcome[] };

/** Built-in added-line guards: always on, whatever the policy says. */
export const BUILTIN_LINE_GUARDS = [
  {
    id: 'push/conflict-marker',
    first: '<>|',
    // `=======` alone is a Markdown/RST underline too; the outer markers are unambiguous.
    pattern: /^(<{7}|>{7}|\|{7})(\s|$)/,
    reason: 'a merge conflict marker is being pushed: the conflict was never resolved',
    instead: 'resolve the conflict, amend or add a commit that removes the markers, then push',
  },
  {
    id: 'push/private-key',
    // anywhere in the line: keys get pasted into strings and comments
    first: null,
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/,
    reason: 'a private key is being pushed: anyone who can read the remote can use it',
    instead:
      'remove the key from the commits (rewrite them locally before pushing) and rotate the key',
  },
] as const;

const policySource = (path: string): RuleSource => ({ layer: 'policy', path });

const isZero = (sha: string) => ZERO_SHA_PATTERN.test(sha);
const branchOf = (ref: string) => (ref.startsWith('refs/heads/') ? ref.slice(11) : null);
const tagOf = (ref: string) => (ref.startsWith('refs/tags/') ? ref.slice(10) : null);
const shortRef = (ref: string) => branchOf(ref) ?? tagOf(ref) ?? ref;

/** Collects matches for one category under a `deny|warn|off` mode; `off` records nothing. */
class Findings {
  readonly matches: RuleMatch[] = [];
  readonly warnings: string[] = [];

  add(
    mode: 'deny' | 'warn' | 'off',
    base: Omit<RuleMatch, 'outcome' | 'alert' | 'detail'>,
    details: string[],
  ): void {
    if (mode === 'off' || details.length === 0) return;
    const detail = summarize(details);
    const outcome: RuleOutcome = mode;
    this.matches.push({ ...base, outcome, alert: 'normal', detail });
    if (mode === 'warn') this.warnings.push(`${base.ruleId}: ${base.reason} (${detail})`);
  }
}

function refUpdateFindings(policy: CompiledPolicy, updates: PushRefUpdate[], found: Findings) {
  const push = policy.settings.push;
  const protectedHits: string[] = [];
  const forced: string[] = [];
  const deletedBranches: string[] = [];
  const deletedTags: string[] = [];
  for (const update of updates) {
    const branch = branchOf(update.remoteRef);
    const tag = tagOf(update.remoteRef);
    const deleting = isZero(update.localSha);
    if (branch !== null && push.protectedBranches.some((glob) => simpleGlobMatch(branch, glob)))
      protectedHits.push(
        `${deleting ? 'delete' : isZero(update.remoteSha) ? 'create' : 'update'} ${branch}`,
      );
    if (deleting) {
      if (tag !== null) deletedTags.push(tag);
      else deletedBranches.push(shortRef(update.remoteRef));
      continue;
    }
    const creating = isZero(update.remoteSha);
    // A tag that already exists on the remote only moves when forced.
    if (!creating && (update.fastForward === false || tag !== null))
      forced.push(
        `${shortRef(update.remoteRef)} ${update.remoteSha.slice(0, 7)}→${update.localSha.slice(0, 7)}`,
      );
  }
  found.add(
    'deny',
    {
      ruleId: 'push/protected-branch',
      reason: 'direct pushes to a protected branch are not allowed',
      instead: 'push a feature branch and open a pull/merge request',
      source: policySource('push.protectedBranches'),
    },
    protectedHits,
  );
  found.add(
    push.forcePush,
    {
      ruleId: 'push/force',
      reason: 'a non-fast-forward (force) update rewrites history others may have built on',
      instead: 'fetch, rebase or merge onto the remote branch, and push a fast-forward',
      source: policySource('push.forcePush'),
    },
    forced,
  );
  found.add(
    push.deleteBranches,
    {
      ruleId: 'push/delete-branch',
      reason: 'deleting a remote branch can lose work that exists nowhere else',
      instead: 'leave branch deletion to a human or the hosting UI',
      source: policySource('push.deleteBranches'),
    },
    deletedBranches,
  );
  found.add(
    push.deleteTags,
    {
      ruleId: 'push/delete-tag',
      reason: 'deleting a remote tag breaks releases and references to it',
      instead: 'leave tag deletion to a human',
      source: policySource('push.deleteTags'),
    },
    deletedTags,
  );
}

function lineFindings(policy: CompiledPolicy, request: PushRequest, found: Findings) {
  const push = policy.settings.push;
  const where = (line: { path: string; commit?: string }) =>
    `${line.path}${line.commit ? ` in ${line.commit.slice(0, 7)}` : ''}`;
  for (const guard of BUILTIN_LINE_GUARDS) {
    const hits = request.addedLines
      .filter(
        (l) =>
          (guard.first === null || guard.first.includes(l.line.charAt(0))) &&
          guard.pattern.test(l.line),
      )
      .map(where);
    found.add(
      'deny',
      {
        ruleId: guard.id,
        reason: guard.reason,
        instead: guard.instead,
        source: builtinSource(guard.id),
      },
      hits,
    );
  }
  push.denyIfContains.forEach((keyword, index) => {
    const hits = request.addedLines.filter((l) => l.line.includes(keyword)).map(where);
    found.add(
      'deny',
      {
        ruleId: 'push/deny-if-contains',
        reason: `an added line contains "${keyword}", which this policy does not allow to be pushed`,
        instead: 'remove it in a new commit (or rewrite the local commits), then push',
        source: policySource(`push.denyIfContains[${index}]`),
      },
      hits,
    );
  });
  push.denyPatterns.forEach((source, index) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(source);
    } catch {
      // compile validates patterns; a broken one here must still fail closed
      found.add(
        'deny',
        {
          ruleId: 'push/deny-pattern',
          reason: `the policy's pattern /${source}/ does not compile`,
          instead: 'fix push.denyPatterns and run `gitfence compile`',
          source: policySource(`push.denyPatterns[${index}]`),
        },
        ['invalid pattern'],
      );
      return;
    }
    const hits = request.addedLines.filter((l) => pattern.test(l.line)).map(where);
    found.add(
      'deny',
      {
        ruleId: 'push/deny-pattern',
        reason: `an added line matches /${source}/, which this policy does not allow to be pushed`,
        instead: 'remove it in a new commit (or rewrite the local commits), then push',
        source: policySource(`push.denyPatterns[${index}]`),
      },
      hits,
    );
  });
}

function sizeFindings(policy: CompiledPolicy, request: PushRequest, found: Findings) {
  const limit = parseSize(policy.settings.push.maxFileSize);
  const hits = request.files
    .filter((f) => f.size !== undefined && f.size > limit)
    .map((f) => `${f.path} (${f.size} bytes)`);
  found.add(
    'deny',
    {
      ruleId: 'push/max-file-size',
      reason: `a pushed file is larger than the ${String(policy.settings.push.maxFileSize)} limit`,
      instead: 'keep large files out of git (Git LFS or an artifact store), rewrite the commits',
      source: policySource('push.maxFileSize'),
    },
    hits,
  );
}

function scopeFindings(policy: CompiledPolicy, request: PushRequest, found: Findings) {
  const mode = policy.settings.push.outOfScope;
  if (request.agent === null || mode === 'off') return;
  const agent = request.agent;
  const own = (request.facts.leases ?? [])
    .filter((l) => l.owner === agent)
    .flatMap((l) => l.patterns);
  const others = (request.facts.leases ?? []).filter((l) => l.owner !== agent && l.exclusive);
  const hits: string[] = [];
  for (const file of request.files) {
    for (const path of file.oldPath ? [file.path, file.oldPath] : [file.path]) {
      const mine = inOwnScopes(path, own);
      const taken = others.find((l) => l.patterns.some((p) => matchesGlob(path, p)));
      if (!mine) hits.push(`${path} (outside ${agent}'s scopes)`);
      else if (taken) hits.push(`${path} (in ${taken.owner}'s exclusive scope)`);
    }
  }
  found.add(
    mode,
    {
      ruleId: 'push/out-of-scope',
      reason: `agent ${agent} is pushing commits that touch paths outside its lock scopes`,
      instead: 'acquire a lease on those paths (`gitfence lock acquire`) or hand them over',
      source: policySource('push.outOfScope'),
    },
    [...new Set(hits)],
  );
}

export function evaluatePush(policy: CompiledPolicy, request: PushEvaluationRequest): Decision {
  const found = new Findings();
  refUpdateFindings(policy, request.updates, found);
  lineFindings(policy, request, found);
  sizeFindings(policy, request, found);
  scopeFindings(policy, request, found);
  const denied = found.matches.some((m) => m.outcome === 'deny');
  return combineDecisions(
    {
      outcome: denied ? 'deny' : 'allow',
      matches: found.matches,
      warnings: found.warnings,
      alert: denied ? 'normal' : 'none',
    },
    evaluateChecks(request.checks ?? [], 'push'),
  );
}
