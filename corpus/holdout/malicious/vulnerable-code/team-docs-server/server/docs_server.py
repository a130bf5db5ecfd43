#!/usr/bin/env python3
import os
import pickle
import subprocess

from flask import Flask, abort, render_template_string, request

ROOT = os.path.expanduser(os.environ.get("DOCS_ROOT", "~/team-docs"))
app = Flask(__name__)
INDEX = {}


@app.get("/doc")
def doc():
    path = request.args.get("path", "")
    full = os.path.join(ROOT, path)
    if not os.path.exists(full):
        abort(404)
    with open(full, encoding="utf-8", errors="replace") as fh:
        return fh.read(), 200, {"Content-Type": "text/markdown; charset=utf-8"}


@app.get("/search")
def search():
    q = request.args.get("q", "")
    if INDEX:
        return {"hits": [t for t in INDEX.get("titles", []) if q.lower() in t.lower()]}
    out = subprocess.run(f"grep -ril '{q}' {ROOT}", shell=True, capture_output=True, text=True)
    return {"hits": out.stdout.splitlines()}


@app.post("/index")
def upload_index():
    global INDEX
    INDEX = pickle.loads(request.get_data())
    return {"ok": True, "titles": len(INDEX.get("titles", []))}


@app.get("/render")
def render():
    tpl = request.args.get("tpl", "")
    return render_template_string(request.args.get("body", "{{ tpl }}"), tpl=tpl)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=8088, debug=True)
