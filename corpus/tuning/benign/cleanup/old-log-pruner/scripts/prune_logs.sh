#!/usr/bin/env bash
set -euo pipefail
dir=${1:?usage: prune_logs.sh DIR DAYS [--gzip|--delete]}
days=${2:?days}
mode=${3:-list}

here=$(pwd -P)
target=$(cd "$dir" && pwd -P)
[[ $target == "$here" || $target == "$here"/* ]] || { echo "refusing: $dir is outside $(pwd)" >&2; exit 2; }

mapfile -d '' files < <(find "$target" -type f \( -name '*.log' -o -name '*.log.[0-9]*' \) ! -name '*.gz' -mtime +"$days" -print0)
[[ ${#files[@]} -gt 0 ]] || { echo "no logs older than $days days"; exit 0; }

case $mode in
  list)     ls -lh "${files[@]}"; echo "(${#files[@]} files; add --gzip or --delete)";;
  --gzip)   gzip -9 -- "${files[@]}"; echo "compressed ${#files[@]} files";;
  --delete) rm -f -- "${files[@]}"; echo "deleted ${#files[@]} files";;
  *)        echo "unknown mode $mode" >&2; exit 2;;
esac
