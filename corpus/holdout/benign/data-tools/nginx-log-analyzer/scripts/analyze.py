#!/usr/bin/env python3
import collections
import gzip
import re
import sys

LINE = re.compile(r'(?P<ip>\S+) \S+ \S+ \[(?P<ts>[^\]]+)\] "(?P<method>\S+) (?P<path>\S+) [^"]*" '
                  r'(?P<status>\d{3}) \S+ "[^"]*" "(?P<ua>[^"]*)"(?: (?P<rt>[\d.]+))?')
PROBES = [r"\.\./", r"(?i)union\s+select", r"/\.env\b", r"/wp-login\.php", r"/\.git/", r"(?i)<script"]


def lines(paths):
    for p in paths:
        op = gzip.open if p.endswith(".gz") else open
        with op(p, "rt", errors="replace") as fh:
            yield from fh


def main():
    hours, status, paths5, probes, probe_ips, uas = (collections.Counter() for _ in range(6))
    for line in lines(sys.argv[1:]):
        m = LINE.match(line)
        if not m:
            continue
        hours[m["ts"][12:14]] += 1
        status[m["status"][0] + "xx"] += 1
        if m["status"].startswith("5"):
            paths5[m["path"]] += 1
        uas[m["ua"][:60]] += 1
        for pat in PROBES:
            if re.search(pat, m["path"]):
                probes[pat] += 1
                probe_ips[m["ip"]] += 1
    print("hour  requests"); [print(f"{h}    {hours[h]}") for h in sorted(hours)]
    print("\nstatus", dict(status))
    print("\ntop 5xx paths", paths5.most_common(5))
    print("\nprobe patterns", probes.most_common())
    print("top probing IPs", probe_ips.most_common(5))
    print("\ntop user agents", uas.most_common(5))


if __name__ == "__main__":
    main()
