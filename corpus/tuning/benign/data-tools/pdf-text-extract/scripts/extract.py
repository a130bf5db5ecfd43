#!/usr/bin/env python3
import argparse
import csv
from pathlib import Path

import pdfplumber
from pypdf import PdfReader


def page_range(spec: str | None, n: int) -> range:
    if not spec:
        return range(n)
    a, _, b = spec.partition("-")
    return range(int(a) - 1, int(b or a))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", type=Path)
    ap.add_argument("--pages")
    ap.add_argument("--tables", action="store_true")
    ap.add_argument("--meta", action="store_true")
    a = ap.parse_args()

    reader = PdfReader(a.pdf)
    if a.meta:
        m = reader.metadata or {}
        print(f"title:  {m.get('/Title')}\nauthor: {m.get('/Author')}\npages:  {len(reader.pages)}")
        return

    pages = page_range(a.pages, len(reader.pages))
    if a.tables:
        with pdfplumber.open(a.pdf) as pdf:
            for i in pages:
                for t, table in enumerate(pdf.pages[i].extract_tables(), 1):
                    out = a.pdf.with_suffix(f".p{i + 1}.t{t}.csv")
                    with out.open("w", newline="") as fh:
                        csv.writer(fh).writerows(table)
                    print(f"wrote {out}")
        return

    out = a.pdf.with_suffix(".txt")
    empty = []
    with out.open("w", encoding="utf-8") as fh:
        for i in pages:
            text = reader.pages[i].extract_text() or ""
            if not text.strip():
                empty.append(i + 1)
            fh.write(f"\n\n=== page {i + 1} ===\n{text}")
    print(f"wrote {out}")
    if empty:
        print(f"no text on pages {empty}: probably scanned; consider ocrmypdf")


if __name__ == "__main__":
    main()
