#!/usr/bin/env python3
import re
import sys
from pathlib import Path

START, END = "<!-- toc -->", "<!-- tocstop -->"
HEADING = re.compile(r"^(#{2,4})\s+(.*?)\s*#*\s*$")


def anchor(text: str, seen: dict) -> str:
    a = re.sub(r"[^\w\- ]", "", text.lower()).strip().replace(" ", "-")
    n = seen.get(a, 0)
    seen[a] = n + 1
    return a if n == 0 else f"{a}-{n}"


def build(md: str) -> str:
    seen, lines, in_code = {}, [], False
    for line in md.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not (m := HEADING.match(line)):
            continue
        level, title = len(m.group(1)), re.sub(r"`|\*\*|\[(.*?)\]\(.*?\)", r"\1", m.group(2))
        lines.append(f"{'  ' * (level - 2)}- [{title}](#{anchor(title, seen)})")
    return "\n".join(lines)


def main():
    check = "--check" in sys.argv
    stale = False
    for f in (Path(a) for a in sys.argv[1:] if not a.startswith("--")):
        text = f.read_text(encoding="utf-8")
        if START not in text or END not in text:
            print(f"{f}: no toc markers, skipped")
            continue
        before, rest = text.split(START, 1)
        _, after = rest.split(END, 1)
        new = f"{before}{START}\n{build(after)}\n{END}{after}"
        if new != text:
            stale = True
            if not check:
                f.write_text(new, encoding="utf-8")
                print(f"{f}: updated")
            else:
                print(f"{f}: TOC is out of date")
    sys.exit(1 if check and stale else 0)


if __name__ == "__main__":
    main()
