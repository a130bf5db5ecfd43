#!/usr/bin/env python3
import argparse
import csv
import re
import sys

import pandas as pd

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.I)


def sniff(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as fh:
        sample = fh.read(64_000)
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def load(path, sep, sample):
    kw = dict(sep=sep, nrows=sample, low_memory=False)
    try:
        return pd.read_csv(path, encoding="utf-8", **kw)
    except UnicodeDecodeError:
        return pd.read_csv(path, encoding="latin-1", **kw)


def describe(col: pd.Series) -> dict:
    nn = col.dropna()
    info = {
        "dtype": str(col.dtype),
        "null %": f"{100 * col.isna().mean():.1f}",
        "distinct": nn.nunique(),
    }
    if pd.api.types.is_numeric_dtype(col) and len(nn):
        info["min"], info["max"], info["mean"] = nn.min(), nn.max(), round(nn.mean(), 3)
    elif len(nn):
        as_dates = pd.to_datetime(nn.head(500), errors="coerce")
        if as_dates.notna().mean() > 0.9:
            info["note"] = "looks like dates"
        elif nn.astype(str).head(500).str.match(EMAIL).mean() > 0.8:
            info["note"] = "looks like email (PII)"
        elif info["distinct"] == len(nn):
            info["note"] = "unique: possible ID"
        top = nn.astype(str).value_counts().head(3)
        if "PII" not in info.get("note", ""):
            info["top"] = ", ".join(f"{k[:20]} ({v})" for k, v in top.items())
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("--sep")
    ap.add_argument("--sample", type=int)
    a = ap.parse_args()
    df = load(a.path, a.sep or sniff(a.path), a.sample)
    print(f"# Profile of `{a.path}`\n")
    print(f"- rows: {len(df):,}{' (sampled)' if a.sample else ''}\n- columns: {len(df.columns)}\n")
    keys = ["dtype", "null %", "distinct", "min", "max", "mean", "top", "note"]
    print("| column | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name in df.columns:
        d = describe(df[name])
        print(f"| {name} | " + " | ".join(str(d.get(k, "")) for k in keys) + " |")


if __name__ == "__main__":
    sys.exit(main())
