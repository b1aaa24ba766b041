#!/usr/bin/env bash
# Run the whole test suite: lint, then pytest. Test artefacts land in artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests benchmarks
.venv/bin/python -m pytest "$@"
