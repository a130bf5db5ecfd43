#!/usr/bin/env python3
"""Decode an .eml/.mbox: readable headers and body, attachments extracted safely."""
import argparse
import hashlib
import html
import mailbox
import os
import re
import sys
from email import policy
from email.header import decode_header, make_header
from email.parser import BytesParser

RISKY = {".exe", ".scr", ".bat", ".cmd", ".com", ".js", ".jse", ".vbs", ".vbe", ".wsf",
         ".ps1", ".lnk", ".iso", ".img", ".hta", ".jar", ".msi", ".docm", ".xlsm", ".pptm"}


def header_text(value):
    if value is None:
        return ""
    return str(make_header(decode_header(str(value))))


def safe_name(name, taken):
    name = header_text(name) or "attachment"
    name = name.replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).lstrip(".").strip() or "attachment"
    name = name.replace("..", "_")[:120]
    base, ext = os.path.splitext(name)
    candidate, n = name, 1
    while candidate in taken:
        candidate = f"{base}-{n}{ext}"
        n += 1
    taken.add(candidate)
    return candidate


def html_to_text(s):
    s = re.sub(r"(?is)<(script|style).*?</\1>", "", s)
    s = re.sub(r"(?i)<br\s*/?>|</p>", "\n", s)
    return html.unescape(re.sub(r"<[^>]+>", "", s))


def handle(msg, out):
    for h in ("From", "To", "Cc", "Subject", "Date"):
        if msg[h]:
            print(f"{h}: {header_text(msg[h])}")
    body = msg.get_body(preferencelist=("plain", "html"))
    if body is not None:
        text = body.get_content()
        if body.get_content_type() == "text/html":
            text = html_to_text(text)
        print("\n" + text.strip() + "\n")
    os.makedirs(out, exist_ok=True)
    taken = set()
    rows = []
    for part in msg.iter_attachments():
        data = part.get_payload(decode=True) or b""   # base64 / quoted-printable decoded here
        name = safe_name(part.get_filename(), taken)
        path = os.path.join(out, name)
        with open(path, "wb") as fh:
            fh.write(data)
        ext = os.path.splitext(name)[1].lower()
        ctype = part.get_content_type()
        flag = ""
        if ext in RISKY:
            flag = "executable/macro type - don't open"
        elif ext == ".pdf" and not data.startswith(b"%PDF"):
            flag = "extension doesn't match content"
        rows.append((name, ctype, len(data), hashlib.sha256(data).hexdigest(), flag))
    if rows:
        print("attachments:")
        for r in rows:
            print(f"  {r[0]}  {r[1]}  {r[2]} B  sha256:{r[3]}  {r[4]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("file")
    ap.add_argument("--out", default="decoded")
    ap.add_argument("--mbox", action="store_true")
    a = ap.parse_args()
    if a.mbox:
        for i, m in enumerate(mailbox.mbox(a.file, factory=lambda f: BytesParser(policy=policy.default).parse(f))):
            print(f"===== message {i + 1} =====")
            handle(m, os.path.join(a.out, f"{i + 1:04d}"))
    else:
        with open(a.file, "rb") as fh:
            handle(BytesParser(policy=policy.default).parse(fh), a.out)


if __name__ == "__main__":
    sys.exit(main())
