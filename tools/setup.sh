#!/usr/bin/env bash
# kg set-up: installs what is missing from Debian 12, builds, then runs
#   tools/setup.sh demo   the main job on the bundled sample corpus
#   tools/setup.sh test   the whole test suite through CTest
#   tools/setup.sh build  only install and build
# Idempotent: apt is not called when every package is present.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
build=${KG_BUILD_DIR:-build}
jobs=${KG_JOBS:-$(nproc)}

packages=(
  build-essential cmake pkg-config
  librocksdb-dev libboost-graph-dev libprotobuf-dev protobuf-compiler libabsl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libutf8proc-dev libedit-dev libssl-dev nlohmann-json3-dev
  libxxhash-dev            # stable 64-bit term ids (storage/keys.cc)
  iso-codes wordnet-base   # country names and demonyms for the recogniser
  graphviz                 # renders kg's DOT output
  tmux                     # drives the REPL through a terminal in tests
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
fi

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "$jobs"

case "${1:-build}" in
  build) ;;
  demo)
    db="$build/demo.db"
    rm -rf "$db"
    "$build/bin/kg" --db "$db" ingest examples/corpus/
    "$build/bin/kg" --db "$db" stats
    q='connect "Merida Initiative" and "arms trafficking"'
    echo
    echo "kg> $q"
    "$build/bin/kg" --db "$db" query "$q" --format dot > "$build/demo.dot"
    "$build/bin/kg" --db "$db" explain "$q"
    if command -v dot >/dev/null; then
      dot -Tsvg "$build/demo.dot" -o "$build/demo.svg"
      echo "picture: $build/demo.svg (Graphviz source: $build/demo.dot)"
    else
      echo "Graphviz source: $build/demo.dot (install graphviz to render it)"
    fi
    ;;
  test)
    cd "$build"
    ctest --output-on-failure -j "$jobs" --timeout 900 </dev/null
    ;;
  *)
    echo "usage: tools/setup.sh [build|demo|test]" >&2
    exit 2
    ;;
esac
