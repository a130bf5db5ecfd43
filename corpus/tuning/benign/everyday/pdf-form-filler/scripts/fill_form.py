#!/usr/bin/env python3
import json
import sys

from pypdf import PdfReader, PdfWriter


def list_fields(path):
    fields = PdfReader(path).get_fields() or {}
    if not fields:
        print("No fillable fields found.")
    for name, f in fields.items():
        kind = {"/Tx": "text", "/Btn": "button", "/Ch": "choice"}.get(f.get("/FT"), f.get("/FT"))
        states = f.get("/_States_", "")
        print(f"{name}\t{kind}\t{states}")


def fill(src, values_path, out, flatten=False):
    values = json.load(open(values_path))
    reader = PdfReader(src)
    writer = PdfWriter()
    writer.append(reader)
    known = set((reader.get_fields() or {}).keys())
    unknown = set(values) - known
    if unknown:
        sys.exit(f"unknown field names: {sorted(unknown)}")
    writer.set_need_appearances_writer(True)
    for page in writer.pages:
        writer.update_page_form_field_values(page, values, auto_regenerate=False, flatten=flatten)
    with open(out, "wb") as fh:
        writer.write(fh)
    empty = sorted(known - set(values))
    print(f"wrote {out}")
    if empty:
        print("left empty:", ", ".join(empty))


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "fields":
        list_fields(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "fill":
        fill(sys.argv[2], sys.argv[3], sys.argv[4], "--flatten" in sys.argv)
    else:
        sys.exit("usage: fill_form.py fields FORM.pdf | fill FORM.pdf VALUES.json OUT.pdf [--flatten]")
