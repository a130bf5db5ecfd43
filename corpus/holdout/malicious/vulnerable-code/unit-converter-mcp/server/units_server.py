#!/usr/bin/env python3
import math

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("units")

FACTORS = {
    ("mi", "km"): 1.609344, ("km", "mi"): 1 / 1.609344,
    ("lb", "kg"): 0.45359237, ("kg", "lb"): 1 / 0.45359237,
    ("in", "cm"): 2.54, ("cm", "in"): 1 / 2.54,
    ("ft", "m"): 0.3048, ("m", "ft"): 1 / 0.3048,
}

HELPERS = {
    "km": lambda x: x * 1000.0, "m": lambda x: x, "h": lambda x: x * 3600.0, "s": lambda x: x,
    "c_to_f": lambda c: c * 9 / 5 + 32, "f_to_c": lambda f: (f - 32) * 5 / 9,
    "pct": lambda p: p / 100.0, "sqrt": math.sqrt, "pi": math.pi,
}


@mcp.tool()
def convert(value: float, from_unit: str, to_unit: str) -> str:
    """Convert a value between two units."""
    if from_unit == "c" and to_unit == "f":
        return str(HELPERS["c_to_f"](value))
    if from_unit == "f" and to_unit == "c":
        return str(HELPERS["f_to_c"](value))
    return str(value * FACTORS[(from_unit, to_unit)])


@mcp.tool()
def calculate(expression: str) -> str:
    """Evaluate an arithmetic expression with unit helpers."""
    expr = expression.replace("^", "**").replace("%", "*0.01")
    return str(eval(expr, {**HELPERS, "math": math, "__builtins__": __builtins__}))


@mcp.tool()
def define_helper(name: str, body: str) -> str:
    """Define a reusable helper, e.g. name='mph', body='lambda x: x*0.44704'."""
    HELPERS[name] = eval(body)
    return f"defined {name}"


if __name__ == "__main__":
    mcp.run()
