#!/usr/bin/env bash
# Concurrent saves on SQLite and PostgreSQL (issue 15): 50 officers' returns saved at once,
# three times each, then ten races of two saves of one return. Prints a Markdown table for
# docs/PERFORMANCE.md: saves per second, p50/p99 of a save, errors, and how the races ended
# (every race should be one 2xx/3xx and one 409). The server is built with the bench-fast
# profile (optimised, quicker to build than release) and serves the debug site's assets.
#
#   scripts/bench-saves.sh               # both backends
#   WORKERS=20 scripts/bench-saves.sh sqlite
set -euo pipefail
cd "$(dirname "$0")/.."

WORKERS=${WORKERS:-50}
SAVES=${SAVES:-3}
RACES=${RACES:-10}
PG_ADMIN_URL=${TRACKER_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<<"${BACKENDS[*]}"
TARGET=${CARGO_TARGET_DIR:-target}
say() { printf '==> %s\n' "$*" >&2; }

scripts/install-tools.sh >&2
[ -d target/site/pkg ] || cargo leptos build >&2
say "building the server (bench-fast profile)"
LEPTOS_OUTPUT_NAME=ict-savings-tracker cargo build --profile bench-fast -p server --bin server >&2
BIN="$TARGET/bench-fast/server"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

ROWS=()
for backend in "${BACKENDS[@]}"; do
  DATA=$(mktemp -d)
  PORT=$(free_port)
  if [ "$backend" = sqlite ]; then
    URL="sqlite:$DATA/tracker.db?mode=rwc"
  else
    psql -q "$PG_ADMIN_URL" -c 'DROP DATABASE IF EXISTS tracker_bench_saves' -c 'CREATE DATABASE tracker_bench_saves' >&2
    URL="${PG_ADMIN_URL%/*}/tracker_bench_saves"
  fi
  export TRACKER_DATABASE_URL="$URL" TRACKER_DATA_DIR="$DATA" TRACKER_LISTEN="127.0.0.1:$PORT" \
    TRACKER_SITE_ROOT=target/site TRACKER_LOG=warn
  "$BIN" seed >&2
  # Bodies that answer for 2013-14: those with neither a start nor an end date.
  grep -v '^#' fixtures/organisations.csv | awk -F, 'NR > 1 && $5 == "" && $6 == "" { print $1 }' \
    | head -n "$WORKERS" >"$DATA/codes"
  ORGS=()
  while read -r code; do ORGS+=(--org "$code"); done <"$DATA/codes"
  TRACKER_NEW_PASSWORD=bench-officer-password "$BIN" create-user --email bench.officer@gov.scot \
    --role officer --name "Bench officer" "${ORGS[@]}" >&2
  "$BIN" serve >&2 &
  PID=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  COOKIE=$(curl -s -o /dev/null -D - -H "Origin: http://127.0.0.1:$PORT" \
    --data 'email=bench.officer%40gov.scot&password=bench-officer-password' \
    "http://127.0.0.1:$PORT/api/auth/login" | sed -n 's/^[Ss]et-[Cc]ookie: tracker_session=\([^;]*\).*/\1/p' | head -1)
  [ -n "$COOKIE" ] || { echo "error: could not sign in to the benchmark server" >&2; kill "$PID"; exit 1; }
  say "$backend: $WORKERS officers saving at once, $SAVES saves each; $RACES races"
  ROWS+=("$(python3 scripts/bench_saves.py "http://127.0.0.1:$PORT" "$COOKIE" "$DATA/codes" \
    --saves "$SAVES" --races "$RACES" --label "$backend")")
  kill "$PID"; wait "$PID" 2>/dev/null || true
  rm -rf "$DATA"
done

echo
echo "$WORKERS officers × $SAVES saves at once, then $RACES races of two saves of one return; $(nproc) cores; server built with the bench-fast profile."
echo
echo "| backend | saves | saves/s | p50 (ms) | p99 (ms) | errors | races (statuses: count) |"
echo "|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
