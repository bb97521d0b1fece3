#!/usr/bin/env bash
# Installs what building and testing the tracker needs, skipping whatever is already there at the
# right version (a second run installs nothing). Nothing is downloaded outside the Rust, npm and
# Debian package registries.
#   scripts/install-tools.sh            the build tools: wasm32 target, cargo-leptos, wasm-bindgen-cli, npm packages
#   scripts/install-tools.sh --browser  also Debian's chromium and chromium-driver (for the browser tests)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
say() { printf '==> %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (takes 10-20 minutes on 2 cores)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WASM_BINDGEN_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lock file names a dependency version the registry here does not have.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -f node_modules/.package-lock.json ] || ! cmp -s <(sed -n '/"packages"/,$p' package-lock.json | grep -E '"(version|integrity)"') \
     <(sed -n '/"packages"/,$p' node_modules/.package-lock.json | grep -E '"(version|integrity)"'); then
  say "installing npm packages (design system, axe-core)"
  npm ci --no-audit --no-fund
fi

# The design system's compiled CSS, scripts and icons are served from /vendor/sgds (never committed).
SGDS=node_modules/@scottish-government/design-system/dist
if ! diff -rq "$SGDS" public/vendor/sgds >/dev/null 2>&1; then
  say "copying the design system into public/vendor/sgds"
  rm -rf public/vendor/sgds
  mkdir -p public/vendor
  cp -r "$SGDS" public/vendor/sgds
fi

if [ "${1:-}" = "--browser" ]; then
  if ! command -v chromedriver >/dev/null || [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium and chromium-driver"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
  fi
fi
