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
# Sets cpu_now to the CPU seconds (user + system) of every process this shell has waited for so far: the second line
# of `times`. Never call it in a $(...) subshell, whose children's times start at zero.
cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
children_cpu() {
  times >"$cpu_file"
  cpu_now=$(awk 'NR == 2 { total = 0; for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); total += t[1] * 60 + t[2] }
                           printf "%d", total }' "$cpu_file")
}
# phase NAME COMMAND...: runs the command, prints and records its wall time, its CPU time and the load average. On a
# shared machine the wall time of a build grows with the load; its CPU time does not, and CPU / cores is what the
# build takes on a quiet machine. A failure fails the script at the end, after the other phases.
phase() {
  local name=$1 start=$SECONDS cpu_start rc=0
  children_cpu
  cpu_start=$cpu_now
  shift
  echo "== $name"
  "$@" || rc=$?
  local line
  children_cpu
  line=$(printf '%-30s %5d s wall %6d s CPU  load %5s  %s' "$name" $((SECONDS - start)) \
    $((cpu_now - cpu_start)) "$(cut -d' ' -f1 /proc/loadavg)" "$([ $rc = 0 ] && echo ok || echo "FAILED ($rc)")")
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
echo "== time per phase (wall clock, CPU of its processes, 1-minute load average at its end; $jobs cores)"
printf '%s\n' "${timings[@]}"
echo "== total: $((SECONDS / 60)) min $((SECONDS % 60)) s"
exit $status
