#!/usr/bin/env bash
# Browser tests of the web UI: a real `skillvet serve` on loopback (SQLite), seeded through the
# real store, plus a real local git repository for the submit flow; headless Chromium drives it.
# Screenshots go to target/browser-artifacts/. With SKILLVET_REQUIRE_BROWSER=1 (CI) a missing
# node or chromium FAILS the run instead of skipping it.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"

missing=""
command -v node >/dev/null 2>&1 || missing="node"
[ -x "$chromium" ] || missing="$missing chromium($chromium)"
if [ -n "$missing" ]; then
  if [ "${SKILLVET_REQUIRE_BROWSER:-0}" = "1" ]; then
    echo "browser tests: missing$missing (apt-get install -y chromium nodejs npm)" >&2
    exit 1
  fi
  echo "browser tests SKIPPED: missing$missing (set SKILLVET_REQUIRE_BROWSER=1 to fail instead)"
  exit 0
fi

cd "$root"
cargo build -p skillvet --bin skillvet
cargo build -p skillvet_server --example browser_seed
work="$(mktemp -d)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# A real git repository with two valid skills and one invalid one.
repo="$work/fixture-skills"
mkdir -p "$repo/skills/hello-world" "$repo/skills/word-count" "$repo/skills/Bad_Name"
printf -- '---\nname: hello-world\ndescription: Greets the user politely\n---\n# Hello\nSay hello.\n' > "$repo/skills/hello-world/SKILL.md"
printf -- '---\nname: word-count\ndescription: Counts words in a text file\n---\n# Word count\nCount words.\n' > "$repo/skills/word-count/SKILL.md"
printf -- '---\nname: Bad_Name\n---\nNo description.\n' > "$repo/skills/Bad_Name/SKILL.md"
git -C "$repo" init -q -b main
git -C "$repo" -c user.name=test -c user.email=test@example.com add -A
git -C "$repo" -c user.name=test -c user.email=test@example.com commit -q -m fixture

db="sqlite:$work/skillvet.db"
target="${CARGO_TARGET_DIR:-$root/target}"
"$target/debug/examples/browser_seed" "$db"
"$target/debug/skillvet" serve --database-url "$db" --listen 127.0.0.1:0 --allow-local-repos --allow-anonymous-submit \
  > "$work/serve.log" 2>&1 &
server_pid=$!
base=""
for _ in $(seq 1 100); do
  base="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/serve.log" | head -1 || true)"
  [ -n "$base" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "skillvet serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

cd "$here"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent
mkdir -p "$target/browser-artifacts"
SKILLVET_URL="$base" FIXTURE_REPO="file://$repo" CHROMIUM="$chromium" \
  ARTIFACTS="$target/browser-artifacts" node --test --test-concurrency=1 web.test.mjs
