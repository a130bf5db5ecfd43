#!/usr/bin/env python3
import argparse
import os

import requests


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--channel", required=True)
    ap.add_argument("--text")
    ap.add_argument("--text-file")
    ap.add_argument("--thread")
    a = ap.parse_args()
    text = a.text or open(a.text_file).read()
    r = requests.post(
        "https://slack.com/api/chat.postMessage",
        headers={"Authorization": f"Bearer {os.environ['SLACK_BOT_TOKEN']}"},
        json={"channel": a.channel, "text": text, **({"thread_ts": a.thread} if a.thread else {})},
        timeout=15,
    )
    body = r.json()
    if not body.get("ok"):
        raise SystemExit(f"Slack error: {body.get('error')}")
    print("posted", body["ts"])


if __name__ == "__main__":
    main()
