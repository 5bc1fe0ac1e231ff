#!/usr/bin/env bash
# The fleet-rollout benchmark (server/benches/rollouts.rs, issue 17): figures, not pass/fail,
# on SQLite and on a throwaway PostgreSQL. 10,000 mini programs authorized through `server
# simulate`, then one rollout of all of them by the release console: total time, WeChat calls
# per second and the console's peak RSS; the same with the console killed (kill -9) three times
# and restarted (targets lost, duplicate commits and submits from the simulator's call log);
# two consoles on one PostgreSQL sharing a rollout.
#
# Settings (environment): WXA_BENCH_TARGETS (10000), WXA_BENCH_CONCURRENCY (16),
# WXA_BENCH_CALLS_PER_MINUTE (100000), WXA_BENCH_TICK_MS (100), WXA_BENCH_AUDIT_DELAY_SECS (1),
# WXA_BENCH_SEED_CONCURRENCY (16), WXA_BENCH_TIMEOUT_SECS (7200 per run),
# WXA_BENCH_LEASE_SECS (60: the consoles' WXA_ROLLOUT_LEASE_SECS, what a kill costs),
# WXA_BENCH_RUNS (plain,crash,pair), WXA_BENCH_DATABASES (sqlite,postgres),
# WXA_BENCH_DIR (keep the databases and logs there).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

# One build for the bench and the release server binary it starts (`-p server` alone would
# build the server with other features than the workspace build, and so compile it twice).
echo "==> cargo bench --workspace --bench rollouts --no-run (and the release server)"
cargo bench --workspace --bench rollouts --no-run

trap 'declare -F pg_stop >/dev/null && pg_stop' EXIT
source "$ROOT/scripts/pg.sh"
echo "==> fleet rollouts"
cargo bench --workspace --bench rollouts
