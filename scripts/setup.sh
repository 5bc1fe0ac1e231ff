#!/usr/bin/env bash
# Installs whatever is missing (fast when everything is there), in two parts:
#   system: the Debian packages (the compiler among them);
#   tools:  cargo-leptos, the wasm-bindgen CLI that matches Cargo.lock, and the Node packages
#           for Playwright/wasm-opt; only the browser side's build and Playwright need them, so
#           test.sh builds the server side while they install.
# No argument: both.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"
PART="${1:-all}"

system() {
  SUDO=""
  if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

  APT_PACKAGES=(rustc-web cargo-web rust-web-src rust-web-clippy rustfmt-web lld-22 chromium postgresql nodejs npm pkg-config curl)
  missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # A node from elsewhere (e.g. the machine image) is fine; only install Debian's when there is none.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
  fi
  want=()
  for p in "${missing[@]}"; do [ -n "$p" ] && want+=("$p"); done
  if [ "${#want[@]}" -gt 0 ]; then
    echo "==> apt-get install ${want[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${want[@]}" >/dev/null
  fi
}

tools() {
  if ! cargo leptos --version 2>/dev/null | grep -q "0.3.11"; then
    # --debug: cargo-leptos only orchestrates (cargo, wasm-bindgen, wasm-opt, sass run as their own
    # processes), so an unoptimised build does the same work and compiles in about half the time
    # (13.5 minutes against ~22 on 2 cores); without debug info, which is most of an unoptimised
    # build's output and link time.
    echo "==> cargo install cargo-leptos 0.3.11 (about 10 minutes on 2 cores, once)"
    CARGO_PROFILE_DEV_DEBUG=0 cargo install cargo-leptos --version =0.3.11 --locked --features no_downloads --debug
  fi

  WBG_VERSION="$(awk '/^name = "wasm-bindgen"$/{getline; gsub(/version = |"/,""); print; exit}' Cargo.lock)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q "$WBG_VERSION"; then
    echo "==> cargo install wasm-bindgen-cli $WBG_VERSION"
    # Not --locked: its lock pins a webpki-roots that no longer resolves (shared/toolchain.md).
    cargo install wasm-bindgen-cli --version "=$WBG_VERSION"
  fi

  if [ ! -x end2end/node_modules/.bin/playwright ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    echo "==> npm ci (end2end)"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

case "$PART" in
  system) system ;;
  tools) tools ;;
  all) system; tools ;;
  *) echo "usage: setup.sh [system|tools]" >&2; exit 2 ;;
esac
