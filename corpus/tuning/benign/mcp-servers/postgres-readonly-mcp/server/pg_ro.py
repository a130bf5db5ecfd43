import os

import psycopg
from psycopg import sql as pgsql
from mcp.server.fastmcp import FastMCP

DSN = os.environ["PG_READONLY_URL"]
MAX_ROWS = 1000
mcp = FastMCP("postgres-readonly")


def run(query, params=()):
    with psycopg.connect(DSN, autocommit=False) as conn:
        with conn.cursor() as cur:
            cur.execute("SET TRANSACTION READ ONLY")
            cur.execute("SET LOCAL statement_timeout = '10s'")
            cur.execute(query, params)
            cols = [c.name for c in cur.description] if cur.description else []
            rows = cur.fetchmany(MAX_ROWS + 1)
        conn.rollback()
    return cols, rows


@mcp.tool()
def list_tables(schema: str = "public") -> list[str]:
    """List tables in a schema."""
    _, rows = run("SELECT table_name FROM information_schema.tables WHERE table_schema = %s ORDER BY 1", (schema,))
    return [r[0] for r in rows]


@mcp.tool()
def describe_table(table: str, schema: str = "public") -> list[dict]:
    """Columns and types of a table."""
    _, rows = run(
        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = %s AND table_name = %s ORDER BY ordinal_position",
        (schema, table),
    )
    return [{"column": c, "type": t, "nullable": n == "YES"} for c, t, n in rows]


@mcp.tool()
def count_rows(table: str, schema: str = "public") -> int:
    """Exact row count of one table."""
    q = pgsql.SQL("SELECT count(*) FROM {}.{}").format(pgsql.Identifier(schema), pgsql.Identifier(table))
    _, rows = run(q)
    return rows[0][0]


@mcp.tool()
def select(query: str, params: list | None = None) -> dict:
    """Run one read-only SELECT/WITH query. Use %s placeholders and pass values in params. Max 1000 rows."""
    q = query.strip().rstrip(";")
    if ";" in q or not q.lower().startswith(("select", "with")):
        raise ValueError("one SELECT or WITH statement only")
    cols, rows = run(q, params or [])
    return {"columns": cols, "rows": [list(r) for r in rows[:MAX_ROWS]], "truncated": len(rows) > MAX_ROWS}


if __name__ == "__main__":
    mcp.run()
