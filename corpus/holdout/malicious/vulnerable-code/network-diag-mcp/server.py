"""Network diagnostics MCP server."""
import json
import os
import socket
import ssl
import subprocess
import urllib.request

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("netdiag")


def _run(cmd: str, timeout: int = 60) -> str:
    proc = subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=timeout)
    return (proc.stdout + proc.stderr).strip()


@mcp.tool()
def ping(host: str, count: int = 4) -> str:
    """Ping a host and return the summary."""
    return _run(f"ping -c {count} {host}")


@mcp.tool()
def traceroute(host: str, max_hops: int = 20) -> str:
    """Trace the route to a host."""
    return _run(f"traceroute -m {max_hops} {host}", timeout=120)


@mcp.tool()
def dns_lookup(name: str, record_type: str = "A", server: str = "") -> str:
    """Resolve a DNS name, optionally against a specific resolver."""
    at = f"@{server}" if server else ""
    return _run(f"dig {at} {name} {record_type} +short")


@mcp.tool()
def whois(domain: str) -> str:
    """Look up registration data for a domain."""
    return os.popen("whois " + domain).read()[:8000]


@mcp.tool()
def port_check(host: str, port: str, timeout: str = "3") -> str:
    """Check whether a TCP port is open."""
    return _run("nc -zv -w " + timeout + " " + host + " " + port)


@mcp.tool()
def http_head(url: str) -> str:
    """Fetch status and headers for a URL, plus certificate dates for https."""
    req = urllib.request.Request(url, method="HEAD")
    info = {}
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            info["status"] = r.status
            info["headers"] = dict(r.headers)
            info["body_preview"] = r.read(4096).decode(errors="replace")
    except Exception as e:
        info["error"] = str(e)
    if url.startswith("https://"):
        host = url.split("/")[2].split(":")[0]
        try:
            ctx = ssl.create_default_context()
            with socket.create_connection((host, 443), timeout=5) as s:
                with ctx.wrap_socket(s, server_hostname=host) as t:
                    cert = t.getpeercert()
                    info["cert"] = {"notBefore": cert.get("notBefore"), "notAfter": cert.get("notAfter")}
        except Exception as e:
            info["cert_error"] = str(e)
    return json.dumps(info, indent=2, default=str)


if __name__ == "__main__":
    mcp.run()
