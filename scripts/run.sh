#!/usr/bin/env bash
# Set up and run the tracker on the embedded SQLite database with demo data:
# installs what is missing, builds, migrates, seeds and serves on http://127.0.0.1:3000.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-tools.sh
cargo leptos build
BIN="${CARGO_TARGET_DIR:-target}/debug/server"
"$BIN" migrate
"$BIN" seed --demo
echo "==> serving on http://${TRACKER_LISTEN:-127.0.0.1:3000} (Ctrl-C to stop)"
exec "$BIN" serve
