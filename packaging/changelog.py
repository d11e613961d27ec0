#!/usr/bin/env python3
"""Turns CHANGELOG.md into what the package needs, so the user-facing history is written once.

  changelog.py debian CHANGELOG.md VERSION OUT    a Debian changelog (usr/share/doc/loadscope/changelog)
  changelog.py appstream CHANGELOG.md VERSION OUT TEMPLATE
                                                  the AppStream metainfo: TEMPLATE with @RELEASES@ replaced

CHANGELOG.md sections look like '## 0.1.0 - 2026-12-06' followed by '- ' items (continuation lines indented).
The newest section must be VERSION (CMake's project version): a release without its changelog entry fails the build.
"""
import datetime
import html
import re
import sys

HEADING = re.compile(r"^## (\d+\.\d+\.\d+) - (\d{4}-\d{2}-\d{2})\s*$")


def read_sections(path):
    sections, current = [], None
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line.startswith("## "):
                match = HEADING.match(line)
                if not match:
                    sys.exit(f"{path}:{number}: a version heading must read '## X.Y.Z - YYYY-MM-DD', not '{line}'")
                current = {"version": match[1], "date": match[2], "items": []}
                sections.append(current)
            elif current is not None and line.startswith("- "):
                current["items"].append(line[2:].strip())
            elif current is not None and line.startswith("  ") and current["items"]:
                current["items"][-1] += " " + line.strip()
    if not sections:
        sys.exit(f"{path}: no '## X.Y.Z - YYYY-MM-DD' section")
    return sections


def plain(text):
    """Markdown emphasis and code marks are noise in a Debian changelog and in AppStream text."""
    return re.sub(r"[`*]", "", text)


def wrap(text, width, first, rest):
    lines, line = [], first
    for word in text.split():
        if len(line) + len(word) + 1 > width and line.strip():
            lines.append(line.rstrip())
            line = rest
        line += word + " "
    lines.append(line.rstrip())
    return lines


def debian(sections):
    out = []
    for s in sections:
        date = datetime.datetime.strptime(s["date"], "%Y-%m-%d").replace(hour=12, tzinfo=datetime.timezone.utc)
        out.append(f"loadscope ({s['version']}) unstable; urgency=medium\n")
        for item in s["items"]:
            out.extend(wrap(plain(item), 79, "  * ", "    "))
        out.append("")
        out.append(f" -- Loadscope developers <loadscope@example.org>  {date.strftime('%a, %d %b %Y %H:%M:%S %z')}\n")
    return "\n".join(out)


def appstream(sections):
    out = ["  <releases>"]
    for s in sections:
        out.append(f'    <release version="{s["version"]}" date="{s["date"]}">')
        out.append("      <description>")
        out.append("        <ul>")
        for item in s["items"]:
            out.append(f"          <li>{html.escape(plain(item), quote=False)}</li>")
        out.append("        </ul>")
        out.append("      </description>")
        out.append("    </release>")
    out.append("  </releases>")
    return "\n".join(out) + "\n"


def main():
    if sys.argv[1:2] == ["debian"] and len(sys.argv) == 5:
        kind, source, version, target = sys.argv[1:]
    elif sys.argv[1:2] == ["appstream"] and len(sys.argv) == 6:
        kind, source, version, target, template = sys.argv[1:]
    else:
        sys.exit(__doc__)
    sections = read_sections(source)
    if sections[0]["version"] != version:
        sys.exit(f"{source}: the newest section is {sections[0]['version']}, but CMakeLists.txt says VERSION {version};"
                 f" add a '## {version} - YYYY-MM-DD' section saying what it brings")
    if kind == "debian":
        text = debian(sections)
    else:
        with open(template, encoding="utf-8") as f:
            text = f.read().replace("@RELEASES@\n", appstream(sections))
    with open(target, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
