#!/bin/sh
# man-page.sh EXECUTABLE VERSION OUT.1.gz: the man page of a Loadscope executable, from its own --help (help2man), so
# the page says what the program says. For `loadscope` a COMMANDS section holds `loadscope CMD --help` of every
# command its --help lists (CLI11's "SUBCOMMANDS:" block), so a new command is documented without editing anything.
set -eu
exe=$1 version=$2 out=$3
name=$(basename "$exe")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

case $name in
  loadscope) summary="benchmark HTTP servers: latency against load (desktop app and command line)" ;;
  loadscope-loadgen) summary="open-loop, constant-rate HTTP load generator of Loadscope" ;;
  loadscope-refserver) summary="reference HTTP server of Loadscope (answers after a fixed delay)" ;;
  *) summary="part of Loadscope" ;;
esac

# Roff: a backslash is written \e, and a line may not start with a dot or an apostrophe.
roff_verbatim() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

commands=$("$exe" --help | awk 'tolower($0) ~ /^subcommands:/ {in_list = 1; next}
                                in_list && /^  [a-z]/ {print $1; next}
                                in_list && !/^ / {in_list = 0}')
: >"$work/include"
if [ -n "$commands" ]; then
  echo "[COMMANDS]" >>"$work/include"
  for command in $commands; do
    {
      printf '.SS "%s %s"\n.nf\n' "$name" "$command"
      "$exe" "$command" --help | roff_verbatim
      printf '.fi\n'
    } >>"$work/include"
  done
fi
cat >>"$work/include" <<'ROFF'
[SEE ALSO]
.BR loadscope (1),
.BR loadscope-loadgen (1),
.BR loadscope-refserver (1).
The guides are in the docs/ folder of Loadscope's sources; /usr/share/doc/loadscope/changelog.gz says what each
version brings.
ROFF

help2man --no-info --no-discard-stderr --version-string="$version" --name="$summary" --include="$work/include" \
  --output="$work/$name.1" "$exe"
gzip -9n <"$work/$name.1" >"$out"
