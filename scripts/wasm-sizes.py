#!/usr/bin/env python3
"""Where the browser download's bytes go: the game's .wasm by crate.

Reads a .wasm that still has its name section (cargo's output, before wasm-bindgen drops
it: `$CARGO_TARGET_DIR/wasm32-unknown-unknown/web-release/sleep-sync.wasm`), gives each
function body to the crate its name starts with, and prints per crate the code's bytes
and what they come to gzipped on their own (`gzip -9`; the crates' sum is a little more
than the whole file gzipped, as each is compressed apart), then the data segments and
the rest. Functions merged by the linker count for the name they kept; generic code
counts for the crate it was written in, whoever instantiated it.

Usage: scripts/wasm-sizes.py FILE.wasm [--top N]   (N crates, default 25; the rest summed)
       scripts/wasm-sizes.py --self-test           (checks itself on a module it writes)
"""

import re
import sys
import zlib


def leb(data, at):
    """An unsigned LEB128 at `at`: (value, where the next byte is)."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def sections(data):
    """(id, name of a custom section or None, payload start, payload end) of each."""
    if data[:4] != b"\0asm":
        sys.exit("not a WebAssembly module")
    at = 8
    while at < len(data):
        kind = data[at]
        size, start = leb(data, at + 1)
        end = start + size
        name = None
        if kind == 0:
            length, after = leb(data, start)
            name = data[after : after + length].decode("utf-8", "replace")
        yield kind, name, start, end
        at = end


def imported_functions(data, start):
    """How many functions the import section brings in (they come first in the index)."""
    count, at = leb(data, start)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            length, at = leb(data, at)
            at += length
        kind = data[at]
        at += 1
        if kind == 0:  # a function: its type index
            _, at = leb(data, at)
            functions += 1
        elif kind == 1:  # a table: element type and limits
            at += 1
            flags, at = leb(data, at)
            _, at = leb(data, at)
            if flags & 1:
                _, at = leb(data, at)
        elif kind == 2:  # a memory: limits
            flags, at = leb(data, at)
            _, at = leb(data, at)
            if flags & 1:
                _, at = leb(data, at)
        elif kind == 3:  # a global: type and mutability
            at += 2
        elif kind == 4:  # a tag
            at += 1
            _, at = leb(data, at)
    return functions


def function_names(data, start, end):
    """Function index → name, from the name section's function names (subsection 1)."""
    names = {}
    length, at = leb(data, start)
    at += length  # the section's own name, "name"
    while at < end:
        kind = data[at]
        size, body = leb(data, at + 1)
        if kind == 1:
            count, p = leb(data, body)
            for _ in range(count):
                index, p = leb(data, p)
                length, p = leb(data, p)
                names[index] = data[p : p + length].decode("utf-8", "replace")
                p += length
        at = body + size
    return names


LEGACY = re.compile(r"_ZN(\d+)")
# Legacy mangling escapes `<`, `>`, `&`, `*` and spaces: `_$LT$bevy_ecs..world..World$u20$as$u20$…`.
ESCAPES = re.compile(r"^(_?\$(LT|RF|BP|u20|u5b|u7b)\$|mut\$u20\$|dyn\$u20\$|const\$u20\$)+")
# v0: a crate root `C`, its disambiguator, then the name's length (`u` if Punycode; `_`
# after the length when the name starts with `_` or a digit).
V0_CRATE = re.compile(r"C(?:s[0-9A-Za-z]*_)?u?(\d+)_?")
IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
NO_CRATE = "(no crate: C, compiler-made or unnamed)"
BINDGEN = "(wasm-bindgen's descriptions: removed by wasm-bindgen, not downloaded)"


def crate_of(name):
    """The crate a function's name starts with, mangled (`_ZN4core3fmt…`, `_RNv…`) or
    not; for `<Type as Trait>::f`, the type's crate (the trait's for a generic, primitive
    or tuple type)."""
    if name.startswith("__wbindgen_describe"):
        return BINDGEN
    mangled = LEGACY.match(name)
    if mangled:
        first = name[mangled.end() : mangled.end() + int(mangled.group(1))]
        if not first.startswith(("_$", "$")):
            return first
        first = ESCAPES.sub("", first)
        ident = IDENT.match(first)
        if ident and first[ident.end() : ident.end() + 2] == "..":
            return ident.group(0)
        # `<T as Trait>`, `<[T] as Trait>`, `<(A, B) as Trait>`: the trait's crate.
        trait = first.find("$u20$as$u20$")
        if trait >= 0:
            ident = IDENT.match(first, trait + len("$u20$as$u20$"))
            if ident and first[ident.end() : ident.end() + 2] == "..":
                return ident.group(0)
        return NO_CRATE
    if name.startswith("_R"):
        v0 = V0_CRATE.search(name, 2)
        if v0:
            start = v0.end()
            return name[start : start + int(v0.group(1))]
        return NO_CRATE
    # Demangled: `<bevy_ecs::world::World as core::Default>::default`, `core::fmt::write`.
    text = re.sub(r"^([<&*( ]|dyn |mut |const )+", "", name)
    ident = IDENT.match(text)
    if ident and text[ident.end() : ident.end() + 2] == "::":
        return ident.group(0)
    return NO_CRATE


def gz(blob):
    return len(zlib.compress(blob, 9))


def by_crate(data):
    """Crate → the bodies of its functions, and the number of functions defined."""
    imported = 0
    code = None
    names = {}
    for kind, name, start, end in sections(data):
        if kind == 2:
            imported = imported_functions(data, start)
        elif kind == 10:
            code = (start, end)
        elif kind == 0 and name == "name":
            names = function_names(data, start, end)
    if code is None:
        sys.exit("no code section")
    if not names:
        sys.exit("no name section: give the .wasm cargo built, before wasm-bindgen")
    crates = {}
    count, at = leb(data, code[0])
    for i in range(count):
        size, body = leb(data, at)
        crate = crate_of(names.get(imported + i, ""))
        crates.setdefault(crate, []).append(data[body : body + size])
        at = body + size
    return crates, count


def self_test():
    """The name rules on names from the game's build, and the reader on a small module:
    one imported function, then three defined ones named for two crates."""
    cases = {
        "_ZN8bevy_ecs5world5World5spawn17h0123456789abcdefE": "bevy_ecs",
        "_ZN103_$LT$bevy_ecs..system..function_system..FunctionSystem$LT$M$GT$$u20$as$u20$bevy_ecs..system..System$GT$3run17hE": "bevy_ecs",
        "_ZN50_$LT$T$u20$as$u20$core..convert..Into$LT$U$GT$$GT$4into17hE": "core",
        "_ZN82_$LT$$RF$mut$u20$ron..de..Deserializer$u20$as$u20$serde_core..de..Deserializer$GT$3foo17hE": "ron",
        "_RNvCs1234_10sleep_sync4main": "sleep_sync",
        "_RNvCs1234_7___rustc12___rust_alloc": "__rustc",
        "__wbindgen_describe_closure": BINDGEN,
        "<bevy_pbr::Material as core::default::Default>::default": "bevy_pbr",
        "core::fmt::write": "core",
        "memcpy": NO_CRATE,
    }
    for name, crate in cases.items():
        got = crate_of(name)
        assert got == crate, f"{name}: {got}, not {crate}"

    def vec(items):
        return bytes([len(items)]) + b"".join(items)

    def section(kind, payload):
        return bytes([kind, len(payload)]) + payload

    def name(text):
        return bytes([len(text)]) + text.encode()

    body_a = bytes([0, 0x0B])  # no locals, end
    body_b = bytes([0, 0x01, 0x0B])  # no locals, nop, end
    module = b"\0asm\x01\0\0\0"
    module += section(1, vec([bytes([0x60, 0, 0])]))  # one type: () -> ()
    module += section(2, vec([name("env") + name("f") + bytes([0, 0])]))
    module += section(3, vec([bytes([0])] * 3))
    module += section(10, vec([bytes([len(b)]) + b for b in (body_a, body_b, body_a)]))
    names = vec(
        [
            bytes([1]) + name("_ZN4core3fmt5write17hE"),
            bytes([2]) + name("_ZN8bevy_ecs5world5spawn17hE"),
            bytes([3]) + name("_ZN4core3ptr4drop17hE"),
        ]
    )
    module += section(0, name("name") + bytes([1, len(names)]) + names)
    crates, count = by_crate(module)
    assert count == 3, count
    assert crates == {"core": [body_a, body_a], "bevy_ecs": [body_b]}, crates
    print("wasm-sizes: self-test passed")


def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return
    if args[0] == "--self-test":
        self_test()
        return
    top = 25
    if "--top" in args:
        top = int(args[args.index("--top") + 1])
    path = args[0]
    data = open(path, "rb").read()
    crates, count = by_crate(data)
    listed = list(sections(data))
    data_blob = b"".join(data[start:end] for kind, _, start, end in listed if kind == 11)
    custom = sum(end - start for kind, name, start, end in listed if kind == 0 and name != "name")
    code_bytes = next(end - start for kind, _, start, end in listed if kind == 10)

    rows = []
    for crate, bodies in crates.items():
        blob = b"".join(bodies)
        rows.append((gz(blob), len(blob), len(bodies), crate))
    rows.sort(reverse=True)

    whole = len(data)
    print(f"{path}: {whole / 1e6:.2f} MB, {gz(data) / 1e6:.2f} MB gzipped (with its name section)")
    print()
    print("| crate | functions | code | gzipped alone |")
    print("|---|---:|---:|---:|")
    shown = rows[:top]
    rest = rows[top:]
    for packed, raw, functions, crate in shown:
        print(f"| {crate} | {functions:,} | {raw / 1e6:.2f} MB | {packed / 1e6:.3f} MB |")
    if rest:
        print(
            f"| {len(rest)} more crates | {sum(r[2] for r in rest):,} | "
            f"{sum(r[1] for r in rest) / 1e6:.2f} MB | {sum(r[0] for r in rest) / 1e6:.3f} MB |"
        )
    print(
        f"| **all code** | {count:,} | {code_bytes / 1e6:.2f} MB | "
        f"{sum(r[0] for r in rows) / 1e6:.3f} MB |"
    )
    print(f"| data segments | | {len(data_blob) / 1e6:.2f} MB | {gz(data_blob) / 1e6:.3f} MB |")
    print(f"| other custom sections (not downloaded after wasm-bindgen) | | {custom / 1e6:.2f} MB | |")


if __name__ == "__main__":
    main()
