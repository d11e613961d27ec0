#!/usr/bin/env bash
# The Debian package as a user gets it: builds it (scripts/package.sh), installs it with apt-get, checks from a folder
# outside the source tree that the installed programs work (versions, targets, a short headless run against the
# installed refserver, man pages, bash completion, desktop metadata), then purges it and checks that nothing of it is
# left but the user's data. Needs root and a machine without the package installed. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
source=$PWD
if dpkg-query -W -f='${db:Status-Status}' loadscope 2>/dev/null | grep -qx installed; then
  echo "package-test: loadscope is installed already; this test installs and purges it (apt-get remove --purge loadscope)" >&2
  exit 1
fi

scripts/package.sh
deb=$(realpath build/release/package/loadscope_*.deb)
version=$(dpkg-deb -f "$deb" Version)

work=$(mktemp -d /tmp/loadscope-package-test.XXXXXX)
cleanup() {
  if dpkg-query -W -f='${db:Status-Status}' loadscope 2>/dev/null | grep -qx installed; then
    apt-get remove --purge -y -q loadscope >/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
cp "$deb" "$work/"
cd "$work"
export HOME=$work/home XDG_DATA_HOME="" DEBIAN_FRONTEND=noninteractive
mkdir -p "$HOME"
unset DISPLAY WAYLAND_DISPLAY QT_QPA_PLATFORM LOADSCOPE_RESOURCES LOADSCOPE_BIN_DIR

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok:   $*"; }

echo "== install $(basename "$deb")"
apt-get install -y -q "./$(basename "$deb")" >"$work/apt-install.log" 2>&1 || { cat "$work/apt-install.log"; exit 1; }
[ "$(command -v loadscope)" = /usr/bin/loadscope ] && pass "loadscope is /usr/bin/loadscope" || fail "loadscope on PATH: $(command -v loadscope)"

for exe in loadscope loadscope-loadgen loadscope-refserver; do
  out=$("$exe" --version 2>&1) || true
  [[ $out == *"$version"* ]] && pass "$exe --version: $out" || fail "$exe --version says '$out', the package is $version"
  page=$(man -w "$exe" 2>/dev/null) && pass "man -w $exe: $page" || fail "man -w $exe finds no page"
  [ -n "${page:-}" ] && zcat "$page" | grep -q "$version" && pass "$exe's man page names $version" ||
    fail "$exe's man page does not name $version"
  [ -f "/usr/share/bash-completion/completions/$exe" ] && pass "bash completion for $exe" ||
    fail "no /usr/share/bash-completion/completions/$exe"
done

targets=$(loadscope targets 2>&1) || true
if awk '$1 == "refserver" && /ok/ {found = 1} END {exit !found}' <<<"$targets"; then
  pass "loadscope targets lists refserver with its preflight ok"
else
  fail "loadscope targets: $targets"
fi

echo "== a short headless run against the installed refserver"
if timeout 300 loadscope run --targets refserver --sweep --rates 50,100 --duration 2s --warmup 1s --cooldown 0s \
  --repeat 1 --name package-test -q >"$work/run.log" 2>&1; then
  pass "loadscope run (refserver, 50 and 100 req/s)"
else
  cat "$work/run.log" >&2
  fail "loadscope run against the installed refserver"
fi
database=$HOME/.local/share/loadscope/runs.sqlite
listed=$(loadscope list 2>&1) || true
awk '$1 ~ /^[0-9]+$/ && /package-test/ && /completed/ {found = 1} END {exit !found}' <<<"$listed" &&
  pass "loadscope list shows the completed run" || fail "loadscope list: $listed"

echo "== bash completion (the installed file, as bash-completion loads it)"
complete_words() { # complete_words WORD... : what <TAB> after these words offers
  bash -c 'source /usr/share/bash-completion/bash_completion
           source /usr/share/bash-completion/completions/loadscope
           COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
           _loadscope loadscope "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
           printf "%s\n" "${COMPREPLY[@]}"' completion "$@"
}
expect_completion() { # expect_completion WANTED WORD...
  local wanted=$1; shift
  local offered
  offered=$(complete_words "$@" | tr '\n' ' ')
  [[ " $offered " == *" $wanted "* ]] && pass "completion of '$*' offers $wanted" ||
    fail "completion of '$*' offers '$offered', not $wanted"
}
expect_completion run loadscope ru
expect_completion targets loadscope ""
expect_completion --preset loadscope run --pre
expect_completion quick loadscope run --preset ""
expect_completion refserver loadscope run --targets ""
expect_completion 1 loadscope show ""
expect_completion --rate loadscope-loadgen --ra

echo "== desktop metadata"
desktop-file-validate /usr/share/applications/loadscope.desktop && pass "desktop-file-validate" ||
  fail "desktop-file-validate /usr/share/applications/loadscope.desktop"
appstreamcli validate --no-net /usr/share/metainfo/io.github.loadscope.Loadscope.metainfo.xml >/dev/null &&
  pass "appstreamcli validate" || fail "appstreamcli validate of the installed metainfo"
for size in 16x16 48x48 256x256 scalable; do
  ls /usr/share/icons/hicolor/$size/apps/loadscope.* >/dev/null 2>&1 && pass "icon $size" || fail "no $size icon"
done

echo "== purge"
dpkg -L loadscope >"$work/files"
apt-get remove --purge -y -q loadscope >"$work/apt-remove.log" 2>&1 || { cat "$work/apt-remove.log"; exit 1; }
dpkg-query -W -f='${db:Status-Status}' loadscope 2>/dev/null | grep -q . &&
  fail "dpkg still knows loadscope: $(dpkg-query -W -f='${db:Status-Status}' loadscope)" || pass "dpkg forgot loadscope"
left=()
while read -r path; do
  # Folders shared with other packages (/usr, /usr/share/man/man1 ...) stay; our own files and folders must not.
  if [ -f "$path" ] || [ -L "$path" ]; then left+=("$path"); fi
  if [ -d "$path" ] && [[ $path == */loadscope || $path == */loadscope/* ]]; then left+=("$path"); fi
done <"$work/files"
[ ${#left[@]} = 0 ] && pass "nothing of the package is left" || fail "left after purge: ${left[*]}"
[ -s "$database" ] && pass "the user's database is kept ($database)" || fail "the user's database is gone: $database"

cd "$source"
if [ "$failures" = 0 ]; then
  echo "package-test: all checks passed ($(basename "$deb"), $(du -k "$deb" | cut -f1) KiB)"
else
  echo "package-test: $failures check(s) failed" >&2
  exit 1
fi
