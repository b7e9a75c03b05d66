#!/usr/bin/env bash
# Fuzz the JSON API (schemathesis) under gunicorn on SQLite and PostgreSQL; see .ci/fuzz.py.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
exec timeout "${FUZZ_TOTAL_SECONDS:-1080}" "$PYTHON" .ci/fuzz.py
