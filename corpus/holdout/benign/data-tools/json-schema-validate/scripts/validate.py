#!/usr/bin/env python3
import json
import sys

import yaml
from jsonschema import Draft202012Validator


def load(path):
    with open(path) as fh:
        return yaml.safe_load(fh) if path.endswith((".yaml", ".yml")) else json.load(fh)


def infer(values):
    v = values[0]
    if isinstance(v, dict):
        keys = set().union(*[x.keys() for x in values if isinstance(x, dict)])
        return {"type": "object",
                "properties": {k: infer([x[k] for x in values if isinstance(x, dict) and k in x]) for k in sorted(keys)},
                "required": sorted(k for k in keys if all(isinstance(x, dict) and k in x for x in values))}
    if isinstance(v, list):
        items = [i for x in values for i in x]
        return {"type": "array", "items": infer(items) if items else {}}
    return {"type": {bool: "boolean", int: "integer", float: "number", str: "string", type(None): "null"}[type(v)]}


def main():
    args = sys.argv[1:]
    if args and args[0] == "--infer":
        print(json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema",
                          **infer([load(p) for p in args[1:]])}, indent=2))
        return
    schema = load(args[0])
    v = Draft202012Validator(schema)
    bad = 0
    for p in args[1:]:
        for e in sorted(v.iter_errors(load(p)), key=lambda e: list(e.path)):
            bad += 1
            print(f"{p}: /{'/'.join(map(str, e.path))}: {e.message}")
    print("ok" if not bad else f"{bad} error(s)")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
