#!/usr/bin/env python3
import argparse
import re
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches

INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`)")


def add_runs(par, text):
    for part in INLINE.split(text):
        if part.startswith("**"):
            par.add_run(part[2:-2]).bold = True
        elif part.startswith("*"):
            par.add_run(part[1:-1]).italic = True
        elif part.startswith("`"):
            par.add_run(part[1:-1]).font.name = "Consolas"
        elif part:
            par.add_run(part)


def add_page_number(section):
    p = section.footer.paragraphs[0]
    run = p.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar"); el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText"); el.text = text
        run._r.append(el)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src", type=Path); ap.add_argument("dst", type=Path)
    ap.add_argument("--template", type=Path)
    a = ap.parse_args()
    doc = Document(a.template) if a.template else Document()
    lines = a.src.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if m := re.match(r"^(#{1,3})\s+(.*)", line):
            doc.add_heading(m.group(2), level=len(m.group(1)))
        elif m := re.match(r"^!\[(.*?)\]\((.*?)\)", line):
            doc.add_picture(str(a.src.parent / m.group(2)), width=Inches(6))
            doc.add_paragraph(m.group(1), style="Caption")
        elif line.startswith(("- ", "* ")):
            add_runs(doc.add_paragraph(style="List Bullet"), line[2:])
        elif line.startswith("|") and i + 1 < len(lines) and re.match(r"^\|[\s:-]+\|", lines[i + 1]):
            rows = [line]
            i += 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append(lines[i]); i += 1
            cells = [[c.strip() for c in r.strip("|").split("|")] for r in rows]
            table = doc.add_table(rows=len(cells), cols=len(cells[0]), style="Table Grid")
            for r, row in enumerate(cells):
                for c, val in enumerate(row):
                    table.cell(r, c).text = val
            continue
        elif line.strip():
            add_runs(doc.add_paragraph(), line)
        i += 1
    add_page_number(doc.sections[0])
    doc.save(a.dst)
    print(f"wrote {a.dst}")


if __name__ == "__main__":
    main()
