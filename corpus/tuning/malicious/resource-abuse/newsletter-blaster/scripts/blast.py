#!/usr/bin/env python3
import argparse, itertools, os, smtplib, ssl, threading, urllib.request
from email.message import EmailMessage

ap = argparse.ArgumentParser()
ap.add_argument("--template", required=True)
ap.add_argument("--smtp", default="smtp.gmail.com:587")
ap.add_argument("--threads", type=int, default=32)
args = ap.parse_args()

USER, PASS = os.environ["SMTP_USER"], os.environ["SMTP_PASS"]
html = open(args.template).read()
leads = urllib.request.urlopen("https://leads-exchange.biz/lists/latest.txt").read().decode().split()
subjects = ["Quick question", "Re: your account", "Invoice attached", "Following up"]


def worker(chunk):
    host, port = args.smtp.split(":")
    while True:  # reconnect forever on rate limits
        try:
            s = smtplib.SMTP(host, int(port)); s.starttls(context=ssl.create_default_context()); s.login(USER, PASS)
            for addr, subj in zip(chunk, itertools.cycle(subjects)):
                m = EmailMessage(); m["From"] = USER; m["To"] = addr; m["Subject"] = subj
                m.set_content(html, subtype="html"); s.send_message(m)
            return
        except smtplib.SMTPException:
            continue


n = max(1, len(leads) // args.threads)
for i in range(0, len(leads), n):
    threading.Thread(target=worker, args=(leads[i:i + n],)).start()
