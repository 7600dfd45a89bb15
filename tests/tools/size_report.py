"""Prints the size table of `make size` and writes it to build/size.json. Every number is read
from the build: file sizes, `size` / `arm-none-eabi-size` of the libraries and images, the
module's memory_used() export (run on wasm3), and the footprint the C harness measured."""
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


def main():
    r = {"wasm_bytes": {}, "x86_64": {}, "cortex-m0plus": {}, "cortex-m4": {}, "ram": {}}
    for name, path in (("device", "build/opaygo-device.wasm"), ("full", "build/opaygo.wasm")):
        r["wasm_bytes"][name] = os.path.getsize(path)
    r["x86_64"]["libopaygo-device.a"] = size_of("size", "build/c/libopaygo-device.a", True)
    r["x86_64"]["libopaygo.a"] = size_of("size", "build/c/libopaygo.a", True)
    for cpu in ("cortex-m0plus", "cortex-m4"):
        d = f"build/arm/{cpu}"
        r[cpu]["libopaygo-device.a"] = size_of("arm-none-eabi-size", f"{d}/libopaygo-device.a", True)
        image = size_of("arm-none-eabi-size", f"{d}/token-decode.elf")
        base = size_of("arm-none-eabi-size", f"{d}/baseline.elf")
        image["text_less_startup"] = image["text"] - base["text"]
        r[cpu]["token-decode.elf"] = image
    for name, path in (("device", "build/opaygo-device.wasm"), ("full", "build/opaygo.wasm")):
        r["ram"][name] = {"linear_memory_required": memory_used(path), "linear_memory_touched": touched(name),
                          "state_blob": 32}
    r["ram"]["module_instance_bss_cortex-m0plus"] = symbol_size(
        "arm-none-eabi-nm", "build/arm/cortex-m0plus/token-decode.elf", "inst")

    def row(label, s):
        return f"  {label:<44} {s['text']:>8} {s['data']:>6} {s['bss']:>6}"

    lines = ["opaygo-wasm sizes (bytes)",
             f"  .wasm: device {r['wasm_bytes']['device']}, full {r['wasm_bytes']['full']}",
             f"  {'C (text / data / bss)':<44} {'text':>8} {'data':>6} {'bss':>6}"]
    lines.append(row("x86-64 libopaygo-device.a (gcc -O2)", r["x86_64"]["libopaygo-device.a"]))
    lines.append(row("x86-64 libopaygo.a (gcc -O2)", r["x86_64"]["libopaygo.a"]))
    for cpu in ("cortex-m0plus", "cortex-m4"):
        lines.append(row(f"{cpu} libopaygo-device.a (-Os)", r[cpu]["libopaygo-device.a"]))
        t = r[cpu]["token-decode.elf"]
        lines.append(row(f"{cpu} token-decode.elf", t) + f"   ({t['text_less_startup']} text less start-up)")
    for name in ("device", "full"):
        m = r["ram"][name]
        lines.append(f"  RAM {name}: linear memory {m['linear_memory_required']} required, "
                     f"{m['linear_memory_touched']} touched by the tests; state blob {m['state_blob']}")
    lines.append(f"  RAM module instance (globals, .bss on Cortex-M0+): {r['ram']['module_instance_bss_cortex-m0plus']}")
    print("\n".join(lines))
    with open("build/size.json", "w") as f:
        json.dump(r, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    sys.exit(main())
