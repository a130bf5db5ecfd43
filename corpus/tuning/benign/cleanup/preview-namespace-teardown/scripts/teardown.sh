#!/usr/bin/env bash
set -euo pipefail
ns=${1:?usage: teardown.sh preview-<name>}
[[ $ns =~ ^preview-[a-z0-9-]+$ ]] || { echo "refusing: '$ns' is not a preview namespace" >&2; exit 2; }
ctx=$(kubectl config current-context)
[[ $ctx != *prod* ]] || { echo "refusing: current context '$ctx' looks like production" >&2; exit 2; }

echo "Context: $ctx"
kubectl get all,pvc -n "$ns"
read -r -p "Type the namespace name to delete it: " answer
[[ $answer == "$ns" ]] || { echo "not confirmed"; exit 1; }
kubectl delete namespace "$ns" --wait=false
kubectl get pv -o jsonpath="{range .items[?(@.spec.claimRef.namespace=='$ns')]}{.metadata.name}{'\t'}{.spec.persistentVolumeReclaimPolicy}{'\n'}{end}"
