#!/usr/bin/env bash
set -euo pipefail
control=${1:?control id}; kind=${2:?evidence kind}; target=${3:-}
out="evidence/$control/$kind-$(date +%Y%m%d).json"
mkdir -p "$(dirname "$out")"

case $kind in
  github-branch-protection) data=$(gh api "repos/$target/branches/main/protection") ;;
  github-org-mfa)           data=$(gh api "orgs/$target" --jq '{login, two_factor_requirement_enabled}') ;;
  aws-password-policy)      data=$(aws iam get-account-password-policy --output json) ;;
  s3-encryption)            data=$(aws s3api get-bucket-encryption --bucket "$target" --output json) ;;
  *) echo "unknown kind $kind" >&2; exit 2 ;;
esac

jq -n --arg control "$control" --arg kind "$kind" --arg target "$target" \
      --arg collected_at "$(date -u +%FT%TZ)" --arg by "$(git config user.email || whoami)" \
      --argjson data "$data" \
      '{control:$control, evidence:$kind, target:$target, collected_at:$collected_at, collected_by:$by, data:$data}' > "$out"
echo "wrote $out"
