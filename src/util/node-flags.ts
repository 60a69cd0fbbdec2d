/**
 * The flags the shim's slow path and the agent hooks start node with (the hot entries' own caches
 * are trained under them at build time: V8 keys a code cache on its flags).
 *
 * `--no-rehash-snapshot` keeps the string hash seed V8's start-up snapshot was built with, where a
 * default start draws a fresh seed and rehashes every table of the snapshot and of the code cache
 * with it: 10–25M instructions, 3–5 ms of a ~30 ms start. The price is a seed anyone can know, which
 * matters against hash flooding: many attacker-chosen keys in one table. These processes read one
 * bounded input (the hook's at most 8 MiB of JSON, the shim's argv) and decide once; the worst an
 * agent could do is make its own call slower. See docs/agents.md § Start-up.
 */
import { spawnSync } from 'node:child_process';

export const FAST_START_FLAGS: readonly string[] = ['--no-rehash-snapshot'];

/** Whether `node` starts with `flags`: node refuses an option its V8 does not know (exit 9). */
export type NodeFlagProbe = (node: string, flags: readonly string[]) => boolean;

const probeNode: NodeFlagProbe = (node, flags) =>
  spawnSync(node, [...flags, '-e', '0'], { stdio: 'ignore', timeout: 30_000 }).status === 0;

/** FAST_START_FLAGS when this node accepts them, else none: a launcher must never fail to start. */
export function fastStartFlagsFor(node: string, probe: NodeFlagProbe = probeNode): string[] {
  return probe(node, FAST_START_FLAGS) ? [...FAST_START_FLAGS] : [];
}
