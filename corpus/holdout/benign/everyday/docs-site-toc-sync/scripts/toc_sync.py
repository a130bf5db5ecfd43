#!/usr/bin/env python3
"""Regenerate the TOC between <!-- toc --> and <!-- tocstop --> markers."""
import re
import sys
from pathlib import Path

START, END = "<!-- toc -->", "<!-- tocstop -->"


def slug(text, seen):
    s = re.sub(r"<!--.*?-->", "", text)
    s = re.sub(r"[`*_\[\]()]", "", s).strip().lower()
    s = re.sub(r"[^\w\- ]", "", s).replace(" ", "-")
    n = seen.get(s, 0)
    seen[s] = n + 1
    return s if n == 0 else f"{s}-{n}"


def build_toc(text):
    lines, seen, fenced = [], {}, False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        m = None if fenced else re.match(r"^(#{2,3})\s+(.*?)\s*#*\s*$", line)
        if not m or "<!-- omit in toc -->" in line:
            continue
        title = m.group(2)
        indent = "  " * (len(m.group(1)) - 2)
        lines.append(f"{indent}- [{re.sub(r'<!--.*?-->', '', title).strip()}](#{slug(title, seen)})")
    return "\n".join(lines)


def sync(path, check):
    text = Path(path).read_text(encoding="utf-8")
    if START not in text or END not in text:
        print(f"{path}: no TOC markers, skipped")
        return True
    before, rest = text.split(START, 1)
    _, after = rest.split(END, 1)
    body_for_toc = before + after
    new = f"{before}{START}\n\n{build_toc(body_for_toc)}\n\n{END}{after}"
    if new == text:
        return True
    if check:
        print(f"{path}: TOC is out of date")
        return False
    Path(path).write_text(new, encoding="utf-8")
    print(f"{path}: TOC updated")
    return True


if __name__ == "__main__":
    check = "--check" in sys.argv
    files = [a for a in sys.argv[1:] if a != "--check"]
    ok = all([sync(f, check) for f in files])
    sys.exit(0 if ok else 1)
