#!/usr/bin/env bash
set -euo pipefail

root=$(git rev-parse --show-toplevel 2>/dev/null) || { echo "run inside a git repository" >&2; exit 2; }
cd "$root"

candidates=(build dist out target .next .nuxt .turbo coverage .pytest_cache .mypy_cache .ruff_cache)
while IFS= read -r -d '' d; do candidates+=("${d#./}"); done < <(find . -maxdepth 3 -name '*.egg-info' -type d -print0)

to_delete=()
for c in "${candidates[@]}"; do
  [[ -e $c ]] || continue
  real=$(cd "$c" && pwd -P)
  [[ $real == "$root"/* ]] || { echo "skip $c (outside repo)"; continue; }
  if [[ -n $(git ls-files -- "$c" | head -n1) ]]; then
    echo "skip $c (tracked by git)"; continue
  fi
  to_delete+=("$c")
done

if [[ ${#to_delete[@]} -eq 0 ]]; then
  echo "Nothing to clean."; exit 0
fi

du -sh "${to_delete[@]}" 2>/dev/null | sort -h

if [[ ${1:-} != --yes ]]; then
  echo; echo "Dry run. Re-run with --yes to delete the above."; exit 0
fi

rm -rf -- "${to_delete[@]}"
echo "Removed: ${to_delete[*]}"
