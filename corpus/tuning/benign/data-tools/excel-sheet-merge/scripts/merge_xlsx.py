#!/usr/bin/env python3
import argparse
from pathlib import Path

import pandas as pd

ap = argparse.ArgumentParser()
ap.add_argument("inputs", nargs="+", type=Path)
ap.add_argument("-o", "--output", type=Path, required=True)
ap.add_argument("--all-sheets", action="store_true")
a = ap.parse_args()

if a.output in a.inputs:
    raise SystemExit("output must not be one of the inputs")

frames = []
for path in a.inputs:
    sheets = pd.read_excel(path, sheet_name=None if a.all_sheets else 0)
    if not isinstance(sheets, dict):
        sheets = {"": sheets}
    for name, df in sheets.items():
        df.columns = [str(c).strip().lower() for c in df.columns]
        df.insert(0, "source", f"{path.name}{':' + name if name else ''}")
        frames.append(df)

base = set(frames[0].columns)
for df in frames[1:]:
    extra, missing = set(df.columns) - base, base - set(df.columns)
    if extra or missing:
        print(f"{df['source'].iat[0]}: extra={sorted(extra)} missing={sorted(missing)}")

merged = pd.concat(frames, ignore_index=True, sort=False)
merged.to_excel(a.output, index=False)
print(f"wrote {a.output}: {len(merged)} rows from {len(frames)} sheet(s)")
