#!/usr/bin/env python3
"""What the wasm's code is: function body bytes by the crate named in each function's symbol.

Reads the rustc output before wasm-bindgen and wasm-opt (it still has the `name` section):
    scripts/wasm_code_by_crate.py target/front/wasm32-unknown-unknown/wasm-release/bundle_console.wasm [N]
prints the share of each crate and the N largest functions. wasm-opt shrinks the code
afterwards, so the shares are approximate; they show where the bytes come from.
"""
import collections
import re
import sys

CRATES = (
    "leptos_router", "leptos_meta", "leptos_dom", "leptos_server", "leptos", "tachys",
    "reactive_graph", "server_fn", "serde_json", "serde", "wasm_bindgen", "web_sys", "js_sys",
    "core", "alloc", "std", "hashbrown", "qrjump", "subscribe_rules", "wechat_wire",
    "futures_util", "futures", "either_of", "throw_error", "any_spawner", "hydration_context",
    "send_wrapper", "codee", "base64", "http", "dlmalloc", "app",
)
# A v0-mangled path component is <length><identifier>; the first crate component names it.
CRATE_RE = re.compile(r"\d+(" + "|".join(sorted(CRATES, key=len, reverse=True)) + r")(?![A-Za-z_])")


def leb128(data, i):
    value = shift = 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def read_module(data):
    """(function body sizes in index order, {function index: name}, imported functions)."""
    i, bodies, names, imported = 8, [], {}, 0
    while i < len(data):
        section = data[i]
        size, i = leb128(data, i + 1)
        start, end = i, i + size
        if section == 2:  # imports: functions take the first indices
            count, j = leb128(data, i)
            for _ in range(count):
                for _ in range(2):  # module and field names
                    n, j = leb128(data, j)
                    j += n
                kind = data[j]
                j += 1
                if kind == 0:
                    _, j = leb128(data, j)
                    imported += 1
                elif kind == 1:  # table: element type, limits
                    flags, j = leb128(data, j + 1)
                    _, j = leb128(data, j)
                    if flags & 1:
                        _, j = leb128(data, j)
                elif kind == 2:  # memory: limits
                    flags, j = leb128(data, j)
                    _, j = leb128(data, j)
                    if flags & 1:
                        _, j = leb128(data, j)
                elif kind == 3:  # global: type, mutability
                    j += 2
        elif section == 10:  # code
            count, j = leb128(data, i)
            for _ in range(count):
                n, j = leb128(data, j)
                bodies.append(n)
                j += n
        elif section == 0:
            n, j = leb128(data, i)
            if data[j:j + n] == b"name":
                j += n
                while j < end:
                    sub = data[j]
                    length, j = leb128(data, j + 1)
                    if sub == 1:
                        count, k = leb128(data, j)
                        for _ in range(count):
                            index, k = leb128(data, k)
                            n, k = leb128(data, k)
                            names[index] = data[k:k + n].decode("utf-8", "replace")
                            k += n
                    j += length
        i = end
    return bodies, names, imported


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    bodies, names, imported = read_module(open(sys.argv[1], "rb").read())
    top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    total = sum(bodies)
    if not names:
        sys.exit("no name section: give the rustc output, before wasm-bindgen and wasm-opt")
    by_crate = collections.Counter()
    functions = []
    for index, size in enumerate(bodies):
        name = names.get(index + imported, "?")
        match = CRATE_RE.search(name)
        by_crate[match.group(1) if match else "other"] += size
        functions.append((size, name))
    print(f"  code: {total} bytes in {len(bodies)} functions (before wasm-opt)")
    for crate, size in by_crate.most_common(16):
        print(f"  {crate:<20} {size:>10} {100 * size / total:5.1f} %")
    print(f"  the {top_n} largest functions:")
    for size, name in sorted(functions, reverse=True)[:top_n]:
        print(f"  {size:>8} {name[:120]}")


if __name__ == "__main__":
    main()
