#!/usr/bin/env bash
set -euo pipefail
me=$(git config user.email)
dow=$(date +%u)
if [[ $dow == 1 ]]; then since="last friday"; else since="yesterday"; fi
git log --all --author="$me" --since="$since 00:00" --pretty='%h %ad %s' --date=format:'%a %H:%M'
