#!/usr/bin/env bash
# Installs the Debian packages Loadscope needs to build, test and run. One list, idempotent, silent when every
# package is present. Sourced by run.sh and test.sh; can also be run on its own.
set -euo pipefail

# The built-in targets' servers need these; the Debian package recommends them (cmake/LoadscopePackaging.cmake reads
# this line: keep it on one line).
LOADSCOPE_SERVER_PACKAGES=(python3 python3-aiohttp python3-tornado python3-uvloop python3-starlette python3-uvicorn)

LOADSCOPE_PACKAGES=(
  # build
  cmake ninja-build g++ pkg-config git clang-format
  ccache # rebuilds of the presets reuse objects (test.sh on 2 cores)
  lld # links the test executables several times faster than bfd (cmake/LoadscopeBuildSpeed.cmake)
  # libraries
  qt6-base-dev qt6-svg-dev libgtest-dev libqcustomplot-dev libgl-dev
  libboost-dev libboost-filesystem-dev libsqlite3-dev zlib1g-dev nlohmann-json3-dev libcli11-dev
  libssl-dev # SHA-256 of imported result files
  # other hosts over SSH (docs/hosts.md)
  openssh-client
  # servers under test (run on Debian's /usr/bin/python3); the package's Recommends
  "${LOADSCOPE_SERVER_PACKAGES[@]}"
  # importer tests: HdrHistogram's Java implementation reads our logs and writes logs we read
  libhdrhistogram-java default-jdk-headless
  # the HTML report checked in a real browser (report.chromium)
  chromium fonts-dejavu-core
  # profiling native servers during runs (loadscope run --profile on refserver, nginx ...)
  linux-perf
  # GUI checks and the sanitizer runtime
  xvfb xauth
)
# Only for the tests and benchmarks (scripts/test.sh sets LOADSCOPE_TEST_DEPS=1): the SSH tests build hosts as network
# namespaces (iproute2) running Debian's sshd, and the benchmark serves nginx there. Not installed by run.sh, since
# openssh-server's package starts a system-wide sshd on a desktop that did not ask for one.
LOADSCOPE_TEST_PACKAGES=(openssh-server iproute2 nginx-light)
# Only for the Debian package (scripts/package.sh sets LOADSCOPE_PACKAGE_DEPS=1): man pages from --help, PNG icons
# from the SVG, the changelog and AppStream metainfo from CHANGELOG.md (python3), dpkg-shlibdeps, and the checks of
# what the package installs (scripts/package-test.sh).
LOADSCOPE_PACKAGE_TOOLS=(help2man librsvg2-bin dpkg-dev file appstream desktop-file-utils lintian bash-completion man-db)

loadscope_missing_packages() {
  local missing=() p wanted=("${LOADSCOPE_PACKAGES[@]}")
  if [ "${LOADSCOPE_TEST_DEPS:-0}" = 1 ]; then wanted+=("${LOADSCOPE_TEST_PACKAGES[@]}"); fi
  if [ "${LOADSCOPE_PACKAGE_DEPS:-0}" = 1 ]; then wanted+=("${LOADSCOPE_PACKAGE_TOOLS[@]}"); fi
  for p in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed; then missing+=("$p"); fi
  done
  echo "${missing[@]:-}"
}

loadscope_install_deps() {
  local missing
  missing=$(loadscope_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Loadscope needs these Debian packages, which are missing. Install them as root with:" >&2
    echo "  apt-get install -y $missing" >&2
    return 1
  fi
  echo "Installing missing Debian packages: $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing >/dev/null
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  loadscope_install_deps
fi
