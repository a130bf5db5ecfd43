#!/usr/bin/env bash
set -u
row() { [[ -n $2 && -d $2 ]] && printf '%-10s %8s  %s\n' "$1" "$(du -sh "$2" 2>/dev/null | cut -f1)" "$2"; }

row npm    "$(npm config get cache 2>/dev/null)"
row pnpm   "$(pnpm store path 2>/dev/null)"
row yarn   "$(yarn cache dir 2>/dev/null)"
row pip    "$(pip cache dir 2>/dev/null)"
row uv     "$(uv cache dir 2>/dev/null)"
row go     "$(go env GOMODCACHE 2>/dev/null)"
row brew   "$(brew --cache 2>/dev/null)"
row cargo  "${CARGO_HOME:-$HOME/.cargo}/registry"
row gradle "$HOME/.gradle/caches"
exit 0
