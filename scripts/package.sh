#!/usr/bin/env bash
# Builds the Debian package from the release preset, from a fresh clone too:
#   build/release/package/loadscope_<version>_<arch>.deb
# then checks it with lintian (fails on errors; warnings are printed and explained in docs/packaging.md).
# The package's contents and settings are in cmake/LoadscopePackaging.cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
LOADSCOPE_PACKAGE_DEPS=1
source scripts/deps.sh
loadscope_install_deps

export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD} CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-1}
jobs=${LOADSCOPE_JOBS:-$(nproc 2>/dev/null || echo 2)}
cmake --preset release -DLOADSCOPE_PACKAGING=ON >/dev/null
cmake --build --preset release -j "$jobs"

rm -rf build/release/package
(cd build/release && cpack -G DEB >/dev/null)
debs=(build/release/package/loadscope_*.deb)
[ ${#debs[@]} = 1 ] && [ -f "${debs[0]}" ] || { echo "package.sh: cpack made no single package: ${debs[*]}" >&2; exit 1; }
deb=${debs[0]}

echo "== lintian $deb"
lintian --fail-on error --info "$deb"
echo "package: $deb ($(du -k "$deb" | cut -f1) KiB; installed $(dpkg-deb -f "$deb" Installed-Size) KiB)"
