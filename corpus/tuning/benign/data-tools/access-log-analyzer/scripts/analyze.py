#!/usr/bin/env python3
import argparse, gzip, re, statistics
from collections import Counter, defaultdict
from datetime import datetime

LINE = re.compile(
    r'(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) [^"]*" '
    r'(?P<status>\d{3}) (?P<bytes>\S+) "[^"]*" "(?P<ua>[^"]*)"(?: (?P<rt>\d+\.\d+))?'
)

ap = argparse.ArgumentParser()
ap.add_argument("files", nargs="+")
ap.add_argument("--since"); ap.add_argument("--until")
a = ap.parse_args()
since = datetime.fromisoformat(a.since) if a.since else None
until = datetime.fromisoformat(a.until) if a.until else None

status, paths, uas, per_min = Counter(), Counter(), Counter(), Counter()
latency = defaultdict(list)
errors_per_min = Counter()
bad = 0
for f in a.files:
    opener = gzip.open if f.endswith(".gz") else open
    with opener(f, "rt", errors="replace") as fh:
        for line in fh:
            m = LINE.match(line)
            if not m:
                bad += 1; continue
            ts = datetime.strptime(m["ts"], "%d/%b/%Y:%H:%M:%S %z").replace(tzinfo=None)
            if (since and ts < since) or (until and ts > until):
                continue
            path = m["path"].split("?", 1)[0]
            minute = ts.strftime("%Y-%m-%d %H:%M")
            status[m["status"]] += 1; paths[path] += 1; uas[m["ua"][:60]] += 1; per_min[minute] += 1
            if m["status"].startswith("5"):
                errors_per_min[minute] += 1
            if m["rt"]:
                latency[path].append(float(m["rt"]))

print("== status"); [print(f"{k} {v}") for k, v in sorted(status.items())]
print("\n== top paths"); [print(f"{v:8} {k}") for k, v in paths.most_common(15)]
print("\n== busiest minutes"); [print(f"{k} {v}") for k, v in per_min.most_common(5)]
print("\n== 5xx bursts"); [print(f"{k} {v}") for k, v in errors_per_min.most_common(5)]
if latency:
    print("\n== slowest endpoints (p95, n>=20)")
    rows = [(statistics.quantiles(v, n=20)[-1], k, len(v)) for k, v in latency.items() if len(v) >= 20]
    for p95, k, n in sorted(rows, reverse=True)[:10]:
        print(f"{p95:7.3f}s  {k}  (n={n})")
print("\n== top user agents"); [print(f"{v:8} {k}") for k, v in uas.most_common(8)]
if bad:
    print(f"\n({bad} unparsed lines)")
