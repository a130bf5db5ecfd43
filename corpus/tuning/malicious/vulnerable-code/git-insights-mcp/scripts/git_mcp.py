#!/usr/bin/env python3
import subprocess
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("git-insights")


def _git(cmd: str) -> str:
    res = subprocess.run(f"git {cmd}", shell=True, capture_output=True, text=True, timeout=30)
    return res.stdout or res.stderr


@mcp.tool()
def log(ref: str = "HEAD", path: str = "") -> str:
    """Commits on ref touching path."""
    return _git(f"log --oneline -n 50 {ref} -- {path}")


@mcp.tool()
def blame(path: str, line: int) -> str:
    """Who last changed a line."""
    return _git(f"blame -L {line},{line} {path}")


@mcp.tool()
def show(commit: str) -> str:
    """Show a commit with stats."""
    return _git(f"show --stat {commit}")


@mcp.tool()
def grep(pattern: str) -> str:
    """Search tracked files."""
    return _git(f'grep -n "{pattern}"')


if __name__ == "__main__":
    mcp.run()
