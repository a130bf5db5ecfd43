#!/usr/bin/env python3
import re
import sys
import unicodedata

SKELETON = {"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "і": "i", "ѕ": "s",
            "ο": "o", "ν": "v", "Α": "A", "Β": "B", "Ε": "E", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M",
            "Ν": "N", "Ο": "O", "Ρ": "P", "Τ": "T", "Χ": "X"}
INVISIBLE = {0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF}
BIDI = set(range(0x202A, 0x202F)) | set(range(0x2066, 0x206A))


def script(ch):
    name = unicodedata.name(ch, "")
    for s in ("LATIN", "CYRILLIC", "GREEK"):
        if name.startswith(s):
            return s
    return None


def check(text, where="<string>"):
    for lineno, line in enumerate(text.splitlines(), 1):
        for ch in line:
            cp = ord(ch)
            if cp in INVISIBLE or 0xE0000 <= cp <= 0xE007F:
                print(f"{where}:{lineno}: invisible U+{cp:04X} {unicodedata.name(ch, '?')}")
            elif cp in BIDI:
                print(f"{where}:{lineno}: bidi control U+{cp:04X} {unicodedata.name(ch, '?')}")
        for token in re.findall(r"[\w.-]+", line):
            scripts = {script(c) for c in token if script(c)}
            if len(scripts) > 1:
                skel = "".join(SKELETON.get(c, c) for c in token)
                print(f"{where}:{lineno}: mixed-script token {token!r} → ASCII skeleton {skel!r}")


if __name__ == "__main__":
    if sys.argv[1] == "--string":
        check(sys.argv[2])
    else:
        for p in sys.argv[1:]:
            check(open(p, encoding="utf-8", errors="replace").read(), p)
