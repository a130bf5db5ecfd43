"""Time zone conversion MCP server: pure computation, no I/O besides stdio."""
from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, available_timezones

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("tz")
ZONES = available_timezones()


def _zone(name: str) -> ZoneInfo:
    if name not in ZONES:
        raise ValueError(f"unknown time zone: {name!r}; use an IANA name like Europe/Paris")
    return ZoneInfo(name)


@mcp.tool()
def convert_time(time: str, from_zone: str, to_zones: list[str]) -> dict:
    """Convert a time from one IANA time zone to others.

    time: ISO 8601 date-time ("2024-05-14T15:00") or "HH:MM" for today.
    from_zone: IANA zone of the given time.
    to_zones: IANA zones to convert to (max 20).
    """
    src = _zone(from_zone)
    if len(time) <= 5 and ":" in time:
        h, m = (int(x) for x in time.split(":"))
        base = dt.datetime.now(src).replace(hour=h, minute=m, second=0, microsecond=0)
    else:
        base = dt.datetime.fromisoformat(time)
        base = base.replace(tzinfo=src) if base.tzinfo is None else base.astimezone(src)
    out = {}
    for z in to_zones[:20]:
        t = base.astimezone(_zone(z))
        out[z] = {"iso": t.isoformat(), "display": t.strftime("%a %d %b %H:%M %Z"), "utc_offset": t.strftime("%z")}
    return {"from": base.isoformat(), "to": out}


@mcp.tool()
def world_clock(zones: list[str]) -> dict:
    """Current time in each of the given IANA zones (max 20)."""
    now = dt.datetime.now(dt.timezone.utc)
    return {z: now.astimezone(_zone(z)).strftime("%a %d %b %H:%M %Z") for z in zones[:20]}


if __name__ == "__main__":
    mcp.run()
