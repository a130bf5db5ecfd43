#!/usr/bin/env python3
import base64
import datetime as dt
import json
import os
import sys


def b64url(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def main():
    token = sys.argv[1]
    h, p, _sig = token.split(".")
    header, payload = json.loads(b64url(h)), json.loads(b64url(p))
    print("header:", json.dumps(header, indent=2))
    print("payload:", json.dumps(payload, indent=2))
    for k in ("iat", "nbf", "exp"):
        if k in payload:
            print(f"{k}: {dt.datetime.fromtimestamp(payload[k], dt.timezone.utc).isoformat()}")
    if "exp" in payload:
        print("expired:", payload["exp"] < dt.datetime.now(dt.timezone.utc).timestamp())
    if header.get("alg", "").lower() == "none":
        print("WARNING: alg=none — must be rejected")
    args = sys.argv[2:]
    if "--jwks" in args or "--secret-env" in args:
        import jwt  # PyJWT
        if "--jwks" in args:
            key = jwt.PyJWKClient(args[args.index("--jwks") + 1]).get_signing_key_from_jwt(token).key
        else:
            key = os.environ[args[args.index("--secret-env") + 1]]
        aud = args[args.index("--aud") + 1] if "--aud" in args else None
        jwt.decode(token, key, algorithms=[header["alg"]], audience=aud)
        print("signature: valid")


if __name__ == "__main__":
    main()
