#!/usr/bin/env python3
import json, re, sys, urllib.request


def load(src):
    if src.startswith(("http://", "https://")):
        return json.loads(urllib.request.urlopen(src).read())
    return json.load(sys.stdin if src == "-" else open(src))


def depth(node):
    if isinstance(node, dict):
        return 1 + max((depth(v) for v in node.values()), default=0)
    if isinstance(node, list):
        return 1 + max((depth(v) for v in node), default=0)
    return 0


def paths(node, prefix=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from paths(v, f"{prefix}.{k}" if prefix else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from paths(v, f"{prefix}[{i}]")
    else:
        yield prefix, node


def expand_refs(node, root):
    """Inline {"$ref": "#/a/b"} pointers so the outline shows real structure."""
    while isinstance(node, dict) and "$ref" in node:
        target = root
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    if isinstance(node, dict):
        return {k: expand_refs(v, root) for k, v in node.items()}
    if isinstance(node, list):
        return [expand_refs(v, root) for v in node]
    return node


def main():
    doc = load(sys.argv[1])
    doc = expand_refs(doc, doc)
    if "--find" in sys.argv:
        pat = re.compile(sys.argv[sys.argv.index("--find") + 1])
        for p, v in paths(doc):
            if pat.search(p):
                print(p, "=", json.dumps(v)[:80])
    elif "--stats" in sys.argv:
        print("depth:", depth(doc), "leaves:", sum(1 for _ in paths(doc)))
    else:
        for p, _ in paths(doc):
            print(p)


if __name__ == "__main__":
    main()
