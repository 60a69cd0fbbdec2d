import { describe, expect, it } from 'vitest';
import { dedicatedHookCommandFor } from '../../src/agents/install-edge.js';
import { renderShimScript } from '../../src/shim/template.js';
import { FAST_START_FLAGS, fastStartFlagsFor } from '../../src/util/node-flags.js';

describe('fast-start node flags', () => {
  it('are used only when the node at hand accepts them', () => {
    const asked: Array<[string, readonly string[]]> = [];
    const accepts = (node: string, flags: readonly string[]) => {
      asked.push([node, flags]);
      return true;
    };
    expect(fastStartFlagsFor('/opt/node', accepts)).toEqual(['--no-rehash-snapshot']);
    expect(asked).toEqual([['/opt/node', FAST_START_FLAGS]]);
    expect(fastStartFlagsFor('/opt/node', () => false)).toEqual([]);
  });

  it('go between node and the entry in the hook command', () => {
    expect(
      dedicatedHookCommandFor('/usr/bin/node', '/opt/g f/dist/agent-hook.cjs', 'gemini', [
        '--no-rehash-snapshot',
      ]),
    ).toBe("'/usr/bin/node' --no-rehash-snapshot '/opt/g f/dist/agent-hook.cjs' gemini || exit 2");
    expect(dedicatedHookCommandFor('/usr/bin/node', '/x/agent-hook.cjs', 'claude-code')).toBe(
      "'/usr/bin/node' '/x/agent-hook.cjs' claude-code || exit 2",
    );
  });

  it('go between node and the entry in the shim, and nowhere else', () => {
    const input = { realGit: '/usr/bin/git', node: '/n', cli: '/c', entry: '/e', execShadow: '/s' };
    const flagged = renderShimScript({ ...input, nodeFlags: ['--no-rehash-snapshot'] });
    expect(flagged).toContain(
      `exec "$GF_NODE" '--no-rehash-snapshot' "$GF_ENTRY" --real-git="$GF_REAL_GIT" -- "$@"`,
    );
    expect(flagged.split('--no-rehash-snapshot')).toHaveLength(2);
    expect(renderShimScript(input)).toContain(`exec "$GF_NODE" "$GF_ENTRY" --real-git=`);
  });
});
