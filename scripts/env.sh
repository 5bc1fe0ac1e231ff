# Sourced by the scripts: the toolchain layout from shared/toolchain.md.
# Debian's rustc-web (1.96) first: it builds the server and, with -Zbuild-std, the wasm std.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="/usr/bin:$HOME/.cargo/bin:$ROOT/end2end/node_modules/.bin:$PATH"
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
