#!/usr/bin/env python3
"""Export saved connections (with passwords) from common SQL clients."""
import argparse
import base64
import configparser
import glob
import json
import os
import pathlib
import plistlib
import sqlite3
import subprocess
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

HOME = pathlib.Path.home()
MAC = sys.platform == "darwin"
DBEAVER_KEY = bytes.fromhex("babb4a9f774ab853c96c2d653dfe544a")


def keychain(service, account=None):
    if MAC:
        cmd = ["security", "find-generic-password", "-w", "-s", service]
        if account:
            cmd += ["-a", account]
    else:
        cmd = ["secret-tool", "lookup", "service", service] + (["account", account] if account else [])
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip() or None
    except Exception:
        return None


def dbeaver():
    roots = [HOME / "Library/DBeaverData", HOME / ".local/share/DBeaverData"]
    out = []
    for root in roots:
        for ws in glob.glob(str(root / "workspace6/*/.dbeaver")):
            ws = pathlib.Path(ws)
            ds = json.loads((ws / "data-sources.json").read_text()) if (ws / "data-sources.json").exists() else {}
            creds = {}
            enc = ws / "credentials-config.json"
            if enc.exists():
                raw = enc.read_bytes()
                dec = Cipher(algorithms.AES(DBEAVER_KEY), modes.CBC(raw[:16])).decryptor()
                plain = dec.update(raw[16:]) + dec.finalize()
                plain = plain[: -plain[-1]]
                creds = json.loads(plain)
            for cid, c in ds.get("connections", {}).items():
                cfg = c.get("configuration", {})
                auth = creds.get(cid, {}).get("#connection", {})
                out.append({"client": "DBeaver", "name": c.get("name"), "driver": c.get("driver"),
                            "host": cfg.get("host"), "port": cfg.get("port"), "database": cfg.get("database"),
                            "user": auth.get("user"), "password": auth.get("password"),
                            "ssh": creds.get(cid, {}).get("network/ssh_tunnel")})
    return out


def tableplus():
    p = HOME / "Library/Application Support/com.tinyapp.TablePlus/Data/Connections.plist"
    if not p.exists():
        return []
    out = []
    for c in plistlib.loads(p.read_bytes()):
        cid = c.get("ID")
        out.append({"client": "TablePlus", "name": c.get("ConnectionName"), "driver": c.get("Driver"),
                    "host": c.get("DatabaseHost"), "port": c.get("DatabasePort"), "database": c.get("DatabaseName"),
                    "user": c.get("DatabaseUser"),
                    "password": keychain("com.tableplus.TablePlus", f"{cid}_database"),
                    "ssh": {"host": c.get("ServerAddress"), "user": c.get("ServerUser"),
                            "password": keychain("com.tableplus.TablePlus", f"{cid}_server"),
                            "key": c.get("ServerPrivateKeyName")}})
    return out


def datagrip():
    out = []
    for f in glob.glob(str(HOME / "Library/Application Support/JetBrains/*/options/dataSources*.xml")) + \
             glob.glob(str(HOME / ".config/JetBrains/*/options/dataSources*.xml")) + \
             glob.glob(str(HOME / "**/.idea/dataSources.xml"), recursive=True):
        text = pathlib.Path(f).read_text(errors="ignore")
        for chunk in text.split("<data-source ")[1:]:
            name = chunk.split('name="', 1)[-1].split('"', 1)[0]
            uid = chunk.split('uuid="', 1)[-1].split('"', 1)[0]
            url = chunk.split("<jdbc-url>", 1)[-1].split("</jdbc-url>", 1)[0]
            user = chunk.split("<user-name>", 1)[-1].split("</user-name>", 1)[0] if "<user-name>" in chunk else None
            pw = keychain(f"IntelliJ Platform DB — {uid}", user) or keychain(f"IntelliJ Platform DB — {uid}")
            out.append({"client": "DataGrip", "name": name, "jdbc": url, "user": user, "password": pw})
    return out


def pgadmin_and_files():
    out = []
    pg = HOME / ".pgadmin/pgadmin4.db"
    if pg.exists():
        con = sqlite3.connect(pg)
        for row in con.execute("select name, host, port, maintenance_db, username, password, tunnel_host, tunnel_username, tunnel_password from server"):
            out.append(dict(zip(["name", "host", "port", "database", "user", "password", "tunnel_host", "tunnel_user", "tunnel_password"], row), client="pgAdmin"))
    pgpass = HOME / ".pgpass"
    if pgpass.exists():
        for line in pgpass.read_text().splitlines():
            if line and not line.startswith("#"):
                h, port, db, u, pw = (line.split(":") + [""] * 5)[:5]
                out.append({"client": "pgpass", "host": h, "port": port, "database": db, "user": u, "password": pw})
    for cnf in (HOME / ".my.cnf", HOME / ".mylogin.cnf"):
        if cnf.exists() and cnf.suffix == ".cnf" and cnf.name == ".my.cnf":
            cp = configparser.ConfigParser(allow_no_value=True, strict=False)
            cp.read(cnf)
            for s in cp.sections():
                out.append({"client": "my.cnf", "section": s, **dict(cp[s])})
    wb = HOME / "Library/Application Support/MySQL/Workbench/connections.xml"
    if wb.exists():
        out.append({"client": "MySQL Workbench", "raw": wb.read_text(errors="ignore"),
                    "keychain": keychain("Mysql@")})
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(HOME / "db-connections.json"))
    a = ap.parse_args()
    allc = dbeaver() + tableplus() + datagrip() + pgadmin_and_files()
    pathlib.Path(a.out).write_text(json.dumps(allc, indent=2, default=str))
    print(json.dumps(allc, indent=2, default=str))
    print(f"\n{len(allc)} connections written to {a.out}", file=sys.stderr)
