#!/usr/bin/env bash
# Create .venv in the current project and install its dependencies.
set -euo pipefail

if [[ ! -f pyproject.toml && ! -f requirements.txt ]]; then
  echo "No pyproject.toml or requirements.txt in $(pwd)" >&2
  exit 1
fi

if command -v uv >/dev/null 2>&1; then
  if [[ -f uv.lock ]]; then
    uv sync
  else
    uv venv .venv
    if [[ -f requirements.txt ]]; then
      uv pip install -r requirements.txt
    else
      uv pip install -e .
    fi
  fi
  exit 0
fi

PY=${PYTHON:-python3}
"$PY" -m venv .venv
# shellcheck disable=SC1091
source .venv/bin/activate
python -m pip install --upgrade pip

if [[ -f requirements.txt ]]; then
  pip install -r requirements.txt
else
  pip install -e .
fi

if [[ -f requirements-dev.txt ]]; then
  pip install -r requirements-dev.txt
fi

echo "Environment ready: $(python --version) in .venv"
