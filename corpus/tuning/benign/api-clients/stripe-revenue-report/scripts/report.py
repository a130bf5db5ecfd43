#!/usr/bin/env python3
import argparse, calendar, csv, datetime as dt, os, sys
from collections import Counter
from pathlib import Path

import requests

p = argparse.ArgumentParser()
p.add_argument("--month", required=True, help="YYYY-MM")
p.add_argument("--allow-secret-key", action="store_true")
a = p.parse_args()

key = os.environ.get("STRIPE_API_KEY", "")
if not key:
    sys.exit("STRIPE_API_KEY not set")
if key.startswith("sk_") and not a.allow_secret_key:
    sys.exit("Use a restricted read-only key (rk_...) for reporting.")

y, m = map(int, a.month.split("-"))
start = int(dt.datetime(y, m, 1, tzinfo=dt.timezone.utc).timestamp())
end = int(dt.datetime(y, m, calendar.monthrange(y, m)[1], 23, 59, 59, tzinfo=dt.timezone.utc).timestamp())

rows, params = [], {"limit": 100, "created[gte]": start, "created[lte]": end}
while True:
    r = requests.get("https://api.stripe.com/v1/invoices", params=params, auth=(key, ""), timeout=30)
    r.raise_for_status()
    body = r.json()
    rows += body["data"]
    if not body["has_more"]:
        break
    params["starting_after"] = body["data"][-1]["id"]

out = Path("reports") / f"stripe-{a.month}.csv"
out.parent.mkdir(exist_ok=True)
with out.open("w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "customer_email", "amount", "currency", "status"])
    for inv in rows:
        w.writerow([inv["id"], inv.get("customer_email"), inv["amount_paid"] / 100, inv["currency"], inv["status"]])

paid = [i for i in rows if i["status"] == "paid"]
failed = [i for i in rows if i["status"] in ("open", "uncollectible") and i.get("attempt_count", 0) > 0]
print(f"invoices: {len(rows)}  paid: {len(paid)}  failed: {len(failed)}")
print(f"gross: {sum(i['amount_paid'] for i in paid) / 100:.2f}")
top = Counter()
for i in paid:
    top[i["customer"]] += i["amount_paid"]
print("top customers (ids):", ", ".join(f"{c} {v/100:.0f}" for c, v in top.most_common(5)))
print(f"wrote {out}")
