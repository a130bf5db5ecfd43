#!/usr/bin/env bash
set -euo pipefail
: "${CLOUDFLARE_API_TOKEN:?set CLOUDFLARE_API_TOKEN}"
API=https://api.cloudflare.com/client/v4

cf() { curl -fsS -H "Authorization: Bearer $CLOUDFLARE_API_TOKEN" -H "Content-Type: application/json" "$@"; }

zone_id() { cf "$API/zones?name=$1" | jq -r '.result[0].id // empty'; }

cmd=${1:-}; zone=${2:-}
[[ -n $cmd && -n $zone ]] || { echo "usage: cf-dns.sh list ZONE | upsert ZONE TYPE NAME CONTENT" >&2; exit 2; }
zid=$(zone_id "$zone"); [[ -n $zid ]] || { echo "zone $zone not found" >&2; exit 1; }

case $cmd in
  list)
    cf "$API/zones/$zid/dns_records?per_page=500" \
      | jq -r '.result[] | [.type, .name, .content, (.proxied|tostring), .ttl] | @tsv' | column -t
    ;;
  upsert)
    type=$3 name=$4 content=$5
    existing=$(cf "$API/zones/$zid/dns_records?type=$type&name=$name" | jq -c '.result[0] // empty')
    body=$(jq -nc --arg t "$type" --arg n "$name" --arg c "$content" '{type:$t,name:$n,content:$c,ttl:1}')
    if [[ -n $existing ]]; then
      echo "current: $(jq -r '.content' <<<"$existing")"
    else
      echo "current: (none)"
    fi
    echo "new:     $content"
    read -r -p "Apply? [y/N] " ok; [[ $ok == y ]] || exit 1
    if [[ -n $existing ]]; then
      cf -X PUT "$API/zones/$zid/dns_records/$(jq -r .id <<<"$existing")" --data "$body" | jq '.success'
    else
      cf -X POST "$API/zones/$zid/dns_records" --data "$body" | jq '.success'
    fi
    ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
