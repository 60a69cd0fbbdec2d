# Finds the gitfence CLI: the one that ran `gitfence init`, then `gitfence` on PATH, then
# `npx --no-install gitfence`. When none is there the hook fails, so nothing gets through unchecked.
# gitfence_git is the real git `gitfence init` found: gitfence reads with it, not with whatever git
# the committer's GITFENCE_REAL_GIT, PATH or GIT_EXEC_PATH (all inherited by hooks) would name.
gitfence_node=@NODE@
gitfence_cli=@CLI@
gitfence_git=@GIT@
gitfence_run() {
  if [ -f "$gitfence_cli" ] && [ -x "$gitfence_node" ]; then
    "$gitfence_node" "$gitfence_cli" "$@"
  elif [ -f "$gitfence_cli" ] && command -v node >/dev/null 2>&1; then
    node "$gitfence_cli" "$@"
  elif command -v gitfence >/dev/null 2>&1; then
    command gitfence "$@"
  elif command -v npx >/dev/null 2>&1; then
    npx --no-install gitfence "$@"
  else
    echo "gitfence: cannot find the gitfence CLI (tried $gitfence_cli, gitfence on PATH, npx --no-install gitfence); refusing to continue" >&2
    echo "  -> install gitfence, then run \`gitfence init\` in this repository again" >&2
    return 1
  fi
}
