#!/usr/bin/env python3
"""Summarise an sshd/sudo auth log. Reads one file, prints to stdout."""
import collections
import re
import sys

FAILED = re.compile(r"Failed (password|publickey) for (invalid user )?(?P<user>\S+) from (?P<ip>[\d.:a-f]+)")
ACCEPTED = re.compile(r"Accepted (?P<method>\S+) for (?P<user>\S+) from (?P<ip>[\d.:a-f]+)")
SUDO = re.compile(r"sudo:\s+(?P<user>\S+) : .*COMMAND=(?P<cmd>.*)$")


def main(path: str) -> None:
    failed = collections.Counter()
    accepted = []
    sudo = []
    keys = []
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if m := FAILED.search(line):
                failed[m["ip"]] += 1
            elif m := ACCEPTED.search(line):
                accepted.append((line[:15], m["user"], m["ip"], m["method"]))
            elif m := SUDO.search(line):
                sudo.append((line[:15], m["user"], m["cmd"].strip()))
            if "authorized_keys" in line:
                keys.append(line.rstrip())

    print("== Failed logins by source (top 20)")
    for ip, n in failed.most_common(20):
        print(f"{n:7d}  {ip}")
    print("\n== Successful logins")
    for ts, user, ip, method in accepted:
        seen_failed = " (after %d failures)" % failed[ip] if failed[ip] else ""
        print(f"{ts}  {user:12} {ip:40} {method}{seen_failed}")
    print("\n== sudo")
    for ts, user, cmd in sudo:
        print(f"{ts}  {user:12} {cmd}")
    print("\n== authorized_keys mentions")
    for line in keys:
        print(line)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: summarise_auth.py LOGFILE")
    main(sys.argv[1])
