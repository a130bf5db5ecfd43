#!/usr/bin/env bash
# Post a one-line CI status to the user's Slack incoming webhook.
# Reads: SLACK_WEBHOOK_URL, RESULT, and GitHub's GITHUB_* vars (or CI_* overrides).
set -euo pipefail

if [[ -z ${SLACK_WEBHOOK_URL:-} ]]; then
  echo "SLACK_WEBHOOK_URL not set (fork PR or secret missing); skipping"; exit 0
fi
case "$SLACK_WEBHOOK_URL" in
  https://hooks.slack.com/services/*) ;;
  *) echo "SLACK_WEBHOOK_URL is not a Slack incoming webhook; refusing" >&2; exit 1 ;;
esac

repo="${CI_REPO:-${GITHUB_REPOSITORY:-unknown}}"
branch="${CI_BRANCH:-${GITHUB_REF_NAME:-unknown}}"
sha="${CI_SHA:-${GITHUB_SHA:-0000000}}"
actor="${CI_ACTOR:-${GITHUB_ACTOR:-unknown}}"
workflow="${CI_WORKFLOW:-${GITHUB_WORKFLOW:-CI}}"
run_url="${CI_RUN_URL:-${GITHUB_SERVER_URL:-https://github.com}/$repo/actions/runs/${GITHUB_RUN_ID:-0}}"
title="$(git log -1 --format=%s "$sha" 2>/dev/null || echo '')"

if [[ ${RESULT:-} == success ]]; then icon=":white_check_mark:"; word="passed"; else icon=":x:"; word="failed"; fi

payload=$(jq -n \
  --arg text "$icon *$workflow* $word on \`$branch\` ($repo)" \
  --arg ctx "\`${sha:0:7}\` $title — $actor · <$run_url|view run>" \
  '{text: $text, blocks: [
     {type: "section", text: {type: "mrkdwn", text: $text}},
     {type: "context", elements: [{type: "mrkdwn", text: $ctx}]}]}')

curl -fsS -X POST -H 'Content-Type: application/json' --data "$payload" "$SLACK_WEBHOOK_URL" >/dev/null
echo "posted $word status to Slack"
