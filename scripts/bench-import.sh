#!/usr/bin/env bash
# The import benchmark (docs/PERFORMANCE.md): a 100,000-line workbook parsed, validated and
# committed to SQLite by the tracker, beside pandas.read_excel (openpyxl) merely reading it.
#   scripts/bench-import.sh [ROWS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS="${1:-100000}"
TARGET="${CARGO_TARGET_DIR:-target}"
VENV="${BENCH_VENV:-$HOME/.cache/ict-savings-tracker/bench-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q pandas openpyxl
fi
cargo build --profile bench-fast -p server --bin bench-import
BIN="$TARGET/bench-fast/bench-import"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
FILE="$WORK/return-$ROWS.xlsx"
"$BIN" generate "$FILE" "$ROWS"
echo "--- the tracker: read, parse, validate, commit"
"$BIN" run "$FILE"
echo "--- pandas: read only"
"$VENV/bin/python" scripts/bench_pandas.py "$FILE"
