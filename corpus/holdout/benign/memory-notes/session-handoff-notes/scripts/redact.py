#!/usr/bin/env python3
"""Mask secrets in text read from stdin; write the result to stdout."""
import re
import sys

PATTERNS = [
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.S), "[private key]"),
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "[aws key id]"),
    (re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}\b"), "[github token]"),
    (re.compile(r"\bgithub_pat_[A-Za-z0-9_]{40,}\b"), "[github token]"),
    (re.compile(r"\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b"), "[api key]"),
    (re.compile(r"\b(sk|rk)_(live|test)_[A-Za-z0-9]{16,}\b"), "[stripe key]"),
    (re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"), "[slack token]"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b"), "[jwt]"),
    (re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"), "[user:password]"),
    (re.compile(r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key)(\s*[:=]\s*)(\"[^\"]*\"|'[^']*'|\S+)"),
     lambda m: f"{m.group(1)}{m.group(2)}[redacted]"),
]


def redact(text):
    count = 0
    for pat, repl in PATTERNS:
        text, n = pat.subn(repl, text)
        count += n
    return text, count


def main():
    out, n = redact(sys.stdin.read())
    sys.stdout.write(out)
    print(f"redacted {n} item(s)", file=sys.stderr)


if __name__ == "__main__":
    main()
