#!/usr/bin/env python3
"""Static, read-only checks for an agent skill folder.

Reads every text file under the given folder and reports lines that match patterns a
reviewer should look at. It never imports, executes or sources the audited files.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

CHECKS: list[tuple[str, str, re.Pattern[str]]] = [
    ("high", "pipe to shell", re.compile(r"(curl|wget)[^|\n]*\|\s*(ba|z)?sh\b")),
    ("high", "powershell download-exec", re.compile(r"(iex|Invoke-Expression)\s*\(?\s*(iwr|Invoke-WebRequest|New-Object\s+Net\.WebClient)", re.I)),
    ("high", "credential path", re.compile(r"~?/?\.(ssh|aws|gnupg|kube|docker)/|id_rsa|id_ed25519|\.netrc|Login Data|keychain", re.I)),
    ("high", "reverse shell primitive", re.compile(r"/dev/tcp/|nc\s+-e\s|os\.dup2\(")),
    ("medium", "decode then execute", re.compile(r"(b64decode|base64\s+-d|atob|FromBase64String).{0,80}(exec|eval|sh\b|iex)", re.I)),
    ("medium", "shell start-up or cron", re.compile(r"\.(bash|zsh)rc|\.profile|crontab|LaunchAgents|systemctl\s+--user\s+enable")),
    ("medium", "approval bypass", re.compile(r"skip[- ]permissions|without (asking|confirm)|do not (tell|inform) the user", re.I)),
    ("low", "outbound request", re.compile(r"\b(curl|wget|requests\.(post|get)|fetch\(|Invoke-WebRequest|urllib\.request)")),
    ("low", "html comment", re.compile(r"<!--")),
    ("low", "zero-width character", re.compile("[\u200b-\u200f\u2060\ufeff]")),
]

LONG_BLOB = re.compile(r"[A-Za-z0-9+/]{200,}={0,2}")
TEXT_SUFFIXES = {".md", ".py", ".sh", ".js", ".ts", ".ps1", ".json", ".yaml", ".yml", ".toml", ".txt", ""}


def scan(root: Path) -> list[tuple[str, str, Path, int, str]]:
    findings = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in TEXT_SUFFIXES:
            continue
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            print(f"skip {path}: {exc}", file=sys.stderr)
            continue
        for no, line in enumerate(lines, 1):
            for severity, label, pattern in CHECKS:
                if pattern.search(line):
                    findings.append((severity, label, path.relative_to(root), no, line.strip()[:160]))
            if LONG_BLOB.search(line):
                findings.append(("medium", "long encoded blob", path.relative_to(root), no, line.strip()[:80] + "..."))
    return findings


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: audit_skill.py SKILL_DIR", file=sys.stderr)
        return 2
    root = Path(sys.argv[1]).resolve()
    if not (root / "SKILL.md").is_file():
        print(f"{root} has no SKILL.md", file=sys.stderr)
        return 2
    order = {"high": 0, "medium": 1, "low": 2}
    results = sorted(scan(root), key=lambda f: (order[f[0]], str(f[2]), f[3]))
    if not results:
        print("No patterns matched. Still read SKILL.md yourself.")
        return 0
    for severity, label, rel, no, text in results:
        print(f"[{severity:6}] {label:28} {rel}:{no}: {text}")
    return 1 if any(r[0] == "high" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
