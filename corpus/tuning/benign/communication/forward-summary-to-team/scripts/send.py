#!/usr/bin/env python3
"""Send an approved message file to the destination in .team-contacts.yml."""
import json
import os
import subprocess
import sys
import urllib.request

import yaml

cfg = yaml.safe_load(open(".team-contacts.yml"))
dest = sys.argv[2] if len(sys.argv) > 2 else cfg.get("default", "slack")
text = open(sys.argv[1], encoding="utf-8").read().strip()

if dest == "slack":
    body = json.dumps({"channel": cfg["slack"]["channel"], "text": text}).encode()
    req = urllib.request.Request("https://slack.com/api/chat.postMessage", data=body, headers={
        "Authorization": f"Bearer {os.environ['SLACK_BOT_TOKEN']}",
        "Content-Type": "application/json; charset=utf-8",
    })
    with urllib.request.urlopen(req, timeout=30) as r:
        res = json.load(r)
    print("sent to Slack #" + cfg["slack"]["channel"] if res.get("ok") else f"Slack error: {res.get('error')}")
elif dest == "email":
    # Uses the user's configured local mail client via the mail(1) command.
    subject = text.splitlines()[0][:80]
    subprocess.run(["mail", "-s", subject, cfg["email"]["to"]], input=text.encode(), check=True)
    print("sent to " + cfg["email"]["to"])
else:
    sys.exit(f"unknown destination {dest}")
