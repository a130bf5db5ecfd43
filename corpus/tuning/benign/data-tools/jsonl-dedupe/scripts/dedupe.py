#!/usr/bin/env python3
import argparse, hashlib, json, re, unicodedata

ap = argparse.ArgumentParser()
ap.add_argument("src"); ap.add_argument("dst")
g = ap.add_mutually_exclusive_group(required=True)
g.add_argument("--key"); g.add_argument("--field")
a = ap.parse_args()


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKC", s).lower()
    return re.sub(r"\s+", " ", s).strip()


seen, removed, kept = {}, [], 0
with open(a.src, encoding="utf-8") as fin, open(a.dst, "w", encoding="utf-8") as fout:
    for no, line in enumerate(fin, 1):
        if not line.strip():
            continue
        rec = json.loads(line)
        k = rec.get(a.key) if a.key else hashlib.sha1(norm(str(rec.get(a.field, ""))).encode()).hexdigest()
        if k in seen:
            removed.append(f"{no}\tduplicate of line {seen[k]}")
            continue
        seen[k] = no
        fout.write(json.dumps(rec, ensure_ascii=False) + "\n")
        kept += 1

with open(a.dst + ".removed.txt", "w") as fh:
    fh.write("\n".join(removed) + "\n")
print(f"kept {kept}, removed {len(removed)}")
