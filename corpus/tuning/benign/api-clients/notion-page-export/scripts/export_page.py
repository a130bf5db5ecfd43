#!/usr/bin/env python3
import os, re, sys
import requests

TOKEN = os.environ.get("NOTION_TOKEN") or sys.exit("NOTION_TOKEN not set")
H = {"Authorization": f"Bearer {TOKEN}", "Notion-Version": "2022-06-28"}


def page_id(url_or_id: str) -> str:
    m = re.search(r"([0-9a-f]{32})", url_or_id.replace("-", ""))
    if not m:
        sys.exit("could not find a page id")
    return m.group(1)


def text(rich):
    out = ""
    for r in rich:
        t = r["plain_text"]
        a = r.get("annotations", {})
        if a.get("code"): t = f"`{t}`"
        if a.get("bold"): t = f"**{t}**"
        if a.get("italic"): t = f"*{t}*"
        if r.get("href"): t = f"[{t}]({r['href']})"
        out += t
    return out


def children(block_id):
    url = f"https://api.notion.com/v1/blocks/{block_id}/children"
    params = {"page_size": 100}
    while True:
        r = requests.get(url, headers=H, params=params, timeout=30)
        r.raise_for_status()
        body = r.json()
        yield from body["results"]
        if not body.get("has_more"):
            return
        params["start_cursor"] = body["next_cursor"]


def render(block_id, depth=0):
    pad = "  " * depth
    lines = []
    for b in children(block_id):
        t = b["type"]; d = b[t]
        if t.startswith("heading_"):
            lines.append("#" * int(t[-1]) + " " + text(d["rich_text"]))
        elif t == "paragraph":
            lines.append(pad + text(d["rich_text"]))
        elif t == "bulleted_list_item":
            lines.append(f"{pad}- " + text(d["rich_text"]))
        elif t == "numbered_list_item":
            lines.append(f"{pad}1. " + text(d["rich_text"]))
        elif t == "to_do":
            lines.append(f"{pad}- [{'x' if d['checked'] else ' '}] " + text(d["rich_text"]))
        elif t == "code":
            lines += [f"```{d.get('language', '')}", text(d["rich_text"]), "```"]
        elif t == "quote":
            lines.append("> " + text(d["rich_text"]))
        elif t == "divider":
            lines.append("---")
        else:
            lines.append(f"<!-- unsupported: {t} -->")
        if b.get("has_children") and t not in ("child_page", "child_database"):
            lines += render(b["id"], depth + 1)
    return lines


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: export_page.py PAGE_URL_OR_ID OUT.md")
    md = "\n\n".join(render(page_id(sys.argv[1])))
    with open(sys.argv[2], "w", encoding="utf-8") as fh:
        fh.write(md + "\n")
    print(f"wrote {sys.argv[2]}")
