#!/usr/bin/env python3
import argparse
import re
import sys
import unicodedata
from pathlib import Path

CLASSES = {
    "zero-width": re.compile("[\u200b\u200c\u200d\u2060]"),
    "bom": re.compile("\ufeff"),
    "nbsp": re.compile("[\u00a0\u202f]"),
    "smart-quotes": re.compile("[\u2018\u2019\u201c\u201d]"),
    "bidi": re.compile("[\u202a-\u202e\u2066-\u2069]"),
}
FIXES = {"zero-width": "", "bom": "", "nbsp": " ", "smart-quotes": None}
CODE_EXT = {".py", ".js", ".ts", ".tsx", ".go", ".rs", ".java", ".rb", ".sh", ".json", ".yaml", ".yml", ".toml"}
TEXT_EXT = CODE_EXT | {".md", ".txt", ".html", ".css"}
TOKEN = re.compile(r"\w+")


def script_of(ch):
    name = unicodedata.name(ch, "")
    for s in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(s):
            return s
    return None


def scan_file(path: Path):
    text = path.read_text(encoding="utf-8")
    for no, line in enumerate(text.splitlines(), 1):
        for cls, rx in CLASSES.items():
            if cls == "smart-quotes" and path.suffix not in CODE_EXT:
                continue
            for m in rx.finditer(line):
                ch = m.group()
                yield no, m.start() + 1, cls, f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}"
        for tok in TOKEN.finditer(line):
            scripts = {script_of(c) for c in tok.group()} - {None}
            if "LATIN" in scripts and len(scripts) > 1:
                odd = [c for c in tok.group() if script_of(c) not in (None, "LATIN")]
                yield no, tok.start() + 1, "confusable", f"{tok.group()!r} mixes scripts: " + ", ".join(f"U+{ord(c):04X} {unicodedata.name(c)}" for c in odd)


def fix_file(path: Path, classes):
    text = path.read_text(encoding="utf-8")
    new = text
    for cls in classes:
        if cls == "smart-quotes":
            if path.suffix in CODE_EXT:
                new = new.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})
        else:
            new = CLASSES[cls].sub(FIXES[cls], new)
    new = unicodedata.normalize("NFC", new)
    if new != text:
        path.write_text(new, encoding="utf-8")
        return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--fix", default="")
    a = ap.parse_args()
    fix = [c for c in a.fix.split(",") if c]
    bad = [c for c in fix if c not in FIXES]
    if bad:
        sys.exit(f"not auto-fixable: {bad} (bidi and confusable need a human decision)")
    files = [f for p in a.paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file() and f.suffix in TEXT_EXT]
    count = 0
    for f in files:
        try:
            for no, col, cls, desc in scan_file(f):
                print(f"{f}:{no}:{col} [{cls}] {desc}")
                count += 1
            if fix and fix_file(f, fix):
                print(f"fixed {f}")
        except UnicodeDecodeError:
            continue
    print(f"{count} finding(s)", file=sys.stderr)


if __name__ == "__main__":
    main()
