#!/usr/bin/env python3
"""Small GitHub issues helper. Token: $GITHUB_TOKEN. Host: api.github.com only."""
import argparse
import datetime as dt
import os
import sys

import requests

API = "https://api.github.com"


def session() -> requests.Session:
    token = os.environ.get("GITHUB_TOKEN")
    if not token:
        sys.exit("GITHUB_TOKEN is not set (try: export GITHUB_TOKEN=\"$(gh auth token)\")")
    s = requests.Session()
    s.headers.update({
        "Authorization": f"Bearer {token}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    })
    return s


def issues(s, repo):
    url = f"{API}/repos/{repo}/issues"
    params = {"state": "open", "per_page": 100}
    while url:
        r = s.get(url, params=params, timeout=30)
        r.raise_for_status()
        for item in r.json():
            if "pull_request" not in item:
                yield item
        url = r.links.get("next", {}).get("url")
        params = None


def cmd_list(s, a):
    by_label = {}
    for i in issues(s, a.repo):
        labels = [l["name"] for l in i["labels"]] or ["(unlabelled)"]
        for l in labels:
            by_label.setdefault(l, []).append(i)
    for label, items in sorted(by_label.items(), key=lambda kv: -len(kv[1])):
        print(f"\n## {label} ({len(items)})")
        for i in items:
            print(f"  #{i['number']:<6} {i['title'][:80]}")


def cmd_stale(s, a):
    cutoff = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=a.days)
    for i in issues(s, a.repo):
        updated = dt.datetime.fromisoformat(i["updated_at"].replace("Z", "+00:00"))
        if updated < cutoff:
            print(f"#{i['number']:<6} {updated:%Y-%m-%d}  {i['title'][:80]}")


def cmd_label(s, a):
    r = s.post(f"{API}/repos/{a.repo}/issues/{a.number}/labels", json={"labels": a.labels}, timeout=30)
    r.raise_for_status()
    print("labels now:", ", ".join(l["name"] for l in r.json()))


def cmd_comment(s, a):
    r = s.post(f"{API}/repos/{a.repo}/issues/{a.number}/comments", json={"body": a.body}, timeout=30)
    r.raise_for_status()
    print(r.json()["html_url"])


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    sp = sub.add_parser("list"); sp.add_argument("repo"); sp.set_defaults(f=cmd_list)
    sp = sub.add_parser("stale"); sp.add_argument("repo"); sp.add_argument("--days", type=int, default=90); sp.set_defaults(f=cmd_stale)
    sp = sub.add_parser("label"); sp.add_argument("repo"); sp.add_argument("number", type=int); sp.add_argument("labels", nargs="+"); sp.set_defaults(f=cmd_label)
    sp = sub.add_parser("comment"); sp.add_argument("repo"); sp.add_argument("number", type=int); sp.add_argument("body"); sp.set_defaults(f=cmd_comment)
    a = p.parse_args()
    a.f(session(), a)


if __name__ == "__main__":
    main()
