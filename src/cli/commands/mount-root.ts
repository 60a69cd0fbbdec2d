/** `gitfence mount-root`: which mount holds a path, and is it read-only (external write-locks). */
import { resolve } from 'node:path';
import { GitfenceError } from '../../errors.js';
import { findMount, loadMountTable, realPathOrResolved } from '../../writelock/mount.js';
import { createPlatform } from '../../writelock/platform.js';
import { probeWritable } from '../../writelock/probe.js';
import { parseFlags } from '../args.js';
import type { Command } from '../context.js';

const USAGE = `usage: gitfence mount-root [--path P] [--mount-root R] [--json]

Print the mount point that contains P (default: the current directory) and whether it is mounted
read-only. With --mount-root R, check that P's mount point is R: exit 0 when it is, 42 when not.

  --path P         the path to look up
  --mount-root R   the mount point P is expected to be on
  --json           {path, mountRoot, fsType, source, readOnly, writable, errno, matches}`;

export const command: Command = {
  name: 'mount-root',
  summary: 'find the mount root of a path',
  usage: USAGE,
  async run(context) {
    const { values } = parseFlags(
      {
        args: context.args,
        options: {
          path: { type: 'string' },
          'mount-root': { type: 'string' },
          json: { type: 'boolean' },
        },
        strict: true,
        allowPositionals: false,
      },
      {
        where: 'gitfence mount-root',
        expected: 'gitfence mount-root [--path P] [--mount-root R] [--json]',
        got: context.args.join(' '),
        hint: 'run `gitfence mount-root --help`',
      },
    );
    const path = realPathOrResolved(resolve(context.cwd, values.path ?? '.'));
    const platform = createPlatform(context.env);
    const mount = findMount(await loadMountTable(platform), path);
    if (!mount) {
      throw new GitfenceError('INTERNAL', 'cannot tell which mount holds this path', {
        where: path,
        hint:
          platform.facts.os === 'linux'
            ? '/proc/self/mountinfo is unreadable'
            : 'mount-root reads /proc/self/mountinfo (Linux) or `mount` (macOS)',
      });
    }
    const probe = await probeWritable(path).catch(() => null);
    const expected =
      values['mount-root'] === undefined
        ? undefined
        : realPathOrResolved(resolve(context.cwd, values['mount-root']));
    const matches = expected === undefined ? null : expected === mount.mountPoint;
    if (values.json) {
      context.stdout.write(
        `${JSON.stringify(
          {
            path,
            mountRoot: mount.mountPoint,
            fsType: mount.fsType,
            source: mount.source,
            readOnly: mount.readOnly,
            writable: probe?.writable ?? null,
            errno: probe && !probe.writable ? probe.errno : null,
            matches,
          },
          null,
          2,
        )}\n`,
      );
    } else {
      context.stdout.write(`${mount.mountPoint}\n`);
      context.stderr.write(
        `${path} is on ${mount.mountPoint} (${mount.fsType}, ${mount.readOnly ? 'read-only' : 'read-write'})\n`,
      );
      if (matches === false) {
        context.stderr.write(`expected mount root ${expected}, got ${mount.mountPoint}\n`);
      }
    }
    return matches === false ? 'denied' : 'ok';
  },
};
