#!/usr/bin/env python3
import argparse
import re
import sys
from pathlib import Path

KEY_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=")
CODE_REFS = [
    re.compile(r"os\.environ\[\s*['\"]([A-Z0-9_]+)['\"]"),
    re.compile(r"os\.(?:getenv|environ\.get)\(\s*['\"]([A-Z0-9_]+)['\"]"),
    re.compile(r"process\.env\.([A-Z0-9_]+)"),
    re.compile(r"process\.env\[['\"]([A-Z0-9_]+)['\"]\]"),
    re.compile(r"env::var\(\s*\"([A-Z0-9_]+)\""),
    re.compile(r"ENV\[['\"]([A-Z0-9_]+)['\"]\]"),
]
SRC_EXT = {".py", ".js", ".ts", ".tsx", ".mjs", ".rs", ".rb", ".go"}
SKIP = {"node_modules", ".git", ".venv", "dist", "build", "target"}


def keys_from_env(path: Path) -> list[str]:
    keys = []
    if path.exists():
        for line in path.read_text().splitlines():
            if m := KEY_LINE.match(line):
                keys.append(m.group(1))  # value intentionally not kept
    return keys


def keys_from_code(root: Path) -> set[str]:
    found = set()
    for p in root.rglob("*"):
        if p.suffix in SRC_EXT and not (set(p.parts) & SKIP):
            text = p.read_text(errors="ignore")
            for rx in CODE_REFS:
                found.update(rx.findall(text))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    root = Path(".")
    example = root / ".env.example"
    existing_lines = example.read_text().splitlines() if example.exists() else []
    existing = {m.group(1) for l in existing_lines if (m := KEY_LINE.match(l))}
    wanted = list(dict.fromkeys(keys_from_env(root / ".env") + sorted(keys_from_code(root))))
    missing = [k for k in wanted if k not in existing]
    if a.check:
        if missing:
            print("missing from .env.example:", ", ".join(missing))
            sys.exit(1)
        return
    out = existing_lines + ([""] if existing_lines and missing else []) + [f"{k}=" for k in missing]
    example.write_text("\n".join(out) + "\n")
    print(f"added {len(missing)} key(s) to .env.example: {', '.join(missing) or '-'}")


if __name__ == "__main__":
    main()
