#!/usr/bin/env bash
# GET /api/v1/submissions/{id} throughput and latency against `skillvet serve` on SQLite,
# measured by wrk from a second process on loopback (issue 2 target: ≥ 5,000 req/s on 2
# cores, p99 ≤ 25 ms).  Usage: scripts/bench-http.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_=${1:-15}
CONNECTIONS=${2:-32}
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
cargo build --release -p skillvet --quiet
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
SKILLVET_LOG=warn target/release/skillvet serve --database-url "sqlite:$work/bench.db" \
    --listen 127.0.0.1:0 --no-workers > "$work/out" &
server=$!
for _ in $(seq 1 100); do grep -q listening "$work/out" 2>/dev/null && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$work/out")
# A submission with a few events to read back.
id=$(curl -fsS -X POST "$base/api/v1/submissions" -H 'content-type: application/json' \
    -d '{"repo_url":"https://github.com/bench/skills","skill_path":"skills/pdf"}' |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["submission"]["id"])')
url="$base/api/v1/submissions/$id"
curl -fsS "$url" > /dev/null
echo "GET $url for ${SECONDS_}s with $CONNECTIONS connections (wrk, 2 threads)"
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_}s" --latency "$url"
