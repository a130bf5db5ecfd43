#!/usr/bin/env python3
"""List AWS CLI profiles from ~/.aws/config (never the credentials file)."""
import configparser
import os
import sys

SECRET_KEYS = {"aws_secret_access_key", "aws_session_token", "aws_security_token"}


def config_path():
    p = os.environ.get("AWS_CONFIG_FILE", os.path.join(os.path.expanduser("~"), ".aws", "config"))
    if os.path.basename(p) == "credentials":
        sys.exit("refusing to read a credentials file; point AWS_CONFIG_FILE at the config file")
    return p


def kind(sec):
    if "sso_session" in sec or "sso_start_url" in sec:
        return "sso"
    if "role_arn" in sec:
        return "assume-role"
    if "credential_process" in sec:
        return "process"
    return "static"


def account(sec):
    if "sso_account_id" in sec:
        return sec["sso_account_id"]
    arn = sec.get("role_arn", "")
    parts = arn.split(":")
    return parts[4] if len(parts) > 4 else ""


def main():
    path = config_path()
    cp = configparser.ConfigParser(interpolation=None)
    if not cp.read(path):
        sys.exit(f"no AWS config at {path}")
    rows = []
    for name in cp.sections():
        if name == "default":
            prof = "default"
        elif name.startswith("profile "):
            prof = name[len("profile "):]
        else:
            continue  # sso-session / services blocks
        sec = cp[name]
        note = "contains a secret, consider moving it" if SECRET_KEYS & set(sec.keys()) else ""
        rows.append((prof, sec.get("region", "-"), kind(sec), account(sec), note))
    w = max([len(r[0]) for r in rows] + [7])
    print(f"{'profile':<{w}}  {'region':<14} {'type':<12} {'account':<13} note")
    for prof, region, k, acct, note in sorted(rows):
        print(f"{prof:<{w}}  {region:<14} {k:<12} {acct:<13} {note}")


if __name__ == "__main__":
    main()
