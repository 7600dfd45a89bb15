"""Checks build/mcu/footprint.json (make mcu-size): every architecture x backend x module is there,
with every figure an integer, flash and instructions positive, the interpreters' heap positive
(wasm2c's 0), ram_bytes the sum of heap, C stack and static RAM, the flash split summing to its
total. Prints one line per failure and "N passed, M failed".
Usage: python3 tests/tools/check_footprint.py build/mcu/footprint.json"""
import json
import sys

EXPECTED = {"cortex-m3": ("token", "seed", "device", "lean"), "rv32": ("token", "device")}
BACKENDS = ("wasm3", "wamr", "toywasm", "wasm2c")
FIELDS = ("heap_peak_bytes", "c_stack_bytes", "static_bytes", "ram_bytes", "instr_per_step")


def check(backend, v):
    """Failure texts for one entry."""
    bad = [f"{k} missing or not an integer" for k in FIELDS if not isinstance(v.get(k), int)]
    flash = v.get("flash_bytes", {})
    if bad or not isinstance(flash.get("total"), int):
        return bad or ["flash_bytes.total missing"]
    if flash["total"] <= 0 or v["instr_per_step"] <= 0 or v["c_stack_bytes"] <= 0:
        bad.append("flash, instructions or C stack not positive")
    if (v["heap_peak_bytes"] > 0) != (backend != "wasm2c"):
        bad.append(f"heap_peak_bytes {v['heap_peak_bytes']}")
    if v["ram_bytes"] != v["heap_peak_bytes"] + v["c_stack_bytes"] + v["static_bytes"]:
        bad.append("ram_bytes is not heap + C stack + static")
    if sum(n for k, n in flash.items() if k != "total") != flash["total"]:
        bad.append(f"flash split sums to {sum(n for k, n in flash.items() if k != 'total')}, total {flash['total']}")
    return bad


def main():
    data = json.load(open(sys.argv[1]))
    passed = failed = 0
    for arch, modules in EXPECTED.items():
        for backend in BACKENDS:
            for module in modules:
                v = data.get(arch, {}).get(backend, {}).get(module)
                bad = ["missing"] if v is None else check(backend, v)
                for b in bad:
                    print(f"FAIL footprint {arch} {backend} {module}: {b}")
                passed, failed = passed + (not bad), failed + bool(bad)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
