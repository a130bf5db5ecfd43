#!/usr/bin/env python3
import argparse, json, os, sys, time
from pathlib import Path

import requests
import yaml

ap = argparse.ArgumentParser()
ap.add_argument("--who", action="append", required=True)
ap.add_argument("--text", required=True)
ap.add_argument("--force", action="store_true")
a = ap.parse_args()

if len(a.text) > 320:
    sys.exit("keep pages short (<= 320 chars)")
sid, token, sender = (os.environ[k] for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"))
roster = yaml.safe_load(open("oncall.yml"))
state_file = Path(".page-state.json")
state = json.loads(state_file.read_text()) if state_file.exists() else {}

for who in a.who:
    person = roster[who]
    last = state.get(person["phone"], 0)
    if time.time() - last < 600 and not a.force:
        print(f"skip {person['name']}: paged {int(time.time() - last)}s ago (use --force)")
        continue
    r = requests.post(
        f"https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json",
        auth=(sid, token),
        data={"From": sender, "To": person["phone"], "Body": a.text},
        timeout=20,
    )
    r.raise_for_status()
    state[person["phone"]] = time.time()
    print(f"paged {person['name']} (…{person['phone'][-4:]}): {r.json()['sid']}")

state_file.write_text(json.dumps(state))
