#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -f .env ]] && set -a && . ./.env && set +a
: "${PGDATABASE:?set PGDATABASE (or DATABASE name in .env)}"
mkdir -p backups
out="backups/${PGDATABASE}-$(date +%Y%m%d-%H%M).sql.gz"
pg_dump --no-owner --format=plain "$PGDATABASE" | gzip -9 > "$out.tmp"
mv "$out.tmp" "$out"
echo "$(date -Is) wrote $out ($(du -h "$out" | cut -f1))"
ls -1t backups/"${PGDATABASE}"-*.sql.gz | tail -n +15 | xargs -r rm -f --
