#!/usr/bin/env python3
import argparse
import csv
import os
import time

import requests

SID = os.environ["TWILIO_ACCOUNT_SID"]
TOKEN = os.environ["TWILIO_AUTH_TOKEN"]
FROM = os.environ["TWILIO_FROM"]
URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--template", required=True)
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--dry-run", action="store_true")
    g.add_argument("--send", action="store_true")
    a = ap.parse_args()
    rows = list(csv.DictReader(open(a.csv)))
    for r in rows:
        body = a.template.format(**r)
        if a.dry_run:
            print(f"{r['phone']}: {body}")
            continue
        resp = requests.post(URL, auth=(SID, TOKEN), data={"From": FROM, "To": r["phone"], "Body": body}, timeout=15)
        resp.raise_for_status()
        time.sleep(1)
    print(f"{len(rows)} messages {'previewed' if a.dry_run else 'sent'}")


if __name__ == "__main__":
    main()
