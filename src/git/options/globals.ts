/** git's own options before the subcommand (git.c handle_options, git 2.39 plus later additions). */

export interface GlobalOptionSpec {
  canonical: string;
  /**
   * `separate`: only `-C dir`; `both`: `--git-dir dir` or `--git-dir=dir`; `attached`: only `--x=v`
   * (the bare form does something else); `none`: a flag.
   */
  value: 'none' | 'separate' | 'both' | 'attached';
  path?: boolean;
  /** git prints something and exits without running a command. */
  exits?: boolean;
  /** The bare form (no `=value`) prints and exits (`--exec-path`). */
  bareExits?: boolean;
  /** Stops option parsing and becomes the command (`--version` → version). */
  terminal?: boolean;
}

const flag = (canonical: string): GlobalOptionSpec => ({ canonical, value: 'none' });

export const GLOBAL_OPTIONS: Record<string, GlobalOptionSpec> = {
  '-C': { canonical: '-C', value: 'separate', path: true },
  '-c': { canonical: '-c', value: 'separate' },
  '--config-env': { canonical: '--config-env', value: 'both' },
  '--exec-path': { canonical: '--exec-path', value: 'attached', path: true, bareExits: true },
  '--html-path': { canonical: '--html-path', value: 'none', exits: true },
  '--man-path': { canonical: '--man-path', value: 'none', exits: true },
  '--info-path': { canonical: '--info-path', value: 'none', exits: true },
  '-p': flag('--paginate'),
  '--paginate': flag('--paginate'),
  '-P': flag('--no-pager'),
  '--no-pager': flag('--no-pager'),
  '--no-replace-objects': flag('--no-replace-objects'),
  '--no-lazy-fetch': flag('--no-lazy-fetch'),
  '--bare': flag('--bare'),
  '--git-dir': { canonical: '--git-dir', value: 'both', path: true },
  '--work-tree': { canonical: '--work-tree', value: 'both', path: true },
  '--namespace': { canonical: '--namespace', value: 'both' },
  '--super-prefix': { canonical: '--super-prefix', value: 'both' },
  '--shallow-file': { canonical: '--shallow-file', value: 'separate', path: true },
  '--literal-pathspecs': flag('--literal-pathspecs'),
  '--glob-pathspecs': flag('--glob-pathspecs'),
  '--noglob-pathspecs': flag('--noglob-pathspecs'),
  '--icase-pathspecs': flag('--icase-pathspecs'),
  '--no-optional-locks': flag('--no-optional-locks'),
  '--list-cmds': { canonical: '--list-cmds', value: 'attached', exits: true },
  '--attr-source': { canonical: '--attr-source', value: 'both' },
  '-v': { canonical: '--version', value: 'none', terminal: true },
  '--version': { canonical: '--version', value: 'none', terminal: true },
  '-h': { canonical: '--help', value: 'none', terminal: true },
  '--help': { canonical: '--help', value: 'none', terminal: true },
};

/** Environment variables that change what git does, recorded on every invocation. */
export const GIT_ENV_VARS: readonly string[] = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR',
  'GIT_EXEC_PATH',
  'GIT_NAMESPACE',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_NO_REPLACE_OBJECTS',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
  'GIT_OPTIONAL_LOCKS',
  'GIT_SHALLOW_FILE',
  'GIT_TEMPLATE_DIR',
  'GIT_SEQUENCE_EDITOR',
  'GIT_EDITOR',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_EXTERNAL_DIFF',
  'GIT_ATTR_SOURCE',
  'HUSKY',
];

/** Environment variables whose value is a path (path guards), resolved against the final cwd. */
export const GIT_PATH_ENV_VARS: readonly string[] = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_OBJECT_DIRECTORY',
  'GIT_COMMON_DIR',
  'GIT_EXEC_PATH',
  'GIT_CONFIG',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_SHALLOW_FILE',
  'GIT_TEMPLATE_DIR',
];
