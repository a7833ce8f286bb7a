#!/usr/bin/env bash
# Set up (first time only) and start the web UI on the default corpus; builds the index if it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python app.py "$@"
