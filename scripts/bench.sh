#!/usr/bin/env bash
# Figures, not pass/fail, for SQLite and PostgreSQL in one run:
#   - registry query timings on 10,000 mini programs (server/benches/registry.rs);
#   - the page benchmark (server/benches/pages.rs): 10,000 mini programs and 1,000,000
#     audit-log rows, the release server, wrk on the signed-in list pages against /login;
#   - the asset sizes of target/site/pkg (raw, gzip -9, brotli), per route when the wasm is split.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$ROOT"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
want=()
command -v wrk >/dev/null || want+=(wrk)
command -v brotli >/dev/null || want+=(brotli)
if [ "${#want[@]}" -gt 0 ]; then
  echo "==> apt-get install ${want[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${want[@]}" >/dev/null
fi

# One build for the server binary and both benches: `cargo build --release` alone would build
# the server with other features than the bench build (the dev-dependencies' reqwest features
# join in there) and so compile app and server twice. pages.rs starts the binary this builds.
echo "==> cargo bench -p server --bench registry --bench pages --no-run (and the release server)"
cargo bench -p server --bench registry --bench pages --no-run
if [ ! -d target/site/pkg ]; then
  echo "==> cargo leptos build --release --frontend-only (the site the server serves)"
  cargo leptos build --release --frontend-only --precompress
fi

trap 'declare -F pg_stop >/dev/null && pg_stop' EXIT
source "$ROOT/scripts/pg.sh"
echo "==> registry queries"
cargo bench -p server --bench registry
echo "==> pages"
cargo bench -p server --bench pages

echo "==> assets in target/site/pkg (bytes)"
pkg="$ROOT/target/site/pkg"
have_brotli=""
command -v brotli >/dev/null && have_brotli=1
# Sizes of one file: raw, gzip -9, brotli (the build's .br when there is one).
sizes() {
  local f="$1" raw gz br
  raw="$(stat -c %s "$f")"
  gz="$(gzip -9c "$f" | wc -c)"
  if [ -f "$f.br" ]; then br="$(stat -c %s "$f.br")"
  elif [ -n "$have_brotli" ]; then br="$(brotli -c -q 11 "$f" | wc -c)"
  else br="n/a"; fi
  echo "$raw $gz $br"
}
if [ -d "$pkg" ]; then
  printf '  %-52s %10s %10s %10s\n' file raw gzip brotli
  for f in "$pkg"/*; do
    [ -f "$f" ] || continue
    case "$f" in *.br|*.gz) continue ;; esac
    read -r raw gz br < <(sizes "$f")
    printf '  %-52s %10s %10s %10s\n' "$(basename "$f")" "$raw" "$gz" "$br"
  done

  # What a page loads before it is interactive: the stylesheet, then its bundle's JavaScript glue
  # and wasm (app::app::ISLAND_PAGES load the islands bundle, every other page the console's).
  echo "==> first load per page (stylesheet + the page's bundle: JavaScript glue + wasm)"
  islands_pages="$(sed -n '/^pub const ISLAND_PAGES/,/\];/p' "$ROOT/app/src/app.rs" | grep -o '"[^"]*"' | tr -d '"' | paste -sd ' ')"
  for bundle in wxa-islands wxa-console; do
    from="$pkg"; [ "$bundle" = wxa-islands ] && from="$(dirname "$pkg")/islands/pkg"
    files=("$pkg"/wxa-console.*.css "$from"/"$bundle".*.js "$from"/"$bundle".*.wasm)
    [ -f "${files[1]}" ] || files=("$pkg"/wxa-console.css "$from"/"$bundle".js "$from"/"$bundle".wasm)
    raw=0 gz=0 br=0
    for f in "${files[@]}"; do
      [ -f "$f" ] || { br="n/a (no $(basename "$f"))"; continue; }
      read -r r g b < <(sizes "$f")
      raw=$((raw + r)) gz=$((gz + g))
      [[ "$br" =~ ^[0-9]+$ && "$b" =~ ^[0-9]+$ ]] && br=$((br + b)) || br="n/a"
    done
    if [ "$bundle" = wxa-islands ]; then pages="$islands_pages"; else pages="every other page"; fi
    printf '  %-52s %10s %10s %10s\n' "$bundle ($pages)" "$raw" "$gz" "$br"
  done

  manifest="$(ls "$pkg"/__wasm_split_manifest*.json 2>/dev/null | grep -v '\.\(br\|gz\)$' | head -1 || true)"
  if [ -n "$manifest" ]; then
    # The manifest maps each split (a lazy route's view, a lazy function) to the wasm files
    # (stems) it loads: { "mini_programs_route_view_123…": ["chunk_0", "mini_programs_…"] }.
    # A route costs the main bundle (wasm, js, css, the split loader) plus those files.
    echo "==> bytes per route ($(basename "$manifest"); main bundle + the route's chunks)"
    table="$(mktemp)"
    for f in "$pkg"/*; do
      [ -f "$f" ] || continue
      case "$f" in *.br|*.gz) continue ;; esac
      read -r raw gz br < <(sizes "$f")
      echo "$(basename "$f") $raw $gz $br" >>"$table"
    done
    python3 - "$manifest" "$table" <<'PY'
import json, re, sys
manifest = json.load(open(sys.argv[1]))
sizes = {}
for line in open(sys.argv[2]):
    name, raw, gz, br = line.split()
    sizes[name] = (int(raw), int(gz), int(br) if br.isdigit() else None)

def total(names):
    raw = sum(sizes[n][0] for n in names)
    gz = sum(sizes[n][1] for n in names)
    br = None if any(sizes[n][2] is None for n in names) else sum(sizes[n][2] for n in names)
    return raw, gz, br

# wasm files a split loads: "<stem>.wasm", or "<stem>.<hash>.wasm" when the build hashes files.
def wasm_of(stem):
    for n in sizes:
        if n == stem + ".wasm" or (n.startswith(stem + ".") and n.endswith(".wasm") and n.count(".") == 2):
            return n
    return None

chunks = {w for deps in manifest.values() for d in deps for w in [wasm_of(d)] if w}
main = [n for n in sizes
        if (n.endswith(".wasm") and n not in chunks)
        or n.endswith(".js") or n.endswith(".css")]
main = [n for n in main if not n.endswith(".d.ts")]
raw, gz, br = total(main)
fmt = "  {:<52} {:>10} {:>10} {:>10}"
print(fmt.format("split (route)", "raw", "gzip", "brotli"))
print(fmt.format("main bundle (every route)", raw, gz, br if br is not None else "n/a")
      + "   " + " + ".join(sorted(main)))
def route_name(split):
    # a LazyRoute's view is "__<type in snake case>_View", hashed: mini_programs_route_view_<n>
    m = re.match(r"_*(.+?_route)_view_\d+$", split)
    if not m:
        return split
    return "".join(p.capitalize() for p in m.group(1).split("_"))
for split in sorted(manifest):
    files = [wasm_of(d) for d in manifest[split]]
    missing = [d for d, w in zip(manifest[split], files) if w is None]
    files = [w for w in files if w]
    raw, gz, br = total(main + files)
    label = route_name(split)
    print(fmt.format(label[:52], raw, gz, br if br is not None else "n/a")
          + "   " + " + ".join(files) + (f" (not found: {', '.join(missing)})" if missing else ""))
PY
    rm -f "$table"
  else
    echo "  the bundle is not split (no __wasm_split_manifest*.json): every route loads the files above"
  fi
else
  echo "  target/site/pkg: not built (cargo leptos build --release --frontend-only)"
fi

for crate in bundle_console bundle_islands; do
  rustc_wasm="$ROOT/target/front/wasm32-unknown-unknown/wasm-release/$crate.wasm"
  if [ -f "$rustc_wasm" ]; then
    echo "==> what the wasm's code is, by crate ($rustc_wasm)"
    python3 "$ROOT/scripts/wasm_code_by_crate.py" "$rustc_wasm" 10
  fi
done
