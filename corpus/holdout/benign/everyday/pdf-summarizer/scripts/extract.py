#!/usr/bin/env python3
import sys

import pdfplumber

with pdfplumber.open(sys.argv[1]) as pdf:
    for i, page in enumerate(pdf.pages, 1):
        text = page.extract_text() or ""
        print(f"[p.{i}]\n{text}\n")
