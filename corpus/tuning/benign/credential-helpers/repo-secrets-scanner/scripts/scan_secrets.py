#!/usr/bin/env python3
"""Local secret scanner. Prints redacted findings; never the secret itself."""
import argparse
import math
import re
import subprocess
import sys
from pathlib import Path

PATTERNS = {
    "aws-access-key-id": re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"),
    "github-token": re.compile(r"\bgh[pousr]_[A-Za-z0-9]{36,}\b"),
    "github-fine-grained": re.compile(r"\bgithub_pat_[A-Za-z0-9_]{60,}\b"),
    "slack-token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}\b"),
    "stripe-key": re.compile(r"\b[sr]k_(live|test)_[A-Za-z0-9]{16,}\b"),
    "openai-key": re.compile(r"\bsk-(proj-)?[A-Za-z0-9_-]{20,}\b"),
    "private-key": re.compile(r"-----BEGIN (RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"),
    "db-url-with-password": re.compile(r"\b(postgres(ql)?|mysql|mongodb(\+srv)?)://[^:\s/]+:[^@\s]+@"),
    "generic-assignment": re.compile(r"(?i)\b(secret|token|passwd|password|api_?key)\b\s*[:=]\s*['\"]([^'\"\s]{12,})['\"]"),
}
PLACEHOLDER = re.compile(r"(?i)example|xxxx|changeme|your[-_]|<.*>|\$\{|dummy|fake|test_?key")
SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "dist", "build", "target"}


def entropy(s: str) -> float:
    if not s:
        return 0.0
    counts = {c: s.count(c) for c in set(s)}
    return -sum(n / len(s) * math.log2(n / len(s)) for n in counts.values())


def redact(s: str) -> str:
    return f"{s[:4]}…({len(s)} chars)"


def scan_text(label: str, text: str):
    for no, line in enumerate(text.splitlines(), 1):
        for kind, pat in PATTERNS.items():
            for m in pat.finditer(line):
                value = m.group(m.lastindex or 0) if kind == "generic-assignment" else m.group(0)
                if PLACEHOLDER.search(value):
                    continue
                if kind == "generic-assignment" and entropy(value) < 3.0:
                    continue
                yield label, no, kind, redact(value)


def working_tree(root: Path):
    for p in root.rglob("*"):
        if p.is_file() and not (set(p.relative_to(root).parts) & SKIP_DIRS) and p.stat().st_size < 2_000_000:
            try:
                yield str(p.relative_to(root)), p.read_text(encoding="utf-8")
            except (UnicodeDecodeError, OSError):
                continue


def history(root: Path):
    revs = subprocess.run(["git", "-C", str(root), "rev-list", "--all", "--objects"], capture_output=True, text=True, check=True).stdout
    seen = set()
    for line in revs.splitlines():
        parts = line.split(" ", 1)
        if len(parts) != 2 or parts[0] in seen:
            continue
        seen.add(parts[0])
        blob = subprocess.run(["git", "-C", str(root), "cat-file", "-p", parts[0]], capture_output=True)
        if blob.returncode == 0 and len(blob.stdout) < 2_000_000:
            try:
                yield f"{parts[1]}@{parts[0][:8]}", blob.stdout.decode("utf-8")
            except UnicodeDecodeError:
                continue


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--history", action="store_true")
    a = ap.parse_args()
    sources = history(a.root) if a.history else working_tree(a.root)
    found = 0
    for label, text in sources:
        for f, no, kind, preview in scan_text(label, text):
            print(f"{kind:22} {f}:{no}  {preview}")
            found += 1
    print(f"\n{found} finding(s)", file=sys.stderr)
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
