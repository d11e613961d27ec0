#!/usr/bin/env bash
# Sets up everything on a fresh Debian 12 machine (missing packages, release build), then runs Loadscope.
#   ./scripts/run.sh                 GUI when a display is available, otherwise the headless quick comparison
#   ./scripts/run.sh COMMAND ARGS    any loadscope command, e.g. ./scripts/run.sh list
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
loadscope_install_deps

jobs=$(nproc 2>/dev/null || echo 2)
# What running the app needs; the benchmarks in bench/ are built on request (docs/benchmarks.md).
targets=(loadscope loadscope-loadgen loadscope-refserver)
if [ ! -x build/release/bin/loadscope ]; then
  echo "Building Loadscope (release; the first build takes about 4 minutes on 2 cores) ..." >&2
fi
{ cmake --preset release >/dev/null && cmake --build --preset release -j "$jobs" --target "${targets[@]}" >/dev/null; } 2>build-release.log || {
  echo "Build failed; see build-release.log" >&2; tail -n 30 build-release.log >&2; exit 1; }
rm -f build-release.log

exec build/release/bin/loadscope "$@"
