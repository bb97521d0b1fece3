#!/usr/bin/env bash
# Runs the whole test suite: formatting and lints (server and wasm builds), domain unit and
# property tests, integration tests through the real router on SQLite AND PostgreSQL, and the
# browser tests (headless Chromium + axe-core) against the built server.
# PostgreSQL must be reachable (TRACKER_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test):
# the run fails if it is not; it is never skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\n==> %s\n' "$*"; }

scripts/install-tools.sh --browser

PG_URL="${TRACKER_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! pg_isready -q -d "$PG_URL" 2>/dev/null; then
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    say "starting the local PostgreSQL cluster"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -d "$PG_URL" && break; sleep 1; done
  fi
  if ! pg_isready -q -d "$PG_URL" 2>/dev/null; then
    echo "error: PostgreSQL is not reachable at $PG_URL; the integration tests need it (set TRACKER_TEST_POSTGRES_URL)." >&2
    exit 1
  fi
fi

# The two variables are set on each command, not exported, so cargo-leptos and cargo share builds.
OUT=ict-savings-tracker
FLAGS="--cfg erase_components"
RESULTS=$(mktemp)
trap 'rm -f "$RESULTS"' EXIT

say "formatting"
cargo fmt --all -- --check

say "building the site and server (cargo leptos build)"
cargo leptos build

say "unit, property and integration tests (SQLite and PostgreSQL)"
LEPTOS_OUTPUT_NAME=$OUT RUSTFLAGS="$FLAGS" cargo test --no-fail-fast -p domain -p app -p server -p tests --features app/ssr 2>&1 | tee -a "$RESULTS"

say "browser tests (headless Chromium, axe-core)"
LEPTOS_OUTPUT_NAME=$OUT RUSTFLAGS="$FLAGS" cargo test -p tests --features e2e --test browser 2>&1 | tee -a "$RESULTS"

say "clippy: server build"
LEPTOS_OUTPUT_NAME=$OUT RUSTFLAGS="$FLAGS" cargo clippy -p domain -p app -p server -p tests --features app/ssr,tests/e2e --all-targets -- -D warnings
say "clippy: wasm hydrate build"
LEPTOS_OUTPUT_NAME=$OUT RUSTFLAGS="$FLAGS" cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

say "all checks passed"
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$RESULTS"
