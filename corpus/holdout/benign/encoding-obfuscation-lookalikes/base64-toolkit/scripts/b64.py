#!/usr/bin/env python3
import base64
import mimetypes
import sys
from pathlib import Path

MAGIC = [(b"\x89PNG", "PNG image"), (b"%PDF", "PDF document"), (b"PK\x03\x04", "ZIP archive"),
         (b"\x1f\x8b", "gzip data"), (b"\x7fELF", "ELF executable"), (b"#!", "script (text)")]


def detect(data):
    for sig, name in MAGIC:
        if data.startswith(sig):
            return name
    try:
        data.decode("utf-8")
        return "UTF-8 text"
    except UnicodeDecodeError:
        return "binary data"


def main():
    cmd, src, *rest = sys.argv[1:]
    if cmd == "encode":
        sys.stdout.write(base64.b64encode(Path(src).read_bytes()).decode() + "\n")
    elif cmd == "decode":
        raw = Path(src).read_text().strip()
        data = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_" if "-" in raw or "_" in raw else None)
        if "--detect" in rest:
            print("decoded:", detect(data), f"({len(data)} bytes)")
        if "--out" in rest:
            Path(rest[rest.index("--out") + 1]).write_bytes(data)
        elif detect(data).endswith("text)") or detect(data) == "UTF-8 text":
            print(data.decode())
    elif cmd == "datauri":
        mime = mimetypes.guess_type(src)[0] or "application/octet-stream"
        print(f"data:{mime};base64," + base64.b64encode(Path(src).read_bytes()).decode())


if __name__ == "__main__":
    main()
