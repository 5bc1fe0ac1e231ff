#!/usr/bin/env bash
# Prints registry query timings on 10,000 mini programs, SQLite and PostgreSQL, in one run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
trap 'declare -F pg_stop >/dev/null && pg_stop' EXIT
source "$ROOT/scripts/pg.sh"
cargo bench -p server --bench registry
