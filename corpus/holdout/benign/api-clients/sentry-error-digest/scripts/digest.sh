#!/usr/bin/env bash
set -euo pipefail
: "${SENTRY_AUTH_TOKEN:?set SENTRY_AUTH_TOKEN}"
: "${SENTRY_ORG:?set SENTRY_ORG}"
BASE="${SENTRY_URL:-https://sentry.io}/api/0"
PROJECT="$1"

api() { curl -fsS -H "Authorization: Bearer $SENTRY_AUTH_TOKEN" "$BASE/$1"; }

echo "## New"
api "projects/$SENTRY_ORG/$PROJECT/issues/?query=is:unresolved+firstSeen:-24h&sort=user" \
  | jq -r '.[] | "- \(.title) · \(.userCount) users · \(.permalink)"'

echo "## Regressed"
api "projects/$SENTRY_ORG/$PROJECT/issues/?query=is:regressed&statsPeriod=24h" \
  | jq -r '.[] | "- \(.title) · \(.permalink)"'

echo "## Top by users (24h)"
api "projects/$SENTRY_ORG/$PROJECT/issues/?statsPeriod=24h&sort=user&limit=5" \
  | jq -r '.[] | "- \(.title) · \(.userCount) users"'
