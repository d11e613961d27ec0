#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine, then checks the formatting, builds and tests the `dev` preset
# (everything), the `asan` preset (everything, the GUI included, under ASan + UBSan), the `tsan` preset (the threaded
# code only: the runner, the GUI's worker threads, the generator's --threads), builds the `release` preset and tests
# its Debian package. GUI tests run offscreen. Prints the time of each phase and the machine's load with it, and
# exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
LOADSCOPE_TEST_DEPS=1
source scripts/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)
# ccache (when the CMake build found it) shares objects between clones and worktrees of the same sources.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
export QT_QPA_PLATFORM=offscreen
# The sanitizers' options (leaks checked; suppressions for third-party code only, tests/lsan.supp and tests/tsan.supp)
# are in the asan and tsan test presets (CMakePresets.json), so `ctest --preset asan` by hand checks the same.

status=0
timings=()
# phase NAME COMMAND...: runs the command, prints and records how long it took (wall time) and the load average
# (other work on the machine slows every figure; the 1-minute load says how much). A failure fails the script at the
# end, after the other phases.
phase() {
  local name=$1 start=$SECONDS rc=0
  shift
  echo "== $name"
  "$@" || rc=$?
  local line
  line=$(printf '%-34s %5d s  load %s  %s' "$name" $((SECONDS - start)) "$(cut -d' ' -f1 /proc/loadavg)" \
    "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")")
  echo "== $line"
  timings+=("$line")
  if [ $rc != 0 ]; then status=1; fi
  return 0
}

check_format() {
  if ! git ls-files '*.cpp' '*.h' | xargs -r clang-format --dry-run --Werror; then
    echo "clang-format: the files above are not formatted (run: git ls-files '*.cpp' '*.h' | xargs clang-format -i)"
    return 1
  fi
}

build() { # build PRESET: configure, then build the preset's targets (tsan: only its tests; CMakePresets.json)
  cmake --preset "$1" >/dev/null && cmake --build --preset "$1" -j "$jobs"
}

# The dev run has every test. The asan and tsan test presets leave out the tests labelled `timing` (rates and
# latencies mean nothing at the sanitizers' speed); the tsan one runs only the tests labelled `tsan`.
run_tests() { # run_tests PRESET
  ctest --preset "$1" -j 1
}

phase "dependencies" loadscope_install_deps
[ $status = 0 ] || exit 1
phase "clang-format check" check_format
phase "build: dev" build dev
phase "ctest: dev" run_tests dev
phase "build: asan (with the GUI)" build asan
phase "ctest: asan" run_tests asan
phase "build: tsan (threaded tests)" build tsan
phase "ctest: tsan" run_tests tsan
# The release build is what ./scripts/run.sh launches; its unity build catches names two files of one library both
# define (anonymous namespaces share one translation unit there), which the dev build cannot see.
phase "build: release" build release
# The Debian package from that release build (scripts/package.sh reconfigures it with LOADSCOPE_PACKAGING=ON, which
# adds man pages and icons but changes no compile flag: nothing is compiled again), installed with apt-get, checked
# from outside the source tree, purged (scripts/package-test.sh; docs/packaging.md).
phase "package: build, install, check" scripts/package-test.sh

echo
echo "== time per phase (wall clock; load: 1-minute load average at the end of the phase; $jobs cores)"
printf '%s\n' "${timings[@]}"
echo "== total: $((SECONDS / 60)) min $((SECONDS % 60)) s"
exit $status
