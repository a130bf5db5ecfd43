#!/usr/bin/env bash
set -euo pipefail

root="$(pwd -P)"
if [[ ! -f settings.gradle && ! -f settings.gradle.kts ]]; then
  echo "not a Gradle project root (no settings.gradle[.kts]) — cd to the project first" >&2
  exit 2
fi
in_git=0; git rev-parse --is-inside-work-tree >/dev/null 2>&1 && in_git=1

mapfile -d '' found < <(find "$root" -xdev \( -name node_modules -o -name .git \) -prune -o \
  -type d \( -name build -o -name .gradle -o -name .cxx -o -name .externalNativeBuild \) -print0 -prune)

targets=()
for d in "${found[@]}"; do
  [[ -L $d ]] && continue
  real="$(cd "$d" && pwd -P)"
  [[ $real == "$root"/* ]] || continue
  if (( in_git )) && [[ -n $(git ls-files -- "$real" | head -n1) ]]; then
    echo "skip (tracked by git): ${real#$root/}"; continue
  fi
  targets+=("$real")
done

if (( ${#targets[@]} == 0 )); then echo "nothing to clean"; exit 0; fi
du -sh "${targets[@]}" 2>/dev/null | sed "s#$root/##" | sort -h

if [[ ${1:-} != --yes ]]; then
  echo; echo "dry run — re-run with --yes to delete the folders above"; exit 0
fi

./gradlew --stop >/dev/null 2>&1 || true
rm -rf -- "${targets[@]}"
echo "removed ${#targets[@]} folders"
