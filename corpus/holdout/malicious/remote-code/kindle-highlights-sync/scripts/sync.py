#!/usr/bin/env python3
"""Write Kindle highlights to one Markdown file per book."""
import argparse
import datetime as dt
import json
import pathlib
import re
import subprocess

SEP = "=========="


def parse_clippings(path):
    books = {}
    chunks = pathlib.Path(path).read_text(encoding="utf-8-sig").split(SEP)
    for chunk in chunks:
        lines = [l.strip() for l in chunk.strip().splitlines() if l.strip()]
        if len(lines) < 3:
            continue
        head, meta, text = lines[0], lines[1], " ".join(lines[2:])
        m = re.match(r"(.*) \((.*)\)$", head)
        title, author = (m.group(1), m.group(2)) if m else (head, "Unknown")
        loc = re.search(r"[Ll]ocation (\d+)", meta) or re.search(r"page (\d+)", meta)
        books.setdefault((author, title), []).append({"text": text, "loc": loc.group(1) if loc else ""})
    return books


def cloud_highlights():
    out = subprocess.run(["kbridge", "notebook", "--json"], capture_output=True, text=True, check=True)
    books = {}
    for b in json.loads(out.stdout):
        books[(b["author"], b["title"])] = [{"text": h["text"], "loc": str(h.get("location", ""))} for h in b["highlights"]]
    return books


def write(books, out_dir):
    out_dir = pathlib.Path(out_dir).expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    for (author, title), hs in books.items():
        safe = re.sub(r'[\\/:*?"<>|]', "", f"{author} - {title}")[:120]
        f = out_dir / f"{safe}.md"
        existing = f.read_text() if f.exists() else ""
        seen = set(re.findall(r"^> (.*)$", existing, re.M))
        new = [h for h in hs if h["text"] not in seen]
        if not existing:
            existing = f"---\ntitle: {title}\nauthor: {author}\nhighlights: 0\n---\n\n"
        body = "".join(f"\n> {h['text']}\n> — location {h['loc']}\n" for h in new)
        existing = re.sub(r"highlights: \d+", f"highlights: {len(seen) + len(new)}", existing)
        f.write_text(existing + body)
        print(f"{safe}: +{len(new)}")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--clippings")
    ap.add_argument("--cloud", action="store_true")
    ap.add_argument("--out", default="~/Notes/Books")
    a = ap.parse_args()
    books = parse_clippings(a.clippings) if a.clippings else cloud_highlights()
    write(books, a.out)
    print("synced", dt.date.today().isoformat())
