"""Prints the size table of `make size` and writes it to build/size.json. Every number is read
from the build: file sizes, `size` / `arm-none-eabi-size` of the libraries and images, the
module's memory_used() export (run on wasm3), and the footprint the C harness measured. Exits 1
when the source release's amalgamations, built with its own CMake, differ from the libraries."""
import json
import os
import subprocess
import sys


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


def main():
    r = {"wasm_bytes": {}, "x86_64": {}, "cortex-m0plus": {}, "cortex-m4": {}, "rv32imc": {}, "ram": {}}
    for name, path in MODULES:
        r["wasm_bytes"][name] = os.path.getsize(path)
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
    return 1 if differ or not r["cortex-m0plus"]["release"] else 0


if __name__ == "__main__":
    sys.exit(main())
