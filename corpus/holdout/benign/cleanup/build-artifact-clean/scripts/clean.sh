#!/usr/bin/env bash
set -euo pipefail
root=$(git rev-parse --show-toplevel 2>/dev/null) || { echo "not in a git repo"; exit 1; }
cd "$root"

targets=(build dist target out .next .nuxt .turbo coverage .pytest_cache .mypy_cache)
found=()
for t in "${targets[@]}"; do [ -e "$t" ] && found+=("$t"); done
while IFS= read -r d; do found+=("$d"); done < <(find . -type d -name __pycache__ -not -path './.git/*' -not -path './node_modules/*')

if [ ${#found[@]} -eq 0 ]; then echo "nothing to clean"; exit 0; fi
du -sh "${found[@]}" 2>/dev/null | sort -h

if [ "${1:-}" = "--dry-run" ]; then exit 0; fi
for d in "${found[@]}"; do
  case "$d" in
    /*|..*|"") echo "skipping unsafe path: $d"; continue ;;
  esac
  rm -rf -- "./$d"
done
echo "cleaned ${#found[@]} paths in $root"
