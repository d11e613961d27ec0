#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine, builds the `dev` and `asan` presets and runs the whole test suite
# on both (GUI tests offscreen). Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
LOADSCOPE_TEST_DEPS=1
source scripts/deps.sh
loadscope_install_deps

jobs=$(nproc 2>/dev/null || echo 2)
# ccache (when the CMake build found it) shares objects between clones and worktrees of the same sources.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
export QT_QPA_PLATFORM=offscreen
# The sanitizer runtime must stay quiet about leaks in Python children we never build; our own code is checked.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

status=0
echo "== clang-format check"
if ! git ls-files '*.cpp' '*.h' | xargs -r clang-format --dry-run --Werror; then
  echo "clang-format: the files above are not formatted (run: git ls-files '*.cpp' '*.h' | xargs clang-format -i)"
  status=1
fi

for preset in dev asan; do
  echo "== configure and build: $preset"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== ctest: $preset"
  # Tests labelled `timing` check rates and latencies; under the sanitizers the machine is too slow for them to mean
  # anything, so the asan run leaves them out (the dev run has them all).
  extra=()
  [ "$preset" = asan ] && extra=(-LE timing)
  if ! ctest --preset "$preset" -j 1 "${extra[@]}"; then status=1; fi
done
# The release build is what ./scripts/run.sh launches; its unity build catches names two files of one library both
# define (anonymous namespaces share one translation unit there), which the dev build cannot see.
echo "== build: release (what scripts/run.sh launches)"
cmake --preset release >/dev/null
if ! cmake --build --preset release -j "$jobs"; then status=1; fi
# The Debian package from that release build: built, installed with apt-get, checked from outside the source tree,
# purged (scripts/package-test.sh; docs/packaging.md).
echo "== package: build, install, check, purge"
if ! scripts/package-test.sh; then status=1; fi
exit $status
