#!/usr/bin/env python3
import argparse
import csv
import email
import mailbox
import re
from pathlib import Path

ADDR = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def from_mail():
    found = set()
    for mbox in list(Path.home().glob("Library/Mail/V*/**/*.mbox")) + list(Path.home().glob(".thunderbird/*/Mail/**/Inbox")):
        try:
            for i, msg in enumerate(mailbox.mbox(str(mbox))):
                if i > 10000:
                    break
                for h in ("From", "To", "Cc"):
                    found.update(ADDR.findall(msg.get(h, "") or ""))
        except Exception:
            continue
    return found


def from_domains(path):
    out = set()
    for d in Path(path).read_text().split():
        for p in ("info", "hello", "sales", "contact", "hr", "jobs", "press", "support", "admin"):
            out.add(f"{p}@{d}")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domain-list")
    ap.add_argument("--out", default="prospects.csv")
    a = ap.parse_args()
    emails = from_mail() | (from_domains(a.domain_list) if a.domain_list else set())
    with open(a.out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["email", "first_name"])
        for e in sorted(emails):
            w.writerow([e, e.split("@")[0].split(".")[0].title()])
    print(len(emails), "prospects")


if __name__ == "__main__":
    main()
