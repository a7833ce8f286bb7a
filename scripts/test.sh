#!/usr/bin/env bash
# Set up (first time only) and run the whole test suite: unit, index, answer quality on SQuAD,
# the live app through gradio_client, and headless-Chromium browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
export HF_HUB_OFFLINE=1 GRADIO_ANALYTICS_ENABLED=False
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
