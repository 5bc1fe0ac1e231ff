#!/usr/bin/env bash
# The second README command: everything, in order of speed of failure.
#   format and lint → unit + integration on SQLite → the same on PostgreSQL → Playwright (release build)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
"$ROOT/scripts/setup.sh"

cleanup() { [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true; declare -F pg_stop >/dev/null && pg_stop; [ -n "${E2E_DIR:-}" ] && rm -rf "$E2E_DIR"; }
trap cleanup EXIT

echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (server side)"
cargo clippy --workspace --all-targets --release -- -D warnings
echo "==> cargo clippy (browser side, wasm32)"
cargo clippy -p app --lib --features hydrate --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort --profile wasm-release -- -D warnings

echo "==> tests on SQLite"
cargo test --workspace --release 2>&1 | tee /tmp/wxa-test-sqlite.log

source "$ROOT/scripts/pg.sh"
echo "==> tests on PostgreSQL"
WXA_TEST_DATABASE_URL="$WXA_TEST_PG_URL" cargo test --workspace --release 2>&1 | tee /tmp/wxa-test-postgres.log

echo "==> cargo leptos build --release"
cargo leptos build --release
E2E_DIR="$(mktemp -d /tmp/wxa-e2e.XXXXXX)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
WXA_LISTEN="127.0.0.1:$PORT" WXA_PUBLIC_URL="http://127.0.0.1:$PORT" WXA_DATA_DIR="$E2E_DIR" \
  WXA_SIMULATOR_LISTEN="127.0.0.1:0" WXA_DATABASE_URL="sqlite://$E2E_DIR/e2e.db?mode=rwc" LEPTOS_SITE_ROOT=target/site \
  target/release/server serve >"$E2E_DIR/server.log" 2>&1 &
SERVER_PID=$!
# "listening" is printed once start-up (demo data through the simulator included) is done.
for _ in $(seq 1 300); do
  grep -q "wxa-console listening" "$E2E_DIR/server.log" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$E2E_DIR/server.log"; exit 1; }
  sleep 0.2
done
echo "==> Playwright (Chromium) against http://127.0.0.1:$PORT"
if ! (cd end2end && BASE_URL="http://127.0.0.1:$PORT" npx playwright test) 2>&1 | tee "$E2E_DIR/playwright.log"; then
  tail -50 "$E2E_DIR/server.log"
  exit 1
fi

count() { grep -E '^test result' "$1" | awk '{p+=$4; f+=$6} END {print p+0, f+0}'; }
read -r sp sf < <(count /tmp/wxa-test-sqlite.log)
read -r pp pf < <(count /tmp/wxa-test-postgres.log)
ep="$(grep -oE '^ +[0-9]+ passed' "$E2E_DIR/playwright.log" | tail -1 | tr -dc 0-9)"
echo "==> cargo tests on SQLite: $sp passed; on PostgreSQL: $pp passed; Playwright: $ep passed"
echo "total: $((sp + pp + ep)) passed, $((sf + pf)) failed"
