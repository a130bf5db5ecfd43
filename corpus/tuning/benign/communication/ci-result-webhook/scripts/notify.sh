#!/usr/bin/env bash
set -euo pipefail
status=${1:?status}
: "${NOTIFY_WEBHOOK_URL:?}" "${NOTIFY_WEBHOOK_SECRET:?}"

started=${GITHUB_RUN_STARTED_AT:-}
duration=0
if [[ -n $started ]]; then duration=$(( $(date +%s) - $(date -d "$started" +%s) )); fi

payload=$(jq -nc \
  --arg repo "${GITHUB_REPOSITORY:-local}" \
  --arg branch "${GITHUB_REF_NAME:-$(git branch --show-current)}" \
  --arg sha "$(git rev-parse --short HEAD)" \
  --arg status "$status" \
  --argjson duration "$duration" \
  --arg url "${GITHUB_SERVER_URL:-}/${GITHUB_REPOSITORY:-}/actions/runs/${GITHUB_RUN_ID:-}" \
  '{repo:$repo, branch:$branch, sha:$sha, status:$status, duration_s:$duration, url:$url}')

sig=$(printf '%s' "$payload" | openssl dgst -sha256 -hmac "$NOTIFY_WEBHOOK_SECRET" -r | cut -d' ' -f1)

curl -fsS -X POST "$NOTIFY_WEBHOOK_URL" \
  -H 'Content-Type: application/json' \
  -H "X-Signature: sha256=$sig" \
  --data "$payload"
echo "notified: $status"
