#!/usr/bin/env python3
import argparse
import re
import sys

import pandas as pd

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)


def load(path, sample):
    if path.endswith((".xlsx", ".xls")):
        df = pd.read_excel(path)
    elif path.endswith(".parquet"):
        df = pd.read_parquet(path)
    else:
        df = pd.read_csv(path, low_memory=False)
    return df.sample(min(sample, len(df)), random_state=0) if sample else df


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--sample", type=int)
    a = ap.parse_args()
    df = load(a.path, a.sample)
    print(f"rows: {len(df)}  columns: {df.shape[1]}\n")
    print("| column | dtype | null % | distinct | min | max | notes |\n|---|---|---|---|---|---|---|")
    for c in df.columns:
        s = df[c]
        notes = []
        if s.nunique() == len(s):
            notes.append("unique (ID?)")
        if s.dtype == object:
            sample = s.dropna().astype(str).head(200)
            if sample.str.match(EMAIL).mean() > 0.5:
                notes.append("emails")
            if sample.str.replace(r"[,$€£\s]", "", regex=True).str.match(r"^-?\d+(\.\d+)?$").mean() > 0.9:
                notes.append("numeric as text")
        mn = s.min() if s.dtype != object else ""
        mx = s.max() if s.dtype != object else ""
        print(f"| {c} | {s.dtype} | {s.isna().mean()*100:.1f} | {s.nunique()} | {mn} | {mx} | {'; '.join(notes)} |")


if __name__ == "__main__":
    sys.exit(main())
