#!/usr/bin/env python3
import argparse, json, os, sys, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--channel", required=True)
ap.add_argument("--file", required=True)
ap.add_argument("--thread-ts")
a = ap.parse_args()

token = os.environ.get("SLACK_BOT_TOKEN") or sys.exit("SLACK_BOT_TOKEN not set")
text = open(a.file, encoding="utf-8").read().strip()
payload = {"channel": a.channel.lstrip("#"), "text": text, "unfurl_links": False}
if a.thread_ts:
    payload["thread_ts"] = a.thread_ts


def api(method, body):
    req = urllib.request.Request(
        f"https://slack.com/api/{method}",
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json; charset=utf-8"},
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        data = json.load(r)
    if not data.get("ok"):
        sys.exit(f"{method} failed: {data.get('error')}")
    return data


res = api("chat.postMessage", payload)
link = api("chat.getPermalink", {"channel": res["channel"], "message_ts": res["ts"]})
print(link["permalink"])
