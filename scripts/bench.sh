#!/usr/bin/env bash
# Prints registry query timings on 10,000 mini programs, SQLite and PostgreSQL, in one run,
# and the size of the release wasm.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
trap 'declare -F pg_stop >/dev/null && pg_stop' EXIT
source "$ROOT/scripts/pg.sh"
cargo bench -p server --bench registry

wasm="$ROOT/target/site/pkg/wxa-console.wasm"
if [ -f "$wasm" ]; then
  echo "wasm bundle: $(stat -c %s "$wasm") bytes, gzip -9: $(gzip -9c "$wasm" | wc -c) bytes"
else
  echo "wasm bundle: not built (cargo leptos build --release)"
fi
