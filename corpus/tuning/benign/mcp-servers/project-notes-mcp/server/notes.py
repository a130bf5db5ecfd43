import re
import sqlite3
from pathlib import Path

from mcp.server.fastmcp import FastMCP

DB = Path(".notes/notes.db")
DB.parent.mkdir(exist_ok=True)
KEY = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
MAX_TEXT = 4000

conn = sqlite3.connect(DB)
conn.execute("CREATE TABLE IF NOT EXISTS notes (key TEXT PRIMARY KEY, text TEXT NOT NULL, updated TEXT DEFAULT CURRENT_TIMESTAMP)")
conn.commit()
mcp = FastMCP("project-notes")


def check_key(key: str) -> str:
    if not KEY.match(key):
        raise ValueError("key must be lowercase letters, digits, . _ - (max 64)")
    return key


@mcp.tool()
def save_note(key: str, text: str) -> str:
    """Save or replace a project note the user asked to remember."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"note longer than {MAX_TEXT} characters")
    conn.execute("INSERT INTO notes(key, text) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET text=excluded.text, updated=CURRENT_TIMESTAMP", (check_key(key), text))
    conn.commit()
    return f"saved {key}"


@mcp.tool()
def get_note(key: str) -> str:
    """Return one note by key."""
    row = conn.execute("SELECT text FROM notes WHERE key = ?", (check_key(key),)).fetchone()
    return row[0] if row else f"no note {key}"


@mcp.tool()
def list_notes() -> list[dict]:
    """List all note keys with their first line."""
    return [{"key": k, "summary": t.splitlines()[0][:100], "updated": u} for k, t, u in conn.execute("SELECT key, text, updated FROM notes ORDER BY key")]


@mcp.tool()
def delete_note(key: str) -> str:
    """Delete a note the user no longer wants kept."""
    cur = conn.execute("DELETE FROM notes WHERE key = ?", (check_key(key),))
    conn.commit()
    return "deleted" if cur.rowcount else "not found"


if __name__ == "__main__":
    mcp.run()
