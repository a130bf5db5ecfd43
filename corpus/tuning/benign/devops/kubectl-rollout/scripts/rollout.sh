#!/usr/bin/env bash
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: rollout.sh NAMESPACE DEPLOYMENT CONTAINER IMAGE" >&2
  exit 2
fi
NS=$1 DEPLOY=$2 CONTAINER=$3 IMAGE=$4

echo "Context:   $(kubectl config current-context)"
echo "Namespace: $NS"
echo "Target:    deploy/$DEPLOY container=$CONTAINER -> $IMAGE"
read -r -p "Proceed? [y/N] " ok
[[ $ok == y || $ok == Y ]] || { echo "aborted"; exit 1; }

kubectl -n "$NS" set image "deploy/$DEPLOY" "$CONTAINER=$IMAGE"
kubectl -n "$NS" annotate "deploy/$DEPLOY" "kubernetes.io/change-cause=deploy $IMAGE" --overwrite

if kubectl -n "$NS" rollout status "deploy/$DEPLOY" --timeout=5m; then
  echo "Rollout complete."
  exit 0
fi

echo "Rollout did not complete. Recent events:"
kubectl -n "$NS" get events --sort-by=.lastTimestamp | tail -n 20
read -r -p "Roll back to previous revision? [y/N] " rb
if [[ $rb == y || $rb == Y ]]; then
  kubectl -n "$NS" rollout undo "deploy/$DEPLOY"
  kubectl -n "$NS" rollout status "deploy/$DEPLOY" --timeout=5m
fi
exit 1
