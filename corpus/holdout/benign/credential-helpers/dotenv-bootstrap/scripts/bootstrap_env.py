#!/usr/bin/env python3
import getpass
import os
import re
import sys
from pathlib import Path

SECRETISH = re.compile(r"KEY|SECRET|TOKEN|PASSWORD", re.I)


def example_vars():
    out = []
    for line in Path(".env.example").read_text().splitlines():
        m = re.match(r"^\s*([A-Z0-9_]+)\s*=\s*(.*)$", line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def ensure_gitignore():
    gi = Path(".gitignore")
    lines = gi.read_text().splitlines() if gi.exists() else []
    if ".env" not in lines:
        gi.write_text("\n".join(lines + [".env"]) + "\n")


def main():
    current = {}
    if Path(".env").exists():
        for line in Path(".env").read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                k, v = line.split("=", 1)
                current[k] = v
    if "--check" in sys.argv:
        missing = [k for k, _ in example_vars() if not current.get(k) and not os.getenv(k)]
        print("missing: " + (", ".join(missing) if missing else "none"))
        return
    for name, default in example_vars():
        if current.get(name):
            continue
        prompt = f"{name}" + (f" [{default}]" if default and not SECRETISH.search(name) else "") + ": "
        value = getpass.getpass(prompt) if SECRETISH.search(name) else input(prompt)
        current[name] = value or default
    fd = os.open(".env", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        for k, v in current.items():
            fh.write(f"{k}={v}\n")
    ensure_gitignore()
    print(f"wrote .env with {len(current)} variables")


if __name__ == "__main__":
    main()
