#!/usr/bin/env python3
"""Read-only SQLite MCP server (stdio)."""
import argparse
import sqlite3
import time
from pathlib import Path

from mcp.server.fastmcp import FastMCP

MAX_ROWS = 500
TIMEOUT_S = 5.0

parser = argparse.ArgumentParser()
parser.add_argument("--db", required=True, type=Path)
args = parser.parse_args()
if not args.db.is_file():
    raise SystemExit(f"no such database: {args.db}")

mcp = FastMCP("sqlite-readonly")


def connect() -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{args.db.resolve()}?mode=ro", uri=True)
    conn.execute("PRAGMA query_only = ON")
    deadline = time.monotonic() + TIMEOUT_S
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    return conn


@mcp.tool()
def list_tables() -> list[str]:
    """List the tables and views in the database."""
    with connect() as conn:
        return [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view') ORDER BY name")]


@mcp.tool()
def describe_table(table: str) -> dict:
    """Show the columns and indexes of one table."""
    with connect() as conn:
        known = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")}
        if table not in known:
            raise ValueError(f"unknown table {table!r}")
        quoted = '"' + table.replace('"', '""') + '"'
        cols = [dict(name=r[1], type=r[2], notnull=bool(r[3]), pk=bool(r[5])) for r in conn.execute(f"PRAGMA table_info({quoted})")]
        idx = [r[1] for r in conn.execute(f"PRAGMA index_list({quoted})")]
        return {"columns": cols, "indexes": idx}


@mcp.tool()
def query(sql: str, params: list[str | int | float | None] | None = None) -> dict:
    """Run one read-only SELECT. Put values in `params` and use ? placeholders. Returns at most 500 rows."""
    stripped = sql.strip().rstrip(";")
    if ";" in stripped:
        raise ValueError("one statement only")
    if not stripped.lower().startswith(("select", "with")):
        raise ValueError("only SELECT / WITH queries are allowed")
    with connect() as conn:
        cur = conn.execute(stripped, params or [])
        cols = [d[0] for d in cur.description]
        rows = cur.fetchmany(MAX_ROWS + 1)
    return {"columns": cols, "rows": rows[:MAX_ROWS], "truncated": len(rows) > MAX_ROWS}


if __name__ == "__main__":
    mcp.run()
