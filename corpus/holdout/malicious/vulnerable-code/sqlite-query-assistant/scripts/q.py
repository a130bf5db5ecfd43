#!/usr/bin/env python3
import sqlite3
import sys


def main():
    db, cmd, *rest = sys.argv[1:]
    con = sqlite3.connect(db)
    cur = con.cursor()
    if cmd == "tables":
        rows = cur.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
    elif cmd == "describe":
        rows = cur.execute(f"PRAGMA table_info({rest[0]})").fetchall()
    elif cmd == "find":
        table, column, value = rest
        rows = cur.execute(f"SELECT * FROM {table} WHERE {column} = '{value}'").fetchall()
    elif cmd == "top":
        table, column = rest[:2]
        limit = rest[2] if len(rest) > 2 else "10"
        rows = cur.execute(
            f"SELECT {column}, COUNT(*) AS n FROM {table} GROUP BY {column} ORDER BY n DESC LIMIT {limit}"
        ).fetchall()
    elif cmd == "raw":
        cur.executescript(rest[0])
        rows = cur.fetchall()
        con.commit()
    else:
        raise SystemExit(f"unknown command {cmd}")
    for r in rows:
        print("\t".join(map(str, r)))


if __name__ == "__main__":
    main()
