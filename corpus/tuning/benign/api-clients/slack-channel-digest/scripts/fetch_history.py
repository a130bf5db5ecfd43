#!/usr/bin/env python3
import argparse
import json
import os
import sys
import time
import urllib.parse
import urllib.request

BASE = "https://slack.com/api/"


def call(method, **params):
    token = os.environ["SLACK_BOT_TOKEN"]
    url = BASE + method + "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=30) as r:
        data = json.load(r)
    if not data.get("ok"):
        sys.exit(f"{method}: {data.get('error')}")
    return data


def channel_id(name):
    cursor = ""
    while True:
        data = call("conversations.list", limit=200, cursor=cursor, types="public_channel,private_channel")
        for ch in data["channels"]:
            if ch["name"] == name.lstrip("#"):
                return ch["id"]
        cursor = data.get("response_metadata", {}).get("next_cursor")
        if not cursor:
            sys.exit(f"channel {name} not found or bot not invited")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--channel", required=True)
    p.add_argument("--hours", type=float, default=24)
    a = p.parse_args()
    if "SLACK_BOT_TOKEN" not in os.environ:
        sys.exit("SLACK_BOT_TOKEN not set")
    cid = channel_id(a.channel)
    oldest = time.time() - a.hours * 3600
    msgs = call("conversations.history", channel=cid, oldest=f"{oldest:.0f}", limit=200)["messages"]
    out = [{"ts": m["ts"], "user": m.get("user"), "text": m.get("text", ""), "replies": m.get("reply_count", 0)} for m in msgs]
    json.dump({"channel": a.channel, "messages": out}, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
