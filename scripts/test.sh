#!/usr/bin/env bash
# The second README command: everything, failing fast on the cheap checks.
#   format → build once, linting as it compiles, the browser and the server side at the same time → run
#   the three suites side by side: unit + integration on SQLite, the same on PostgreSQL,
#   Playwright against the server binary of that build.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
# The compiler and the system packages now; the browser side's tools install beside the server
# side's build below (on a fresh machine they take ~15 minutes, mostly one crate at a time).
"$ROOT/scripts/setup.sh" system

LOGS="$(mktemp -d /tmp/wxa-test.XXXXXX)"
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  declare -F pg_stop >/dev/null && pg_stop
  [ -n "${E2E_DIR:-}" ] && rm -rf "$E2E_DIR"
  return 0
}
trap cleanup EXIT
stamp() { echo "==> [$(date +%T)] $*"; }

stamp "cargo fmt --check"
cargo fmt --all -- --check

# Lints and builds are one pass: clippy-driver compiles the workspace's own crates (what
# `cargo clippy` runs, with codegen too), so a warning fails the build itself and nothing is
# checked twice. Every cargo command below uses it, or the suites would rebuild those crates.
RUSTC_WORKSPACE_WRAPPER="$(command -v clippy-driver)"
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"

# Two build lanes side by side, each in its own target directory (no shared lock): a single
# crate's front end uses one core, so one lane fills the other's idle core.
#   browser: the release site; cargo-leptos builds both wasm bundles (bundles/*, the app crate with `hydrate`,
#            linted for wasm32 on the way) in target/front;
#   server:  every test target, the benches and the server binary Playwright runs, in the `ci`
#            profile (Cargo.toml: release-optimized dependencies, lightly optimized own crates).
# cargo-leptos builds only the browser side: its own server build would rebuild the app crate.
stamp "build: the browser side (tools, site) beside the server side (tests, benches, server)"
# The tools are not ours to lint: cargo install must not run them through clippy-driver.
(env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS "$ROOT/scripts/setup.sh" tools &&
  stamp "browser side: tools ready" &&
  cargo leptos build --release --frontend-only --precompress) >"$LOGS/browser-build.log" 2>&1 &
BROWSER_BUILD=$!
server_rc=0
cargo test --workspace --all-targets --profile ci --no-run || server_rc=$?
if [ "$server_rc" != 0 ]; then
  pkill -TERM -P "$BROWSER_BUILD" 2>/dev/null || true
  exit "$server_rc"
fi
stamp "server side built"
browser_rc=0
wait "$BROWSER_BUILD" || browser_rc=$?
stamp "browser side built (rc $browser_rc)"
grep -m1 "browser side: tools ready" "$LOGS/browser-build.log" || true
if [ "$browser_rc" != 0 ]; then
  echo "======== browser build FAILED: the end of its log"
  tail -80 "$LOGS/browser-build.log"
  exit "$browser_rc"
fi

# The suites only run what is built, so they can run at the same time.
source "$ROOT/scripts/pg.sh"
E2E_DIR="$(mktemp -d /tmp/wxa-e2e.XXXXXX)"
# A copy, so that nothing the test runs do to target/ reaches the running server.
cp target/ci/server "$E2E_DIR/server"

run_sqlite() { cargo test --workspace --profile ci >"$LOGS/sqlite.log" 2>&1; }
run_postgres() { WXA_TEST_DATABASE_URL="$WXA_TEST_PG_URL" cargo test --workspace --profile ci >"$LOGS/postgres.log" 2>&1; }
run_playwright() {
  local port
  port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
  # The icon proxy may fetch from loopback here: the only images this machine can reach are local.
  WXA_LISTEN="127.0.0.1:$port" WXA_PUBLIC_URL="http://127.0.0.1:$port" WXA_DATA_DIR="$E2E_DIR" \
    WXA_SIMULATOR_LISTEN="127.0.0.1:0" WXA_DATABASE_URL="sqlite://$E2E_DIR/e2e.db?mode=rwc" \
    WXA_MEDIA_ALLOW_PRIVATE=true LEPTOS_SITE_ROOT=target/site \
    "$E2E_DIR/server" serve >"$E2E_DIR/server.log" 2>&1 &
  SERVER_PID=$!
  # "listening" is printed once start-up (demo data through the simulator included) is done.
  for _ in $(seq 1 600); do
    grep -q "wxa-console listening" "$E2E_DIR/server.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$E2E_DIR/server.log"; return 1; }
    sleep 0.2
  done
  local rc=0
  (cd end2end && BASE_URL="http://127.0.0.1:$port" npx playwright test) >"$LOGS/playwright.log" 2>&1 || rc=$?
  kill "$SERVER_PID" 2>/dev/null || true
  if [ "$rc" != 0 ]; then
    # Icon fetches fail by design here (no internet); they would drown what matters.
    grep -v "/media/icon" "$E2E_DIR/server.log" | tail -60 >"$LOGS/playwright-server.log" || true
  fi
  return "$rc"
}

stamp "run: tests on SQLite, tests on PostgreSQL, Playwright (Chromium), side by side"
run_sqlite & SQLITE=$!
run_postgres & POSTGRES=$!
run_playwright & PLAYWRIGHT=$!
failed=()
wait "$SQLITE" || failed+=(sqlite)
stamp "SQLite suite finished"
wait "$POSTGRES" || failed+=(postgres)
stamp "PostgreSQL suite finished"
wait "$PLAYWRIGHT" || failed+=(playwright)
stamp "Playwright finished"

# The details first and the summary last: CI shows the end of this output.
for suite in sqlite postgres playwright; do
  if [[ " ${failed[*]} " == *" $suite "* ]]; then
    echo "======== $suite FAILED: the end of its log"
    [ -f "$LOGS/$suite-server.log" ] && { echo "---- server log (last lines)"; cat "$LOGS/$suite-server.log"; }
    tail -80 "$LOGS/$suite.log"
  fi
done
for suite in sqlite postgres playwright; do
  if [[ " ${failed[*]} " == *" $suite "* ]]; then
    echo "======== $suite: what failed"
    grep -E "^test .* FAILED|panicked at|^  [0-9]+\) |✘|^    (Error|Expected|Received|Timeout)" "$LOGS/$suite.log" | head -40 || true
    grep -A6 -E "^ +[0-9]+ (failed|flaky)$" "$LOGS/$suite.log" | head -20 || true
  fi
done

count() { grep -E '^test result' "$1" | awk '{p+=$4; f+=$6} END {print p+0, f+0}'; }
read -r sp sf < <(count "$LOGS/sqlite.log")
read -r pp pf < <(count "$LOGS/postgres.log")
ep="$(grep -oE '^ +[0-9]+ passed' "$LOGS/playwright.log" | tail -1 | tr -dc 0-9 || true)"
ef="$(grep -oE '^ +[0-9]+ failed' "$LOGS/playwright.log" | tail -1 | tr -dc 0-9 || true)"
flaky="$(grep -oE '^ +[0-9]+ flaky' "$LOGS/playwright.log" | tail -1 | tr -dc 0-9 || true)"
echo "==> cargo tests on SQLite: $sp passed; on PostgreSQL: $pp passed; Playwright: ${ep:-0} passed, ${ef:-0} failed, ${flaky:-0} flaky (passed on its retry)"
echo "total: $((sp + pp + ${ep:-0})) passed, $((sf + pf + ${ef:-0})) failed; logs in $LOGS"
[ "${#failed[@]}" = 0 ] || { echo "FAILED: ${failed[*]}"; exit 1; }
