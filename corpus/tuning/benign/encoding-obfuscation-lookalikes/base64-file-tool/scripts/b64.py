#!/usr/bin/env python3
import argparse
import base64
import binascii
import sys
from pathlib import Path

MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"PK\x03\x04": "ZIP archive (also docx/xlsx/jar)",
    b"\x1f\x8b": "gzip data",
    b"\x7fELF": "ELF executable",
    b"MZ": "Windows executable",
    b"#!": "script with shebang",
    b"-----BEGIN": "PEM block",
}


def decode(data: bytes) -> bytes:
    s = b"".join(data.split())
    s += b"=" * (-len(s) % 4)
    try:
        return base64.b64decode(s, altchars=b"-_" if (b"-" in s or b"_" in s) else None, validate=True)
    except binascii.Error as exc:
        sys.exit(f"not valid base64: {exc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["encode", "decode", "inspect"])
    ap.add_argument("path", type=Path)
    ap.add_argument("-o", "--output", type=Path)
    ap.add_argument("--url-safe", action="store_true")
    a = ap.parse_args()
    raw = a.path.read_bytes()

    if a.mode == "encode":
        out = (base64.urlsafe_b64encode if a.url_safe else base64.b64encode)(raw)
        (a.output.write_bytes(out) if a.output else print(out.decode()))
        return
    data = decode(raw)
    if a.mode == "decode":
        if not a.output:
            sys.exit("decode needs -o OUTPUT (binary-safe)")
        a.output.write_bytes(data)
        print(f"wrote {len(data)} bytes to {a.output}")
        return
    kind = next((v for k, v in MAGIC.items() if data.startswith(k)), None)
    try:
        text = data.decode("utf-8")
        kind = kind or "UTF-8 text"
    except UnicodeDecodeError:
        text = None
        kind = kind or "binary data"
    print(f"{len(data)} bytes, {kind}")
    if text is not None:
        print("--- preview (first 40 lines) ---")
        print("\n".join(text.splitlines()[:40]))


if __name__ == "__main__":
    main()
