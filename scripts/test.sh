#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian/Ubuntu machine, then run the whole suite.
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v soffice >/dev/null 2>&1 || ! command -v pdftoppm >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    libreoffice-calc-nogui poppler-utils fonts-dejavu-core fonts-liberation2 >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -e '.[test]'
ruff check laa_xl tests benchmarks lite
mypy laa_xl  # strict for laa_xl.core (pyproject.toml)
python3 -m pytest "$@"
