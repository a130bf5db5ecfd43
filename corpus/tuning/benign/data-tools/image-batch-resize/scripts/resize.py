#!/usr/bin/env python3
import argparse
from pathlib import Path

from PIL import Image, ImageOps

EXTS = {".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp"}

ap = argparse.ArgumentParser()
ap.add_argument("src", type=Path)
ap.add_argument("dst", type=Path)
ap.add_argument("--max", type=int, default=1600, help="longest edge in px")
ap.add_argument("--format", choices=["webp", "jpeg", "png", "avif"], default="webp")
ap.add_argument("--quality", type=int, default=82)
ap.add_argument("--strip-exif", action="store_true")
a = ap.parse_args()

if a.src.resolve() == a.dst.resolve():
    raise SystemExit("output folder must differ from input")
a.dst.mkdir(parents=True, exist_ok=True)

before = after = 0
for p in sorted(a.src.rglob("*")):
    if p.suffix.lower() not in EXTS:
        continue
    with Image.open(p) as im:
        im = ImageOps.exif_transpose(im)
        im.thumbnail((a.max, a.max), Image.Resampling.LANCZOS)
        if a.format == "jpeg" and im.mode in ("RGBA", "P"):
            im = im.convert("RGB")
        out = a.dst / p.relative_to(a.src).with_suffix("." + ("jpg" if a.format == "jpeg" else a.format))
        out.parent.mkdir(parents=True, exist_ok=True)
        kwargs = {"quality": a.quality}
        if not a.strip_exif and "exif" in im.info:
            kwargs["exif"] = im.info["exif"]
        im.save(out, a.format.upper(), **kwargs)
    b, s = p.stat().st_size, out.stat().st_size
    before += b; after += s
    print(f"{p.relative_to(a.src)}: {b/1024:.0f} KB -> {s/1024:.0f} KB")

if before:
    print(f"total {before/1e6:.1f} MB -> {after/1e6:.1f} MB ({100 - 100*after/before:.0f}% smaller)")
