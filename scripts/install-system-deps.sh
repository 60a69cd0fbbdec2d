#!/usr/bin/env bash
# Debian packages the test suite uses: git, python3 (pseudo-terminal driver), util-linux
# (setpriv/script/unshare), e2fsprogs (chattr). Installs only what is missing.
set -euo pipefail
need=()
command -v git >/dev/null || need+=(git)
command -v python3 >/dev/null || need+=(python3)
command -v setpriv >/dev/null && command -v script >/dev/null || need+=(util-linux)
command -v chattr >/dev/null || need+=(e2fsprogs)
if [ ${#need[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (run as root: apt-get install ${need[*]})" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}"
