#!/usr/bin/env bash
set -euo pipefail

: "${RENDER_API_KEY:?set RENDER_API_KEY (Render dashboard → Account settings → API keys)}"
: "${RENDER_SERVICE_ID:?set RENDER_SERVICE_ID (srv-...)}"
API="https://api.render.com/v1/services/$RENDER_SERVICE_ID"
AUTH=(-H "Authorization: Bearer $RENDER_API_KEY" -H "Accept: application/json")

sha="${1:-$(git rev-parse HEAD)}"
if [[ -n $(git status --porcelain) ]]; then
  echo "working tree not clean; commit or stash first" >&2; exit 1
fi
if ! git branch -r --contains "$sha" | grep -q .; then
  echo "commit $sha is not on any remote branch; push it first" >&2; exit 1
fi

deploy_id=$(curl -fsS -X POST "${AUTH[@]}" -H "Content-Type: application/json" \
  -d "{\"commitId\":\"$sha\",\"clearCache\":\"do_not_clear\"}" "$API/deploys" | jq -r .id)
echo "deploy $deploy_id started for ${sha:0:7}"

for _ in $(seq 1 120); do
  status=$(curl -fsS "${AUTH[@]}" "$API/deploys/$deploy_id" | jq -r .status)
  echo "  $status"
  case "$status" in
    live) break ;;
    build_failed|update_failed|canceled|deactivated) echo "deploy ended with $status" >&2; exit 1 ;;
  esac
  sleep 10
done

if [[ -n ${APP_URL:-} ]]; then
  for i in 1 2 3; do
    curl -fsS --max-time 10 "$APP_URL/healthz" && echo || echo "health check $i failed"
    sleep 2
  done
fi
