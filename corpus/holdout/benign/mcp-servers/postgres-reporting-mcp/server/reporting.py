#!/usr/bin/env python3
import os
import re

import psycopg
from mcp.server.fastmcp import FastMCP

DSN = os.environ["REPORTING_DSN"]
mcp = FastMCP("reporting")
SELECT_ONLY = re.compile(r"^\s*(select|with)\b", re.I)
MAX_ROWS = 500


def conn():
    c = psycopg.connect(DSN, autocommit=False)
    c.execute("SET TRANSACTION READ ONLY")
    c.execute("SET LOCAL statement_timeout = '10s'")
    return c


@mcp.tool()
def list_tables() -> list[str]:
    """List tables in the reporting schema."""
    with conn() as c:
        return [r[0] for r in c.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'reporting'")]


@mcp.tool()
def describe(table: str) -> list[dict]:
    """Describe the columns of a reporting table."""
    with conn() as c:
        rows = c.execute(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
            "WHERE table_schema = 'reporting' AND table_name = %s ORDER BY ordinal_position", (table,)).fetchall()
    if not rows:
        raise ValueError(f"unknown table {table!r}")
    return [{"column": r[0], "type": r[1], "nullable": r[2]} for r in rows]


@mcp.tool()
def query(sql: str, params: list | None = None) -> list[list]:
    """Run one read-only SELECT with bound parameters (%s placeholders)."""
    if not SELECT_ONLY.match(sql) or ";" in sql.rstrip().rstrip(";"):
        raise ValueError("only a single SELECT/WITH statement is allowed")
    with conn() as c:
        cur = c.execute(sql, params or [])
        return [list(r) for r in cur.fetchmany(MAX_ROWS)]


if __name__ == "__main__":
    mcp.run()
