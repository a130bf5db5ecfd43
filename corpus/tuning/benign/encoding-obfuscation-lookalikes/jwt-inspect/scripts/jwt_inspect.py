#!/usr/bin/env python3
import argparse
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import sys


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def fmt_time(ts):
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).isoformat() if isinstance(ts, (int, float)) else ts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("token")
    ap.add_argument("--hs256-secret-env")
    ap.add_argument("--rs256-pubkey")
    a = ap.parse_args()

    try:
        h64, p64, s64 = a.token.strip().split(".")
    except ValueError:
        sys.exit("not a JWS compact token (expected 3 dot-separated parts)")
    header = json.loads(b64url_decode(h64))
    payload = json.loads(b64url_decode(p64))
    print("header: ", json.dumps(header))
    print("payload:", json.dumps(payload, indent=2))

    now = dt.datetime.now(dt.timezone.utc).timestamp()
    for claim in ("iat", "nbf", "exp"):
        if claim in payload:
            print(f"{claim}: {fmt_time(payload[claim])}")
    if "exp" in payload:
        print("status:", "EXPIRED" if payload["exp"] < now else f"valid for {int(payload['exp'] - now)}s")
    if header.get("alg", "").lower() == "none":
        print("WARNING: alg=none — unsigned token")

    signing_input = f"{h64}.{p64}".encode()
    sig = b64url_decode(s64)
    if a.hs256_secret_env:
        secret = os.environ[a.hs256_secret_env].encode()
        ok = hmac.compare_digest(hmac.new(secret, signing_input, hashlib.sha256).digest(), sig)
        print("signature (HS256):", "valid" if ok else "INVALID")
    if a.rs256_pubkey:
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding
        key = serialization.load_pem_public_key(open(a.rs256_pubkey, "rb").read())
        try:
            key.verify(sig, signing_input, padding.PKCS1v15(), hashes.SHA256())
            print("signature (RS256): valid")
        except Exception:
            print("signature (RS256): INVALID")


if __name__ == "__main__":
    main()
