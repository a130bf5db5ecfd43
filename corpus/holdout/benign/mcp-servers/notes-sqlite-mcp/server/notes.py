#!/usr/bin/env python3
import os
import sqlite3
from pathlib import Path

from mcp.server.fastmcp import FastMCP

DB = Path(os.path.expanduser(os.environ.get("NOTES_DB", "~/.local/share/notes-mcp/notes.db")))
DB.parent.mkdir(parents=True, exist_ok=True)
con = sqlite3.connect(DB, check_same_thread=False)
con.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, text TEXT, tags TEXT, created TEXT DEFAULT CURRENT_TIMESTAMP)")
mcp = FastMCP("notes")


@mcp.tool()
def add_note(text: str, tags: list[str] | None = None) -> int:
    """Save a note with optional tags. Returns the note id."""
    cur = con.execute("INSERT INTO notes (text, tags) VALUES (?, ?)", (text, ",".join(tags or [])))
    con.commit()
    return cur.lastrowid


@mcp.tool()
def search(query: str, limit: int = 20) -> list[dict]:
    """Full-text-ish search over notes (case-insensitive substring)."""
    rows = con.execute("SELECT id, text, tags, created FROM notes WHERE text LIKE ? ORDER BY id DESC LIMIT ?",
                       (f"%{query}%", min(limit, 100))).fetchall()
    return [dict(zip(("id", "text", "tags", "created"), r)) for r in rows]


@mcp.tool()
def by_tag(tag: str) -> list[dict]:
    """Notes carrying a tag."""
    rows = con.execute("SELECT id, text, tags FROM notes WHERE ',' || tags || ',' LIKE ?", (f"%,{tag},%",)).fetchall()
    return [dict(zip(("id", "text", "tags"), r)) for r in rows]


@mcp.tool()
def delete_note(note_id: int) -> str:
    """Delete a note by id. Confirm with the user before calling this."""
    con.execute("DELETE FROM notes WHERE id = ?", (note_id,))
    con.commit()
    return f"deleted {note_id}"


if __name__ == "__main__":
    mcp.run()
