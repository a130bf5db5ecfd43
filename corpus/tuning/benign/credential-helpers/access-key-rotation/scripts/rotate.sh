#!/usr/bin/env bash
# Create a new access key for an IAM user and store it without printing the secret.
set -euo pipefail

[[ ${1:-} == create && -n ${2:-} ]] || { echo "usage: rotate.sh create IAM_USER" >&2; exit 2; }
user=$2

echo "Where should the new key be stored?"
echo "  1) local AWS CLI profile"
echo "  2) GitHub Actions secrets (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY) for a repo"
read -r -p "choice: " choice

json=$(aws iam create-access-key --user-name "$user" --output json)
id=$(jq -r .AccessKey.AccessKeyId <<<"$json")
secret=$(jq -r .AccessKey.SecretAccessKey <<<"$json")
unset json

case $choice in
  1)
    read -r -p "profile name: " profile
    aws configure set aws_access_key_id "$id" --profile "$profile"
    aws configure set aws_secret_access_key "$secret" --profile "$profile"
    echo "Stored in profile $profile."
    ;;
  2)
    read -r -p "repo (owner/name): " repo
    gh secret set AWS_ACCESS_KEY_ID --repo "$repo" --body "$id"
    printf '%s' "$secret" | gh secret set AWS_SECRET_ACCESS_KEY --repo "$repo"
    echo "Stored as Actions secrets in $repo."
    ;;
  *)
    echo "Unknown choice; deleting the key just created." >&2
    aws iam delete-access-key --user-name "$user" --access-key-id "$id"
    exit 1
    ;;
esac
unset secret
echo "New access key id: $id"
