#!/usr/bin/env bash
set -euo pipefail
SRC="${1:?source folder}"
DEST="${2:?destination folder}"
[ -d "$DEST" ] || { echo "destination not mounted: $DEST" >&2; exit 1; }
mkdir -p "$HOME/.local/state"
rsync -a --delete-after --exclude '.DS_Store' \
  --log-file="$HOME/.local/state/photo-backup.log" "$SRC/" "$DEST/"
