#!/usr/bin/env bash
# Installs what the query benchmark's peers need, idempotently:
#   networkx  Debian's python3-networkx
#   kuzu      the npm package kuzu into bench/node_modules (needs node + npm)
# Usage: bench/install_peers.sh [networkx] [kuzu]   (default: both)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kuzu_version=0.11.3
want=("$@")
((${#want[@]})) || want=(networkx kuzu)

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "$@" </dev/null >&2
}

for peer in "${want[@]}"; do
  case "$peer" in
    networkx)
      python3 -c "import networkx" 2>/dev/null || apt_install python3-networkx
      ;;
    kuzu)
      command -v npm >/dev/null || apt_install nodejs npm
      if ! (cd "$here" && node -e "require('kuzu')" 2>/dev/null); then
        [ -d "$here/node_modules/kuzu" ] ||
          (cd "$here" && npm install --no-audit --no-fund --no-save "kuzu@$kuzu_version" >&2)
        # npm 11 no longer runs a package's install script by itself.
        (cd "$here" && node node_modules/kuzu/install.js >&2)
      fi
      ;;
    *)
      echo "install_peers.sh: unknown peer $peer" >&2
      exit 2
      ;;
  esac
done
