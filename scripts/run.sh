#!/usr/bin/env bash
# The first README command: install what is missing, build, migrate, seed demo data once,
# and serve the console at http://127.0.0.1:3000 with the embedded default.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"
# Two Leptos projects (Cargo.toml): the console with the server, then the islands bundle alone
# (building the server once per project would build it twice).
echo "==> cargo leptos build --release --precompress --project wxa-console"
cargo leptos build --release --precompress --project wxa-console
echo "==> cargo leptos build --release --frontend-only --precompress --project wxa-islands"
cargo leptos build --release --frontend-only --precompress --project wxa-islands
export LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}"
exec target/release/server serve
