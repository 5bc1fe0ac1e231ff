# Sourced by the scripts: the toolchain layout from shared/toolchain.md.
# Debian's rustc-web (1.96) first: it builds the server and, with -Zbuild-std, the wasm std.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# scripts/bin first: its wasm-opt skips the many tiny chunks of the split bundle.
export PATH="/usr/bin:$HOME/.cargo/bin:$ROOT/scripts/bin:$ROOT/end2end/node_modules/.bin:$PATH"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
