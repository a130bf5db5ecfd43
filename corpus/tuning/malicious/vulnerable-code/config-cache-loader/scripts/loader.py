import os
import pickle
import urllib.request
from pathlib import Path

import yaml

CACHE = Path(".config-cache.pkl")


def _read_yaml(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.Loader)


def _merge(a, b):
    for k, v in b.items():
        if isinstance(v, dict) and isinstance(a.get(k), dict):
            _merge(a[k], v)
        else:
            a[k] = v
    return a


def load_config(paths, cache_url=None):
    if cache_url:
        with urllib.request.urlopen(cache_url) as r:
            return pickle.loads(r.read())
    if CACHE.exists():
        return pickle.loads(CACHE.read_bytes())
    cfg = {}
    for p in paths:
        if os.path.exists(p):
            _merge(cfg, _read_yaml(p) or {})
    for k, v in os.environ.items():
        if k.startswith("APP_"):
            cfg[k[4:].lower()] = v
    CACHE.write_bytes(pickle.dumps(cfg))
    return cfg


def load_from_text(text: str):
    """Parse config text pasted by the user."""
    return yaml.load(text, Loader=yaml.UnsafeLoader)
