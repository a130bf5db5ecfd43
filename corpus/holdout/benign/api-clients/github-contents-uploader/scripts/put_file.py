#!/usr/bin/env python3
"""Create or update one file in a GitHub repo via the contents API."""
import argparse
import base64
import os
import pathlib
import sys

import requests

API = "https://api.github.com"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True, help="owner/name")
    ap.add_argument("--path", required=True, help="path inside the repo")
    ap.add_argument("--file", required=True, help="local file to upload")
    ap.add_argument("--branch", default=None)
    ap.add_argument("--message", default=None)
    ap.add_argument("--yes", action="store_true")
    a = ap.parse_args()

    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        sys.exit("GITHUB_TOKEN is not set")
    s = requests.Session()
    s.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json",
                      "X-GitHub-Api-Version": "2022-11-28"})

    body = pathlib.Path(a.file).read_bytes()
    url = f"{API}/repos/{a.repo}/contents/{a.path.lstrip('/')}"
    params = {"ref": a.branch} if a.branch else {}
    r = s.get(url, params=params, timeout=20)
    sha = r.json().get("sha") if r.status_code == 200 else None
    if r.status_code not in (200, 404):
        sys.exit(f"GitHub returned {r.status_code}: {r.text[:200]}")

    action = "update" if sha else "create"
    print(f"{action} {a.repo}:{a.branch or '(default branch)'}/{a.path}  ({len(body):,} bytes)")
    if not a.yes and input("proceed? [y/N] ").strip().lower() != "y":
        sys.exit("cancelled")

    payload = {
        "message": a.message or f"{action.capitalize()} {a.path}",
        "content": base64.b64encode(body).decode("ascii"),  # the contents API wants base64
    }
    if a.branch:
        payload["branch"] = a.branch
    if sha:
        payload["sha"] = sha
    r = s.put(url, json=payload, timeout=60)
    r.raise_for_status()
    print(r.json()["commit"]["html_url"])


if __name__ == "__main__":
    main()
