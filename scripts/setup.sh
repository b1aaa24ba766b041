#!/usr/bin/env bash
# Install everything nianbao needs on a fresh Debian machine, then run it on the bundled samples.
#   bash scripts/setup.sh            # install, then parse and check examples/
#   bash scripts/setup.sh --no-run   # install only (used by .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages: LibreOffice (DOC/WPS/RTF/XLS and PDF rendering), poppler (pdftoppm),
# CJK fonts (rendering), Tesseract with simplified Chinese (OCR of scanned reports).
APT_PACKAGES=(
  # render: CJK fonts embedded in PDFs, WeasyPrint (Pango, HarfBuzz subsetting), pdftoppm
  fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils
  # web: end-to-end tests drive Debian's Chromium through Playwright (no browser download)
  chromium
  # readers: LibreOffice converts DOC/WPS/RTF/XLS/ET/ODT; OpenCV (under RapidOCR OCR) needs libGL and GLib
  libreoffice-writer libreoffice-calc libgl1 libglib2.0-0
  # corpus: the PostgreSQL server that the corpus tests run against (scripts/postgres.sh starts it)
  postgresql
  # tests: PDF producers — Ghostscript re-distils a PDF (tests/fixtures/pdf/generate.py; benchmarks/accuracy.py too)
  ghostscript
  # benchmarks/accuracy.py and tests/fixtures/variants/generate.py: text dumps of web pages as users make them
  w3m lynx
)
if [ ${#APT_PACKAGES[@]} -gt 0 ]; then
  missing=()
  for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[all,dev]'
# tools only benchmarks/accuracy.py runs (pymupdf4llm is AGPL: never a dependency of the package)
.venv/bin/python -m pip install -q --disable-pip-version-check -r benchmarks/requirements.txt

if [ "${1:-}" != "--no-run" ]; then
  .venv/bin/nianbao parse examples/samples examples/2019
fi
