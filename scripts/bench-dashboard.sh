#!/usr/bin/env bash
# Measures the programme dashboard and an organisation page under load, on a synthetic dataset
# ten times Scotland's size (2,000 bodies × 15 years × every category, 1,500 sites, 50 services),
# on SQLite and on PostgreSQL: p50/p99 latency and requests per second (wrk), the server's peak
# RSS, and the time of the raw aggregation SQL the dashboard needs, in the same run; the time of
# a page computed afresh (right after a change to the data, median of 5), and the dashboard
# under load while the data changes every CHANGE_EVERY seconds (default 5). Also the release
# wasm bundle's size, gzipped. Results go to stdout as Markdown for docs/PERFORMANCE.md.
#
#   scripts/bench-dashboard.sh                    # both backends, the full size
#   BODIES=200 SITES=150 scripts/bench-dashboard.sh sqlite   # smaller, one backend
set -euo pipefail
cd "$(dirname "$0")/.."

BODIES=${BODIES:-2000}
YEARS=${YEARS:-15}
SITES=${SITES:-1500}
SERVICES=${SERVICES:-50}
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-8}
SQL_RUNS=${SQL_RUNS:-10}
CHANGE_EVERY=${CHANGE_EVERY:-5}
PG_ADMIN_URL=${TRACKER_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}
BACKENDS=("${@:-sqlite postgres}")
read -r -a BACKENDS <<<"${BACKENDS[*]}"
TARGET=${CARGO_TARGET_DIR:-target}
say() { printf '==> %s\n' "$*" >&2; }

scripts/install-tools.sh >&2
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
# Release builds need wasm-opt from npm's binaryen 132 (Debian's 108 breaks hydration).
export PATH="$PWD/node_modules/.bin:$PATH"
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "132" ]; then
  say "installing binaryen@132 (wasm-opt) from npm"
  npm install --no-save --no-audit --no-fund binaryen@132 >&2
fi

say "building the release site and server (cargo leptos build --release)"
cargo leptos build --release >&2
BIN="$TARGET/release/server"
WASM=$(ls target/site/pkg/*.wasm)
WASM_RAW=$(stat -c %s "$WASM")
WASM_GZ=$(gzip -9 -c "$WASM" | wc -c)

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

# wrk's summary: "p50 p99 rps" (milliseconds, requests per second).
measure() {
  local url=$1 cookie=$2 out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --timeout 60s --latency -H "Cookie: tracker_session=$cookie" "$url")
  echo "$out" >&2
  local p50 p99 rps errors
  p50=$(echo "$out" | awk '$1 == "50%" { print $2 }')
  p99=$(echo "$out" | awk '$1 == "99%" { print $2 }')
  rps=$(echo "$out" | awk '/^Requests\/sec/ { print $2 }')
  errors=$(echo "$out" | awk '/Non-2xx/ { print $NF }')
  echo "$(to_ms "$p50") $(to_ms "$p99") $rps ${errors:-0}"
}
to_ms() {
  local v=$1
  case $v in
    *us) awk -v x="${v%us}" 'BEGIN { printf "%.2f", x / 1000 }' ;;
    *ms) awk -v x="${v%ms}" 'BEGIN { printf "%.2f", x }' ;;
    *s) awk -v x="${v%s}" 'BEGIN { printf "%.2f", x * 1000 }' ;;
    *) echo "$v" ;;
  esac
}

ROWS=()
SIZES=()
for backend in "${BACKENDS[@]}"; do
  DATA=$(mktemp -d)
  PORT=$(free_port)
  if [ "$backend" = sqlite ]; then
    URL="sqlite:$DATA/tracker.db?mode=rwc"
  else
    psql -q "$PG_ADMIN_URL" -c 'DROP DATABASE IF EXISTS tracker_bench' -c 'CREATE DATABASE tracker_bench' >&2
    URL="${PG_ADMIN_URL%/*}/tracker_bench"
  fi
  export TRACKER_DATABASE_URL="$URL" TRACKER_DATA_DIR="$DATA" TRACKER_LISTEN="127.0.0.1:$PORT" \
    TRACKER_SITE_ROOT=target/site TRACKER_LOG=warn
  say "$backend: seeding and generating ${BODIES} bodies × ${YEARS} years, ${SITES} sites, ${SERVICES} services"
  "$BIN" seed >&2
  TRACKER_NEW_PASSWORD=bench-board-password "$BIN" create-user --email bench.board@gov.scot --role board --name "Bench board" >&2
  start=$(date +%s)
  "$BIN" generate-synthetic --bodies "$BODIES" --years "$YEARS" --sites "$SITES" --services "$SERVICES" >&2
  GENERATED=$(( $(date +%s) - start ))
  SQL=$("$BIN" bench-sql --runs "$SQL_RUNS")
  say "$backend: raw aggregation SQL: $SQL"
  "$BIN" serve >&2 &
  PID=$!
  for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
  COOKIE=$(curl -s -o /dev/null -D - -H "Origin: http://127.0.0.1:$PORT" \
    --data 'email=bench.board%40gov.scot&password=bench-board-password' \
    "http://127.0.0.1:$PORT/api/auth/login" | sed -n 's/^[Ss]et-[Cc]ookie: tracker_session=\([^;]*\).*/\1/p' | head -1)
  [ -n "$COOKIE" ] || { echo "error: could not sign in to the benchmark server" >&2; kill "$PID"; exit 1; }
  # A change to the data: a tracked write that moves the data version (so every cached page is
  # computed again on its next request) without changing a figure.
  change() {
    local sql='UPDATE gdp_deflators SET verified = verified'
    if [ "$backend" = sqlite ]; then
      python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=30); c.execute(sys.argv[2]); c.commit()' "$DATA/tracker.db" "$sql"
    else
      psql -q "$URL" -c "$sql" >/dev/null
    fi
  }
  version() {
    if [ "$backend" = sqlite ]; then
      python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT version FROM data_version").fetchone()[0])' "$DATA/tracker.db"
    else
      psql -Atq "$URL" -c 'SELECT version FROM data_version'
    fi
  }
  before=$(version); change
  [ "$(version)" -gt "$before" ] || { echo "error: the change did not move the data version" >&2; kill "$PID"; exit 1; }
  # The page is the board's programme dashboard (not a sign-in page or the public baseline).
  curl -s -H "Cookie: tracker_session=$COOKIE" "http://127.0.0.1:$PORT/dashboard" >"$DATA/page.html"
  grep -q 'id="chart-savings-annual"' "$DATA/page.html" || { echo "error: /dashboard did not show the programme dashboard" >&2; kill "$PID"; exit 1; }
  DBYTES=$(wc -c <"$DATA/page.html")
  # A page computed afresh: the median of 5 requests, each right after a change.
  computed() {
    local times=()
    for _ in 1 2 3 4 5; do
      change
      times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "Cookie: tracker_session=$COOKIE" "$1")")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n 3p | awk '{ printf "%.0f", $1 * 1000 }'
  }
  DCOLD=$(computed "http://127.0.0.1:$PORT/dashboard")
  OCOLD=$(computed "http://127.0.0.1:$PORT/organisations/synthetic-0001")
  say "$backend: dashboard computed in ${DCOLD} ms (${DBYTES} bytes), organisation page in ${OCOLD} ms"
  # Steady state: both pages computed once for the current data, then under load.
  curl -s -o /dev/null -H "Cookie: tracker_session=$COOKIE" "http://127.0.0.1:$PORT/dashboard"
  read -r D50 D99 DRPS DERR < <(measure "http://127.0.0.1:$PORT/dashboard" "$COOKIE")
  read -r O50 O99 ORPS OERR < <(measure "http://127.0.0.1:$PORT/organisations/synthetic-0001" "$COOKIE")
  # The dashboard again while the data changes every CHANGE_EVERY seconds.
  ( while sleep "$CHANGE_EVERY"; do change; done ) &
  CHANGER=$!
  read -r C50 C99 CRPS CERR < <(measure "http://127.0.0.1:$PORT/dashboard" "$COOKIE")
  kill "$CHANGER"; wait "$CHANGER" 2>/dev/null || true
  RSS=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$PID/status")
  kill "$PID"; wait "$PID" 2>/dev/null || true
  ROWS+=("| $backend | dashboard | $D50 | $D99 | $DRPS | $DERR | $DCOLD | $SQL | $RSS |")
  ROWS+=("| $backend | organisation page | $O50 | $O99 | $ORPS | $OERR | $OCOLD | | |")
  ROWS+=("| $backend | dashboard, data changing every ${CHANGE_EVERY} s | $C50 | $C99 | $CRPS | $CERR | | | |")
  SIZES+=("$backend: the dashboard page is ${DBYTES} bytes.")
  say "$backend: generated in ${GENERATED}s"
  rm -rf "$DATA"
  unset TRACKER_DATABASE_URL
done

echo
echo "Dataset: ${BODIES} bodies × ${YEARS} years × 9 categories, ${SITES} sites, ${SERVICES} services; wrk -t2 -c${CONNECTIONS} -d${DURATION}; $(nproc) cores."
echo
echo "| backend | page | p50 (ms) | p99 (ms) | requests/s | non-2xx | computed afresh (ms) | raw SQL per dashboard (ms) | peak RSS (MiB) |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
printf '%s\n' "${SIZES[@]}"
echo
echo "Release wasm bundle: ${WASM_RAW} bytes, ${WASM_GZ} bytes gzipped."
