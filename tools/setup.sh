#!/usr/bin/env bash
# kg set-up: installs what is missing from Debian 12, builds, then runs
#   tools/setup.sh demo   the main job on the bundled sample corpus
#   tools/setup.sh test   the whole test suite through CTest, then the core,
#                         storage and query tests under ASan+UBSan and every
#                         libFuzzer target for a bounded time (see
#                         KG_CI_SANITIZE below for how those two count)
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
  libgoogle-perftools-dev  # tcmalloc for kg-load (tools/CMakeLists.txt)
  zlib1g-dev               # one-shot model decompression (core/model_file.cc)
  libdeflate-dev           # faster one-shot model decompression (core/model_file.cc)
  iso-codes wordnet-base   # country names and demonyms for the recogniser
  graphviz                 # renders kg's DOT output
  tmux                     # drives the REPL through a terminal in tests
  python3-networkx         # peer in `kg-bench query` (bench/query_peers.py)
  clang-14 libclang-rt-14-dev  # libFuzzer targets (tests/fuzz/, `test` runs them)
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

# CI stages: each prints its wall time at the end (also when one fails);
# with `set -e` any failing stage fails the script.
stage_times=()
stage() {
  local name=$1 start=$SECONDS rc=0
  shift
  echo "== $name"
  stage_current=$name
  # The status is carried explicitly: `set -e` does not act inside a function
  # whose caller tests it (the advisory stages below).
  "$@" || rc=$?
  stage_times+=("$(printf '%-44s %5ds' "$name" $((SECONDS - start)))")
  ((rc == 0)) || return $rc
  stage_current=""
}
report_stages() {
  local rc=$?
  if ((${#stage_times[@]} > 1)) || [ -n "${stage_current:-}" ]; then
    echo "== stage times (wall)"
    printf '  %s\n' "${stage_times[@]}"
    [ -z "${stage_current:-}" ] || echo "  FAILED: $stage_current"
    echo "  total $SECONDS s"
  fi
  return $rc
}
trap report_stages EXIT

configure_build() {
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j "$jobs"
}
stage "build ($build, Release)" configure_build

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
    # 1. every test in the normal build; 2. the core, storage and query tests
    # and the fuzz-corpus replays again under ASan+UBSan (tests labelled
    # `heavy` run only in step 1); 3. every libFuzzer target for a bounded
    # time (KG_FUZZ_SECONDS each, default 20).
    stage "tests ($build)" ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 900 \
      -E '^ReplPtyTest[.]' </dev/null
    # The REPL tests type into a real terminal (tmux) and wait for the
    # screen. Their one known flake (Ctrl-C ending the session, ~1 run in 25
    # on a loaded machine) had two causes, both fixed in session 19 (README,
    # "Known failures"); 60 runs in a row passed since. The tries stay
    # because a screen wait can still time out on an overloaded machine;
    # ctest prints every failed try, so a flake is seen in the log, and a
    # test that fails three times fails the run.
    stage "terminal tests ($build)" ctest --test-dir "$build" --output-on-failure -j "$jobs" \
      --timeout 900 -R '^ReplPtyTest[.]' --repeat until-pass:3 </dev/null
    # KG_CI_SANITIZE: 1 (the default) = stages 2 and 3 fail the run like
    # stage 1; 0 = skip them (a quick local run); "advisory" = run and report
    # them, findings printed as "ADVISORY FAILURE", without failing the run.
    # They were advisory until CI had run them (stop 11: the whole run passed
    # in 1755 s of its 90 minutes) and a long local fuzzing run was clean.
    sanitize=${KG_CI_SANITIZE:-1}
    [ "$sanitize" != 0 ] || exit 0
    # CI has 90 minutes; no sanitizer stage starts after KG_CI_BUDGET_S
    # seconds (default 60 min), so the slowest one still ends in time.
    budget=${KG_CI_BUDGET_S:-3600}
    extra() {
      local name=$1
      if ((SECONDS > budget)); then
        echo "== $name: skipped, the run is past its ${budget} s budget ($SECONDS s)"
        return 0
      fi
      if [ "$sanitize" = 1 ]; then
        stage "$@"
      elif ! stage "$@"; then
        echo "ADVISORY FAILURE: $name (KG_CI_SANITIZE=1 makes this fatal)"
        stage_times[${#stage_times[@]} - 1]+="  ADVISORY FAILURE"
        stage_current=""
      fi
    }

    asan=${KG_ASAN_BUILD_DIR:-build-asan}
    build_asan() {
      # -O1 and line tables only: the build is most of this stage's time, and
      # line tables are all a sanitizer report needs.
      cmake -S . -B "$asan" -DKG_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" >/dev/null
      local targets
      targets=$(cmake --build "$asan" --target help | grep -oE 'kg_(core|storage|query)_tests|fuzz-[a-z_]+' | sort -u)
      # shellcheck disable=SC2086
      cmake --build "$asan" -j "$jobs" --target $targets
    }
    extra "build ($asan, ASan+UBSan)" build_asan
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    extra "tests ($asan: core storage query fuzz)" ctest --test-dir "$asan" --output-on-failure -j "$jobs" \
      --timeout 900 -L '^(core|storage|query|fuzz)$' -LE '^heavy$' </dev/null

    fuzz=${KG_FUZZ_BUILD_DIR:-build-fuzz}
    build_fuzz() {
      cmake -S . -B "$fuzz" -DKG_FUZZ=ON -DCMAKE_CXX_COMPILER=clang++-14 \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -DNDEBUG" >/dev/null
      cmake --build "$fuzz" -j "$jobs" --target kg_fuzz
    }
    extra "build ($fuzz, clang libFuzzer)" build_fuzz
    extra "fuzz (${KG_FUZZ_SECONDS:-20} s per target)" tests/fuzz/run.sh "$fuzz" "${KG_FUZZ_SECONDS:-20}" "$jobs"
    ;;
  *)
    echo "usage: tools/setup.sh [build|demo|test]" >&2
    exit 2
    ;;
esac
