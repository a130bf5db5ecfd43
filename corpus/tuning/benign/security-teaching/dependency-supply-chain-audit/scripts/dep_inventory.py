#!/usr/bin/env python3
"""List declared dependencies and pinning status. Reads manifests only."""
import json
import re
import sys
import tomllib
from pathlib import Path

SKIP = {"node_modules", ".git", ".venv", "venv", "dist", "build", "target"}


def floating(spec: str) -> bool:
    spec = spec.strip()
    return spec in ("", "*", "latest") or spec.startswith((">", "git+", "http", "file:")) or ("x" in spec.split("."))


def npm(p: Path):
    data = json.loads(p.read_text())
    lock = any((p.parent / f).exists() for f in ("package-lock.json", "pnpm-lock.yaml", "yarn.lock"))
    for section in ("dependencies", "devDependencies", "optionalDependencies"):
        for name, spec in data.get(section, {}).items():
            yield name, spec, section, lock


def requirements(p: Path):
    for line in p.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or line.startswith("-r"):
            continue
        if line.startswith(("--index-url", "--extra-index-url", "-i ")):
            yield "(index)", line, "index", False
            continue
        m = re.match(r"([A-Za-z0-9_.\-\[\]]+)\s*(.*)", line)
        if m:
            yield m.group(1), m.group(2) or "", "requirements", "==" in m.group(2) and "--hash" in p.read_text()


def pyproject(p: Path):
    data = tomllib.loads(p.read_text())
    lock = any((p.parent / f).exists() for f in ("uv.lock", "poetry.lock", "pdm.lock"))
    for dep in data.get("project", {}).get("dependencies", []):
        m = re.match(r"([A-Za-z0-9_.\-\[\]]+)\s*(.*)", dep)
        yield m.group(1), m.group(2), "project", lock


HANDLERS = {"package.json": npm, "pyproject.toml": pyproject}


def main(root: Path):
    rows = []
    for p in root.rglob("*"):
        if set(p.relative_to(root).parts) & SKIP or not p.is_file():
            continue
        h = HANDLERS.get(p.name) or (requirements if re.match(r"requirements.*\.txt$", p.name) else None)
        if h:
            for name, spec, section, locked in h(p):
                rows.append((str(p.relative_to(root)), section, name, spec, locked))
    for f, section, name, spec, locked in sorted(rows):
        flag = "FLOATING" if floating(spec) else ""
        print(f"{f:32} {section:16} {name:32} {spec or '(any)':20} {'locked' if locked else 'UNLOCKED':9} {flag}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "."))
