#!/usr/bin/env bash
# Run the whole test suite: lint, types, then pytest. Test artefacts land in artifacts/.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check src tests benchmarks
.venv/bin/mypy  # strict, on src/ and tests/ ([tool.mypy] in pyproject.toml)
.venv/bin/python -m pytest "$@"
