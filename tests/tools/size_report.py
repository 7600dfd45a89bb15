"""Prints the size table of `make size`, writes it to build/size.json and the table of
docs/sizes.md (between `<!-- size:begin -->` and `<!-- size:end -->`). Every number is read
from the build: file sizes, `size` / `arm-none-eabi-size` of the libraries and images, the
module's memory_used() export (run on wasm3), and the footprint the C harness measured. Exits 1
when the source release's amalgamations, built with its own CMake, differ from the libraries."""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
from gen_wasm_module import parse as parse_wasm  # noqa: E402
from mcu_size_report import write_between  # noqa: E402


def size_of(tool, path, total=False):
    """text, data, bss of an object, image or archive (archives: summed over members)."""
    out = subprocess.run([tool, "-t", path] if total else [tool, path], capture_output=True, text=True, check=True).stdout
    row = out.strip().splitlines()[-1].split()
    return {"text": int(row[0]), "data": int(row[1]), "bss": int(row[2])}


def symbol_size(tool, path, name):
    out = subprocess.run([tool, "-S", path], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            return int(parts[1], 16)
    return None


def memory_used(path):
    import wasm3
    env = wasm3.Environment()
    rt = env.new_runtime(4096)
    rt.load(env.parse_module(open(path, "rb").read()))
    return rt.find_function("memory_used")()


def touched(name):
    path = f"build/c/footprint-{name}.txt"
    return int(open(path).read().split()[1]) if os.path.exists(path) else None


# The source release's libraries for the Cortex-M0+, built by its CMake (mk/release.mk).
RELEASE_M0PLUS = "build/dist/size-cortex-m0plus/build"
MODULES = (("token", "build/opaygo-token.wasm"), ("device", "build/opaygo-device.wasm"), ("seed", "build/opaygo-seed.wasm"),
           ("lean", "build/opaygo-lean.wasm"), ("full", "build/opaygo.wasm"))
FIRMWARE_LIBS = ("libopaygo-token.a", "libopaygo-device.a", "libopaygo-seed.a", "libopaygo-lean.a")
# The goals of the firmware issue: (label, limit, where the figure is in the report).
GOALS = (("seed profile .wasm", 12 * 1024, ("wasm_bytes", "seed")),
         ("lean profile .wasm", 12 * 1024, ("wasm_bytes", "lean")),
         ("device .wasm, every Metrics feature", 16 * 1024, ("wasm_bytes", "device")),
         ("token-decode firmware text, Cortex-M0+", 3 * 1024, ("cortex-m0plus", "token-decode.elf", "text_less_startup")),
         ("whole device library text, Cortex-M0+", 24 * 1024, ("cortex-m0plus", "libopaygo-device.a", "text")),
         # "touched RAM <= 4 KiB plus the state blob": the module's linear memory (the blob's buffer is
         # in it); the module instance (globals) is .bss on top, printed above.
         ("device linear memory, state blob included", 4 * 1024 + 32, ("ram", "device", "linear_memory_required")))


def n(v):
    return f"{v:,}"


def goal(r, label, how=""):
    g = r["goals"][label]
    if g["met"]:
        return f"≤ {g['limit'] // 1024} KiB{how}: met"
    return f"≤ {g['limit'] // 1024} KiB{how}: **missed** by {n(g['measured'] - g['limit'])} B"


def function_count(path):
    """The count of the module's Function section (scripts/gen_wasm_module.py reads the sections)."""
    return parse_wasm(open(path, "rb").read())[3].get(3, 0)

def profiles_table(r):
    """The table of docs/profiles.md: what each build costs, from the measured report."""
    order = ("token", "seed", "lean", "device", "full")
    w, m0, rv, ram = r["wasm_bytes"], r["cortex-m0plus"], r["rv32imc"], r["ram"]
    lib = lambda d, m: n(d[f"libopaygo-{m}.a"]["text"]) if f"libopaygo-{m}.a" in d else ""
    rows = [
        ("`.wasm` bytes", [n(w[m]) for m in order]),
        ("functions in the `.wasm` (its Function section)", [n(r["functions"][m]) for m in order]),
        ("linear memory the module requires (bytes)", [n(ram[m]["linear_memory_required"]) for m in order]),
        ("C library text, Cortex-M0+ (`-Os`; the state store included)", [lib(m0, m) for m in order[:4]] + [""]),
        ("C library text, RISC-V rv32imc (`-Os`)", [lib(rv, m) for m in order]),
    ]
    return ["| | " + " | ".join(order) + " |", "| --- " * (len(order) + 1) + "|"] + \
        [f"| {label} | " + " | ".join(cells) + " |" for label, cells in rows]


def docs_table(r):
    """The table of docs/sizes.md, from the measured report."""
    w, m0, m4, x86, rv, ram = r["wasm_bytes"], r["cortex-m0plus"], r["cortex-m4"], r["x86_64"], r["rv32imc"], r["ram"]
    t = lambda d, lib: n(d[lib]["text"])
    rel = m0["release"]
    rows = [
        ("`opaygo-seed.wasm` (the seed profile, `docs/profiles.md`; wasm-opt -Oz)", n(w["seed"]), goal(r, "seed profile .wasm")),
        ("`opaygo-lean.wasm` (the lean profile: integer readings, `docs/profiles.md`; -Oz)", n(w["lean"]), goal(r, "lean profile .wasm")),
        ("`opaygo-device.wasm` (every Metrics feature, -Oz) / `opaygo-token.wasm` (-Oz) / `opaygo.wasm` (-O3)",
         f"{n(w['device'])} / {n(w['token'])} / {n(w['full'])}", "device " + goal(r, "device .wasm, every Metrics feature")),
        ("Cortex-M0+ `libopaygo-device.a` text (-Os)", t(m0, "libopaygo-device.a"), goal(r, "whole device library text, Cortex-M0+") + " (see below)"),
        ("Cortex-M0+ `libopaygo-seed.a` / `libopaygo-lean.a` text (-Os)", f"{t(m0, 'libopaygo-seed.a')} / {t(m0, 'libopaygo-lean.a')}", ""),
        ("Cortex-M0+ `token-decode.elf` text, less start-up (linked against `libopaygo-token.a`)",
         n(m0["token-decode.elf"]["text_less_startup"]), goal(r, "token-decode firmware text, Cortex-M0+")),
        ("Cortex-M0+ `libopaygo-token.a` text", t(m0, "libopaygo-token.a"), ""),
        ("Cortex-M0+ / M4 `device-all.elf` text, less start-up (every device function linked, the state store too, libgcc and newlib-nano included)",
         f"{n(m0['device-all.elf']['text_less_startup'])} / {n(m4['device-all.elf']['text_less_startup'])}", ""),
        ("Cortex-M4 `libopaygo-device.a` / `libopaygo-seed.a` / `libopaygo-lean.a` / `libopaygo-token.a` text; `token-decode.elf` text less start-up",
         " / ".join(t(m4, lib) for lib in ("libopaygo-device.a", "libopaygo-seed.a", "libopaygo-lean.a", "libopaygo-token.a"))
         + f"; {n(m4['token-decode.elf']['text_less_startup'])}", ""),
        ("RISC-V rv32imc `libopaygo-device.a` / `libopaygo-seed.a` / `libopaygo-lean.a` / `libopaygo-token.a` / `libopaygo-full.a` text (-Os)",
         " / ".join(t(rv, lib) for lib in ("libopaygo-device.a", "libopaygo-seed.a", "libopaygo-lean.a", "libopaygo-token.a", "libopaygo-full.a")), ""),
        ("x86-64 `libopaygo-device.a` / `libopaygo-token.a` / `libopaygo.a` text (gcc -O2)",
         " / ".join(t(x86, lib) for lib in ("libopaygo-device.a", "libopaygo-token.a", "libopaygo.a")), ""),
        ("device RAM: linear memory required / touched by the tests (the state blob included)",
         f"{n(ram['device']['linear_memory_required'])} / {n(ram['device']['linear_memory_touched'])}",
         "≤ 4 KiB + 32-byte blob: " + ("met" if r["goals"]["device linear memory, state blob included"]["met"] else "**missed**")),
        ("lean profile RAM: linear memory required / touched", f"{n(ram['lean']['linear_memory_required'])} / {n(ram['lean']['linear_memory_touched'])}", ""),
        ("token build RAM: linear memory required / touched", f"{n(ram['token']['linear_memory_required'])} / {n(ram['token']['linear_memory_touched'])}", ""),
        ("full build RAM: linear memory required (its first page) / touched by the tests' vectors",
         f"{n(ram['full']['linear_memory_required'])} / {n(ram['full']['linear_memory_touched'])}", "more for large server requests (docs/codec.md, Server side)"),
        ("module instance globals (.bss, Cortex-M0+): device / token",
         f"{n(ram['device']['module_instance_cortex-m0plus'])} / {n(ram['token']['module_instance_cortex-m0plus'])}", ""),
        ("the source release's `opaygo-device.c` / `opaygo-seed.c` / `opaygo-lean.c` / `opaygo-token.c`, Cortex-M0+ text with its own CMake (`make dist-c`)",
         " / ".join(t(rel, lib) for lib in FIRMWARE_LIBS[1:] + FIRMWARE_LIBS[:1]),
         "the libraries' (the same code): " + ("met" if all(rel[lib]["text"] == m0[lib]["text"] for lib in FIRMWARE_LIBS) else "**differs**")),
    ]
    return ["| item | bytes | goal |", "| --- | --- | --- |"] + [f"| {a} | {b} | {c} |" for a, b, c in rows]


def main():
    r = {"wasm_bytes": {}, "x86_64": {}, "cortex-m0plus": {}, "cortex-m4": {}, "rv32imc": {}, "ram": {}}
    r["functions"] = {}
    for name, path in MODULES:
        r["wasm_bytes"][name] = os.path.getsize(path)
        r["functions"][name] = function_count(path)
    for lib in ("libopaygo-token.a", "libopaygo-device.a", "libopaygo.a"):
        r["x86_64"][lib] = size_of("size", f"build/c/{lib}", True)
    for cpu in ("cortex-m0plus", "cortex-m4"):
        d = f"build/arm/{cpu}"
        for lib in FIRMWARE_LIBS:
            r[cpu][lib] = size_of("arm-none-eabi-size", f"{d}/{lib}", True)
        image = size_of("arm-none-eabi-size", f"{d}/token-decode.elf")
        base = size_of("arm-none-eabi-size", f"{d}/baseline.elf")
        image["text_less_startup"] = image["text"] - base["text"]
        r[cpu]["token-decode.elf"] = image
        every = size_of("arm-none-eabi-size", f"{d}/device-all.elf")
        every["text_less_startup"] = every["text"] - base["text"]
        r[cpu]["device-all.elf"] = every
    for lib in ("libopaygo-token.a", "libopaygo-device.a", "libopaygo-seed.a", "libopaygo-lean.a", "libopaygo-full.a"):
        r["rv32imc"][lib] = size_of("riscv64-unknown-elf-size", f"build/riscv/{lib}", True)
    for name, path in MODULES:
        r["ram"][name] = {"linear_memory_required": memory_used(path), "linear_memory_touched": touched(name),
                          "state_blob": 32}
    for name in ("token", "device"):
        # The module instance (its globals) is the API's static `inst`.
        inst = symbol_size("arm-none-eabi-nm", f"build/arm/cortex-m0plus/libopaygo-{name}.a", "inst")
        r["ram"][name]["module_instance_cortex-m0plus"] = inst

    # The source release's amalgamations, built for the Cortex-M0+ with its own CMake (make dist-c,
    # mk/release.mk): the same code as the libraries above, so the same text.
    r["cortex-m0plus"]["release"] = {}
    differ = []
    for lib in sorted(os.listdir(RELEASE_M0PLUS)):
        if lib.endswith(".a"):
            got = size_of("arm-none-eabi-size", os.path.join(RELEASE_M0PLUS, lib), True)
            r["cortex-m0plus"]["release"][lib] = got
            if got["text"] != r["cortex-m0plus"].get(lib, {}).get("text"):
                differ.append(lib)

    def row(label, s):
        return f"  {label:<44} {s['text']:>8} {s['data']:>6} {s['bss']:>6}"

    w = r["wasm_bytes"]
    lines = ["opaygo-wasm sizes (bytes)",
             "  .wasm: " + ", ".join(f"{name} {w[name]}" for name, _ in MODULES),
             f"  {'C (text / data / bss)':<44} {'text':>8} {'data':>6} {'bss':>6}"]
    for lib in ("libopaygo-token.a", "libopaygo-device.a", "libopaygo.a"):
        lines.append(row(f"x86-64 {lib} (gcc -O2)", r["x86_64"][lib]))
    for cpu in ("cortex-m0plus", "cortex-m4"):
        for lib in FIRMWARE_LIBS:
            lines.append(row(f"{cpu} {lib} (-Os)", r[cpu][lib]))
        t = r[cpu]["token-decode.elf"]
        lines.append(row(f"{cpu} token-decode.elf", t) + f"   ({t['text_less_startup']} text less start-up)")
        a = r[cpu]["device-all.elf"]
        lines.append(row(f"{cpu} device-all.elf", a) + f"   ({a['text_less_startup']} text less start-up)")
    for lib, got in r["cortex-m0plus"]["release"].items():
        name = "opaygo-" + lib[len("libopaygo-"):-2] + ".c"
        lines.append(row(f"cortex-m0plus {name}, release", got)
                     + ("   DIFFERS from the library" if lib in differ else "   (= the library: the same code)"))
    for lib in ("libopaygo-token.a", "libopaygo-device.a", "libopaygo-seed.a", "libopaygo-lean.a", "libopaygo-full.a"):
        lines.append(row(f"rv32imc {lib} (-Os, mk/wasm-riscv.mk)", r["rv32imc"][lib]))
    for name, _ in MODULES:
        m = r["ram"][name]
        extra = (f"; module instance {m['module_instance_cortex-m0plus']} (Cortex-M0+ .bss)"
                 if "module_instance_cortex-m0plus" in m else "")
        lines.append(f"  RAM {name}: linear memory {m['linear_memory_required']} required, "
                     f"{m['linear_memory_touched']} touched by the tests{extra}; state blob {m['state_blob']}")
    r["goals"] = {}
    lines.append("  goals:")
    for label, limit, where in GOALS:
        v = r
        for k in where:
            v = v[k]
        r["goals"][label] = {"limit": limit, "measured": v, "met": v <= limit}
        lines.append(f"    {label:<58} {v:>6} <= {limit:<6} {'met' if v <= limit else 'MISSED'}")
    print("\n".join(lines))
    with open("build/size.json", "w") as f:
        json.dump(r, f, indent=2)
        f.write("\n")
    if r["cortex-m0plus"]["release"]:
        write_between("docs/sizes.md", "\n".join(docs_table(r)), "size")
        write_between("docs/profiles.md", "\n".join(profiles_table(r)), "size")
    return 1 if differ or not r["cortex-m0plus"]["release"] else 0


if __name__ == "__main__":
    sys.exit(main())
