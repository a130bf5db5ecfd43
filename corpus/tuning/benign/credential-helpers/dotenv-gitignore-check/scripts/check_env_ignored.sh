#!/usr/bin/env bash
set -uo pipefail
git rev-parse --show-toplevel >/dev/null 2>&1 || { echo "not a git repository" >&2; exit 2; }
cd "$(git rev-parse --show-toplevel)"

status=0
echo "== Working tree"
while IFS= read -r -d '' f; do
  f=${f#./}
  if git check-ignore -q -- "$f"; then
    printf '  ignored      %s\n' "$f"
  else
    printf '  NOT ignored  %s\n' "$f"; status=1
  fi
done < <(find . \( -path ./node_modules -o -path ./.git -o -path ./.venv \) -prune -o -type f \
           \( -name '.env' -o -name '.env.*' -o -name '*.pem' -o -name '*.key' \
              -o -name 'credentials.json' -o -name 'secrets.*' \) \
           ! -name '.env.example' ! -name '.env.sample' -print0)

echo "== History"
hist=$(git log --all --pretty=format: --name-only | sort -u | grep -E '(^|/)(\.env(\..+)?|.*\.pem|.*\.key|credentials\.json|secrets\..+)$' | grep -vE '\.env\.(example|sample)$')
if [[ -n $hist ]]; then
  echo "$hist" | sed 's/^/  committed at some point: /'; status=1
else
  echo "  none found"
fi
exit $status
