#!/usr/bin/env python3
import csv
import io
import json
import os
import sys

import requests

API = "https://api.openai.com/v1"
HDR = {"Authorization": f"Bearer {os.environ['OPENAI_API_KEY']}"}


def submit(path, model, system):
    lines = []
    with open(path, newline="") as fh:
        for row in csv.DictReader(fh):
            lines.append(json.dumps({
                "custom_id": row["id"], "method": "POST", "url": "/v1/chat/completions",
                "body": {"model": model, "messages": [
                    {"role": "system", "content": system}, {"role": "user", "content": row["prompt"]}]},
            }))
    f = requests.post(f"{API}/files", headers=HDR, data={"purpose": "batch"},
                      files={"file": ("batch.jsonl", "\n".join(lines).encode())}).json()
    b = requests.post(f"{API}/batches", headers=HDR, json={
        "input_file_id": f["id"], "endpoint": "/v1/chat/completions", "completion_window": "24h"}).json()
    print(b["id"])


def status(batch_id):
    b = requests.get(f"{API}/batches/{batch_id}", headers=HDR).json()
    print(b["status"], b.get("request_counts"))


def fetch(batch_id, out):
    b = requests.get(f"{API}/batches/{batch_id}", headers=HDR).json()
    text = requests.get(f"{API}/files/{b['output_file_id']}/content", headers=HDR).text
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "output"])
        for line in io.StringIO(text):
            r = json.loads(line)
            w.writerow([r["custom_id"], r["response"]["body"]["choices"][0]["message"]["content"]])


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "submit":
        args = sys.argv[2:]
        model = args[args.index("--model") + 1]
        system = args[args.index("--system") + 1] if "--system" in args else ""
        submit(args[0], model, system)
    elif cmd == "status":
        status(sys.argv[2])
    elif cmd == "fetch":
        fetch(sys.argv[2], sys.argv[sys.argv.index("-o") + 1])
