/**
 * The check path's fast route: find the repository and read the alias table from disk, without
 * starting git. It only answers when it is sure it reads exactly what git would; anything unusual
 * (GIT_DIR and friends, includes, worktree config, core.worktree, a bare repository, a config line it
 * cannot read) returns null and the caller asks git itself.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { stateDirFor, type RepoInfo } from '../repo/discover.js';

/** Environment that changes discovery or which config git reads: git must answer. */
const DISCOVERY_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_COMMON_DIR',
  'GIT_CEILING_DIRECTORIES',
  'GIT_DISCOVERY_ACROSS_FILESYSTEM',
  'GIT_CONFIG',
  'GIT_NAMESPACE',
];

type Config = Array<{ section: string; key: string; value: string }>;

const UNSURE = Symbol('unsure');

/** A value as git's config.c reads it: unquoted whitespace runs kept inside, dropped at the ends. */
function parseValue(raw: string): string | typeof UNSURE {
  let value = '';
  let space = 0;
  let quoted = false;
  for (let j = 0; j < raw.length; j++) {
    const ch = raw[j] as string;
    if ((ch === ' ' || ch === '\t' || ch === '\r') && !quoted) {
      if (value.length > 0) space++;
      continue;
    }
    if (!quoted && (ch === '#' || ch === ';')) break;
    value += ' '.repeat(space);
    space = 0;
    if (ch === '\\') {
      const next = raw[++j];
      if (next === 'n') value += '\n';
      else if (next === 't') value += '\t';
      else if (next === '"' || next === '\\') value += next;
      else return UNSURE;
    } else if (ch === '"') quoted = !quoted;
    else value += ch;
  }
  return quoted ? UNSURE : value;
}

/** One config file in git's syntax; UNSURE for anything this reader does not fully understand. */
export function parseGitConfig(text: string): Config | typeof UNSURE {
  const out: Config = [];
  let section: string | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    // continuation lines, comments with quotes: leave to git
    if (/\\\s*$/.test(line)) return UNSURE;
    line = line.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line.startsWith('[')) {
      const m = /^\[([A-Za-z0-9.-]+)(?:\s+"((?:[^"\\]|\\.)*)")?\]\s*(?:[#;].*)?$/.exec(line);
      if (!m) return UNSURE;
      const name = (m[1] as string).toLowerCase();
      if (name === 'include' || name === 'includeif' || name.startsWith('include')) return UNSURE;
      if (m[2] !== undefined) section = `${name}.${m[2]}`;
      else if (name.includes('.')) return UNSURE;
      else section = name;
      continue;
    }
    if (section === null) return UNSURE;
    const kv = /^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*(.*))?$/.exec(line);
    if (!kv) return UNSURE;
    const key = (kv[1] as string).toLowerCase();
    const raw = kv[2];
    const value = raw === undefined ? 'true' : parseValue(raw);
    if (value === UNSURE) return UNSURE;
    out.push({ section, key, value });
  }
  return out;
}

function readConfig(file: string): Config | null | typeof UNSURE {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? null : UNSURE;
  }
  return parseGitConfig(text);
}

function findRepo(cwd: string): RepoInfo | null | typeof UNSURE {
  let dir: string;
  try {
    dir = realpathSync(cwd);
  } catch {
    return UNSURE;
  }
  for (;;) {
    const dotgit = join(dir, '.git');
    let gitDir: string | null = null;
    try {
      const st = statSync(dotgit);
      if (st.isDirectory()) gitDir = dotgit;
      else if (st.isFile()) {
        const m = /^gitdir: (.+)$/m.exec(readFileSync(dotgit, 'utf8'));
        if (!m) return UNSURE;
        gitDir = realpathSync(resolve(dir, (m[1] as string).trim()));
      }
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return UNSURE;
    }
    if (gitDir !== null) {
      if (!existsSync(join(gitDir, 'HEAD'))) return UNSURE;
      // git refuses a repository owned by someone else (safe.directory): let it say so
      if (process.getuid && statSync(gitDir).uid !== process.getuid()) return UNSURE;
      let commonDir = gitDir;
      try {
        commonDir = realpathSync(
          resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim()),
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') return UNSURE;
      }
      return { topLevel: dir, gitDir, commonDir, stateDir: stateDirFor(commonDir) };
    }
    // a bare repository or the inside of a git dir: let git say what it is
    if (existsSync(join(dir, 'HEAD')) && existsSync(join(dir, 'objects'))) return UNSURE;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/**
 * The repository around `cwd` from the file system alone: null outside any repository, undefined
 * when only git can say (discovery variables set, a bare repository, another owner, anything odd).
 */
export function discoverRepoOnDisk(
  cwd: string,
  env: Record<string, string | undefined>,
): RepoInfo | null | undefined {
  if (DISCOVERY_ENV.some((name) => env[name] !== undefined)) return undefined;
  const repo = findRepo(cwd);
  return repo === UNSURE ? undefined : repo;
}

export interface DiskFacts {
  repo: RepoInfo | null;
  aliases: Record<string, string>;
}

/** The repository and alias table as git would see them in `cwd`, or null when git must be asked. */
export function readRepoAndAliases(
  cwd: string,
  env: Record<string, string | undefined>,
  home: string,
): DiskFacts | null {
  const repo = discoverRepoOnDisk(cwd, env);
  if (repo === undefined) return null;

  const files: string[] = [];
  if (
    !env.GIT_CONFIG_NOSYSTEM ||
    env.GIT_CONFIG_NOSYSTEM === 'false' ||
    env.GIT_CONFIG_NOSYSTEM === '0'
  ) {
    if (env.GIT_CONFIG_SYSTEM !== undefined) files.push(env.GIT_CONFIG_SYSTEM);
    else files.push('/etc/gitconfig', '/usr/local/etc/gitconfig');
  }
  const userHome = env.HOME ?? home;
  if (env.GIT_CONFIG_GLOBAL !== undefined) files.push(env.GIT_CONFIG_GLOBAL);
  else {
    files.push(join(env.XDG_CONFIG_HOME || join(userHome, '.config'), 'git', 'config'));
    files.push(join(userHome, '.gitconfig'));
  }
  if (repo) files.push(join(repo.commonDir, 'config'));

  const aliases: Record<string, string> = {};
  for (const file of files) {
    if (file === '/dev/null' || file === '') continue;
    const config = readConfig(file);
    if (config === UNSURE) return null;
    if (config === null) continue;
    for (const { section, key, value } of config) {
      if (section === 'alias') aliases[key] = value;
      else if (section.startsWith('alias.')) return null;
      else if (section === 'core' && (key === 'worktree' || key === 'bare')) {
        if (key === 'worktree' || value !== 'false') return null;
      } else if (section === 'extensions' && key === 'worktreeconfig') return null;
      else if (section === 'safe' && key === 'directory') return null;
    }
  }
  return { repo, aliases };
}
