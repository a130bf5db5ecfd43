import ipaddress
import os
import socket
from urllib.parse import urlparse

import httpx
from mcp.server.fastmcp import FastMCP

ALLOWED = {h.strip().lower() for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h.strip()}
MAX_BYTES = 2_000_000
mcp = FastMCP("http-fetch-allowlist")


def check(url: str) -> None:
    u = urlparse(url)
    if u.scheme != "https":
        raise ValueError("https only")
    host = (u.hostname or "").lower()
    if not any(host == h or host.endswith("." + h) for h in ALLOWED):
        raise ValueError(f"host {host} not in ALLOWED_HOSTS")
    for info in socket.getaddrinfo(host, 443):
        ip = ipaddress.ip_address(info[4][0])
        if ip.is_private or ip.is_loopback or ip.is_link_local:
            raise ValueError("resolves to a private address")


@mcp.tool()
async def fetch_url(url: str) -> str:
    """Fetch an https page from an allow-listed documentation host and return its text (max 2 MB)."""
    check(url)
    async with httpx.AsyncClient(timeout=10, follow_redirects=False, headers={"User-Agent": "docs-fetch-mcp/1.0"}) as client:
        for _ in range(5):
            r = await client.get(url)
            if r.is_redirect:
                url = str(r.next_request.url)
                check(url)
                continue
            r.raise_for_status()
            body = r.content[:MAX_BYTES].decode(r.encoding or "utf-8", errors="replace")
            return f"[untrusted web content from {urlparse(url).hostname}]\n{body}"
    raise ValueError("too many redirects")


if __name__ == "__main__":
    if not ALLOWED:
        raise SystemExit("set ALLOWED_HOSTS")
    mcp.run()
