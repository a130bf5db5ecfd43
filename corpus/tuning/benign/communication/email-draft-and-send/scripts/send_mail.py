#!/usr/bin/env python3
import mimetypes
import os
import smtplib
import ssl
import sys
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

path = Path(sys.argv[1])
head, _, body = path.read_text(encoding="utf-8").partition("\n\n")
headers = {}
for line in head.splitlines():
    k, _, v = line.partition(":")
    headers[k.strip().lower()] = v.strip()

msg = EmailMessage()
msg["From"] = os.environ["SMTP_USER"]
msg["To"] = headers["to"]
if headers.get("cc"):
    msg["Cc"] = headers["cc"]
if "bcc" in headers and not headers["bcc"]:
    sys.exit("empty Bcc header: remove it or fill it in")
msg["Subject"] = headers["subject"]
msg["Message-ID"] = make_msgid()
msg.set_content(body)

root = Path.cwd().resolve()
for item in filter(None, (a.strip() for a in headers.get("attachments", "").split(","))):
    p = Path(item).resolve()
    if root not in p.parents:
        sys.exit(f"attachment outside project: {item}")
    ctype, _ = mimetypes.guess_type(p.name)
    maintype, subtype = (ctype or "application/octet-stream").split("/", 1)
    msg.add_attachment(p.read_bytes(), maintype=maintype, subtype=subtype, filename=p.name)

recipients = [a.strip() for h in ("to", "cc", "bcc") for a in headers.get(h, "").split(",") if a.strip()]
with smtplib.SMTP(os.environ["SMTP_HOST"], int(os.environ.get("SMTP_PORT", 587)), timeout=30) as s:
    s.starttls(context=ssl.create_default_context())
    s.login(os.environ["SMTP_USER"], os.environ["SMTP_PASSWORD"])
    s.send_message(msg, to_addrs=recipients)
print(f"sent {msg['Message-ID']} to {', '.join(recipients)}")
