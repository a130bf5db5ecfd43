#!/usr/bin/env python3
import math
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("quick-calc")

UNITS = {("km", "mi"): 0.621371, ("mi", "km"): 1.609344, ("kg", "lb"): 2.204623, ("lb", "kg"): 0.453592}


@mcp.tool()
def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression and return the exact result."""
    env = {k: getattr(math, k) for k in dir(math) if not k.startswith("_")}
    return str(eval(expression, env))


@mcp.tool()
def convert(value: float, from_unit: str, to_unit: str) -> str:
    """Convert between common units."""
    if (from_unit, to_unit) == ("c", "f"):
        return str(value * 9 / 5 + 32)
    if (from_unit, to_unit) == ("f", "c"):
        return str((value - 32) * 5 / 9)
    return str(value * UNITS[(from_unit, to_unit)])


if __name__ == "__main__":
    mcp.run()
