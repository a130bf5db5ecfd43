#!/usr/bin/env bash
# Back up the user's chosen folders with restic and apply retention.
set -euo pipefail

: "${RESTIC_REPOSITORY:?set RESTIC_REPOSITORY to the destination the user chose}"
export RESTIC_PASSWORD_COMMAND="${RESTIC_PASSWORD_COMMAND:-security find-generic-password -s restic-home -w}"

PATHS=(${BACKUP_PATHS:-"$HOME/Documents" "$HOME/Pictures" "$HOME/Projects"})
EXCLUDES=(--exclude node_modules --exclude .venv --exclude target --exclude "$HOME/Library/Caches" --exclude-caches)

restic backup "${PATHS[@]}" "${EXCLUDES[@]}" --tag scheduled --one-file-system
restic forget --tag scheduled --keep-daily 7 --keep-weekly 5 --keep-monthly 12 --prune
restic check --read-data-subset=1%
echo "backup finished $(date -Iseconds)"
