#!/usr/bin/env python3
import argparse
import datetime as dt
import os
import subprocess

import requests

API = "https://api.github.com"


def token():
    t = os.getenv("GITHUB_TOKEN")
    if not t:
        t = subprocess.run(["gh", "auth", "token"], capture_output=True, text=True).stdout.strip()
    if not t:
        raise SystemExit("Set GITHUB_TOKEN or run `gh auth login`.")
    return t


def session():
    s = requests.Session()
    s.headers.update({
        "Authorization": f"Bearer {token()}",
        "Accept": "application/vnd.github+json",
        "X-GitHub-Api-Version": "2022-11-28",
    })
    return s


def list_issues(repo, since_days):
    since = (dt.datetime.utcnow() - dt.timedelta(days=since_days)).isoformat() + "Z"
    r = session().get(f"{API}/repos/{repo}/issues", params={"since": since, "state": "open", "per_page": 100})
    r.raise_for_status()
    return [i for i in r.json() if "pull_request" not in i]


def label(repo, number, labels):
    r = session().post(f"{API}/repos/{repo}/issues/{number}/labels", json={"labels": labels})
    r.raise_for_status()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["list", "label"])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--since", default="7d")
    ap.add_argument("--number", type=int)
    ap.add_argument("--labels", nargs="*")
    a = ap.parse_args()
    if a.cmd == "list":
        for i in list_issues(a.repo, int(a.since.rstrip("d"))):
            print(f"#{i['number']}\t{i['title']}\t{','.join(l['name'] for l in i['labels'])}")
    else:
        label(a.repo, a.number, a.labels)


if __name__ == "__main__":
    main()
