"""make mcu-size: the .wasm as firmware on wasm3 (Cortex-M), beside the wasm2c C of the same module.
Every number is read from the build or measured under QEMU (mps2-an385, Cortex-M3):
  flash   build/mcu/<cpu>/decode-<module>.elf (the smallest firmware that decodes a token): its
          linker map split into wasm3, the .wasm (the const array and export names), the API
          (bindings/c/opaygo.c + tests/mcu/opaygo_wasm3.c), libc/libm/libgcc/semihosting, the rest
          (start-up, the program); the wasm2c image of the same program beside it. wasm3 is built for
          the module (tests/mcu/wasm3_opcodes.py: only its opcodes), the image has no stdio
  RAM     the harness image in "measure" mode (tests/mcu/wasm3_main.c): wasm3's heap after parsing,
          after loading (every function compiled), after the whole suite; the smallest heap that
          runs (tests/mcu/heap_refusal.py, by bisection); wasm3's value stack; the C stack
          high-water by painting; static RAM (.data + .bss) of the decode image besides the heap and
          the caller's memory block (which the wasm3 backend does not use)
  instr.  instructions per token chain step: decode-*.elf under -icount shift=0, an invalid token
          at last counts 1000 and 10000, (I(10000) - I(1000)) / 9000; SysTick ticks turned into
          instructions by a loop of known length
Usage: python3 tests/tools/mcu_size_report.py QEMU COMMAND... ; writes build/mcu/size.json."""
import json
import os
import re
import subprocess
import sys

MCU = "build/mcu"
FLASH_SECTIONS = (".text", ".ARM.exidx", ".data")


def category(path):
    if re.search(r"\(m3_\w+\.o\)", path):
        return "wasm3"
    if path.endswith("(module.o)"):
        return "wasm"
    if re.search(r"\((opaygo|opaygo_wasm3)\.o\)", path):
        return "api"
    if re.search(r"\(api-opaygo_\w+\.o\)|\(wasm-rt-mcu\.o\)", path):
        return "wasm2c"  # the API with the translated module inside
    if re.search(r"lib(c_nano|c|m|gcc|rdimon|rdimon_nano|nosys|g_nano)\.a", path):
        return "libs"
    return "program"


def flash_split(map_path):
    """Bytes per category in the flash sections of an image, from its linker map."""
    text = open(map_path).read()
    text = text[text.index("Linker script and memory map"):]
    split, section, pending = {}, None, None
    for line in text.splitlines():
        m = re.match(r"^(\.[\w.]+)\s", line)
        if m:
            section = m.group(1)
            continue
        if section not in FLASH_SECTIONS:
            continue
        m = re.match(r"^ (\.\S+|\*fill\*|COMMON)?\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)?$", line)
        if m and (m.group(1) or pending):
            size, path = int(m.group(3), 16), (m.group(4) or "").strip()
            if path and not path.startswith("0x"):
                split[category(path)] = split.get(category(path), 0) + size
            pending = None
        elif re.match(r"^ \.\S+$", line):
            pending = line.strip()
    return split


def size_of(path):
    row = subprocess.run(["arm-none-eabi-size", path], capture_output=True, text=True, check=True).stdout.splitlines()[-1].split()
    return {"text": int(row[0]), "data": int(row[1]), "bss": int(row[2])}


def symbol_size(path, name):
    for line in subprocess.run(["arm-none-eabi-nm", "-S", path], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            return int(parts[1], 16)
    return 0


def figures(qemu, image, append=None, icount=False):
    cmd = qemu + (["-icount", "shift=0"] if icount else []) + ["-kernel", image] + (["-append", append] if append else [])
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
    return {k: int(v) for k, v in re.findall(r"^figure (\w+) (\d+)$", out, re.M)}


def instructions(qemu, image):
    f = figures(qemu, image, icount=True)
    per_tick = f["loop_instructions"] / f["loop_ticks"]
    return {"decode_1000": round(f["decode_1000_ticks"] * per_tick), "decode_10000": round(f["decode_10000_ticks"] * per_tick),
            "per_chain_step": round((f["decode_10000_ticks"] - f["decode_1000_ticks"]) * per_tick / 9000, 1)}


def smallest_heap(qemu, image, heap):
    out = subprocess.run([sys.executable, "tests/mcu/heap_refusal.py", image, str(heap), "--"] + qemu,
                         capture_output=True, text=True).stdout
    m = re.search(r"smallest heap that runs (\d+)", out)
    return int(m.group(1)) if m else None


def main():
    qemu = sys.argv[1:]
    r = {"flash": {}, "ram": {}, "instructions": {}}
    for cpu in ("cortex-m0plus", "cortex-m3", "cortex-m4"):
        for module in ("token", "device", "seed", "lean"):
            image = f"{MCU}/{cpu}/decode-{module}.elf"
            r["flash"][f"{cpu} {module} wasm3"] = dict(flash_split(image + ".map"), total=size_of(image)["text"] + size_of(image)["data"],
                                                        wasm_array=symbol_size(image, "opaygo_wasm"))
    for module in ("token", "device"):
        image = f"{MCU}/cortex-m3/decode-{module}-wasm2c.elf"
        r["flash"][f"cortex-m3 {module} wasm2c"] = dict(flash_split(image + ".map"), total=size_of(image)["text"] + size_of(image)["data"])
    for module in ("token", "device", "seed", "lean", "full"):
        image = f"{MCU}/cortex-m3/test-{module}.elf"
        f = figures(qemu, image, "measure")
        heap = f["heap_size"]
        decode = f"{MCU}/cortex-m3/decode-{module}.elf" if module != "full" else None
        static = None
        if decode:
            s = size_of(decode)
            # wasm3 keeps linear memory on its heap: the caller's block (the program's "memory")
            # is not used, so it is not counted either
            static = s["data"] + s["bss"] - symbol_size(decode, "fixedHeap") - symbol_size(decode, "memory")
        r["ram"][module] = {"heap_configured": heap, "heap_after_parse": f["heap_after_parse"],
                            "heap_after_load_all_compiled": f["heap_after_load"], "heap_after_suite": f["heap_after_suite"],
                            "smallest_heap_that_runs": smallest_heap(qemu, image, heap),
                            "value_stack_used": f["value_stack_used"], "c_stack_high_water": f["stack_high_water"],
                            "static_ram_besides_heap_decode_image": static}
    for module in ("token", "device", "lean"):
        r["instructions"][f"{module} wasm3"] = instructions(qemu, f"{MCU}/cortex-m3/decode-{module}.elf")
    for module in ("token", "device"):
        r["instructions"][f"{module} wasm2c"] = instructions(qemu, f"{MCU}/cortex-m3/decode-{module}-wasm2c.elf")

    print("Flash (bytes) of the smallest firmware that decodes a token (decode-*.elf), by part:")
    cols = ("wasm3", "wasm", "api", "wasm2c", "libs", "program", "total")
    print(f"  {'image':32}" + "".join(f"{c:>9}" for c in cols))
    for name, split in r["flash"].items():
        print(f"  {name:32}" + "".join(f"{split.get(c, 0):>9,}" for c in cols))
    print("  (wasm: the .wasm array and export names; api: opaygo.c + the wasm3 glue; wasm2c: opaygo.c with")
    print("   the translated module; libs: newlib-nano (memcpy, memset, strcmp) and libgcc; the image reports")
    print("   its figures through bare semihosting calls, without stdio)")
    print("RAM (bytes), Cortex-M3, the harness image (every vector) in measure mode:")
    for module, v in r["ram"].items():
        print(f"  {module:7} " + ", ".join(f"{k} {v[k]:,}" if v[k] is not None else f"{k} -" for k in v))
    print("Instructions on a Cortex-M3 (QEMU -icount shift=0), invalid token:")
    for name, v in r["instructions"].items():
        print(f"  {name:14} per chain step {v['per_chain_step']:>8,}   at count 1000 {v['decode_1000']:>12,}   at count 10000 {v['decode_10000']:>12,}")
    for module in ("token", "device"):
        a, b = r["instructions"][f"{module} wasm3"]["per_chain_step"], r["instructions"][f"{module} wasm2c"]["per_chain_step"]
        print(f"  {module}: wasm3 / wasm2c = {a / b:.1f}x")
    # The targets of the firmware issue.
    targets = (("seed profile on wasm3, Cortex-M3: heap, every export compiled", 48 * 1024, r["ram"]["seed"]["heap_after_load_all_compiled"]),
               ("seed profile on wasm3, Cortex-M3: firmware flash", 64 * 1024, r["flash"]["cortex-m3 seed wasm3"]["total"]),
               ("token module on wasm3, Cortex-M3: heap, every export compiled", 8 * 1024, r["ram"]["token"]["heap_after_load_all_compiled"]),
               ("token module on wasm3, Cortex-M3: firmware flash", 40 * 1024, r["flash"]["cortex-m3 token wasm3"]["total"]))
    r["targets"] = {label: {"limit": limit, "measured": v, "met": v <= limit} for label, limit, v in targets}
    print("Targets (make bench has wasm3's instructions per chain step, make size the .wasm sizes):")
    for label, limit, v in targets:
        print(f"  {label:<64} {v:>8,} <= {limit:<7,} {'met' if v <= limit else 'MISSED'}")
    os.makedirs(MCU, exist_ok=True)
    with open(f"{MCU}/size.json", "w") as f:
        json.dump(r, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
