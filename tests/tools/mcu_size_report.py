"""make mcu-size: the firmware figures of the .wasm on each interpreter (wasm3, WAMR, toywasm) and of
the wasm2c library beside them, per architecture (Cortex-M3 on QEMU mps2-an385, rv32imc on QEMU virt)
and module; printed, and written to build/mcu/footprint.json as
  {"cortex-m3": {"toywasm": {"token": {"flash_bytes": {"total": .., "interpreter": .., ...},
   "heap_peak_bytes": .., "c_stack_bytes": .., "static_bytes": .., "ram_bytes": .., "instr_per_step": ..}}}}
Every number is read from the build or measured under QEMU:
  flash_bytes      the one-decode firmware (tests/mcu/chain_steps.c over the library: init, key, one
                   decode; no stdio): .text + .data, split by its linker map into the interpreter, the
                   module (the .wasm array and export names), the API (opaygo.c, the backend glue, the
                   heap; wasm2c: the API with the translated module inside), libs (libc, libm, libgcc)
                   and program (start-up, the program)
  heap_peak_bytes  the smallest interpreter heap with which the harness image (every vector) loads the
                   module, makes an instance and decodes (tests/mcu/heap_refusal.py, bisection): with
                   linear memory, stacks, and WAMR's RAM copy of the module; 0 for wasm2c
  c_stack_bytes    the one-decode firmware's C stack high-water (painted)
  static_bytes     that firmware's .data + .bss besides the interpreter's heap and the caller's memory
                   block (which the interpreters do not use; for wasm2c it is the linear memory, counted)
  ram_bytes        heap_peak_bytes + c_stack_bytes + static_bytes
  instr_per_step   instructions per token chain step: the one-decode firmware under -icount shift=0,
                   an invalid token at last counts 1000 and 10000, (I(10000) - I(1000)) / 9000
QEMU runs (two at a time) are kept beside their images (IMAGE.figures, TEST.measure, TEST.heap; the test suites
write the last two) and run again only when missing or older than the image.
With --docs it also writes the tables of docs/mcu.md and README.md (between their "mcu-size" markers).
Usage: python3 tests/tools/mcu_size_report.py [--docs]"""
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

ARCHS = {
    "cortex-m3": dict(qemu=["qemu-system-arm", "-M", "mps2-an385", "-cpu", "cortex-m3", "-nographic", "-monitor", "none",
                            "-serial", "none", "-semihosting-config", "enable=on,target=native"],
                      tools="arm-none-eabi-", modules=("token", "seed", "device", "lean")),
    "rv32": dict(qemu=["qemu-system-riscv32", "-M", "virt", "-nographic", "-monitor", "none", "-serial", "none", "-bios", "none",
                       "-semihosting-config", "enable=on,target=native"],
                 tools="riscv64-unknown-elf-", modules=("token", "device")),
}
BACKENDS = ("wasm3", "wamr", "toywasm", "wasm2c")
FLASH_SECTIONS = (".text", ".ARM.exidx", ".data", ".rodata", ".srodata", ".sdata", ".init", ".fini", ".init_array", ".fini_array")
PARTS = ("interpreter", "module", "api", "libs", "program")
# The goals (Cortex-M3): (label, backends to take the best of, module, field, limit)
TARGETS = (("token module, smallest RAM of any backend", ("wasm3", "wamr", "toywasm"), "token", "ram_bytes", 8 * 1024),
           ("token module: flash, that backend", None, "token", "flash_bytes", 64 * 1024),
           ("token module on WAMR classic: RAM", ("wamr",), "token", "ram_bytes", 12 * 1024),
           ("seed profile, smallest RAM", ("wasm3", "wamr", "toywasm"), "seed", "ram_bytes", 24 * 1024),
           ("device module, smallest RAM", ("wasm3", "wamr", "toywasm"), "device", "ram_bytes", 32 * 1024),
           ("lean profile, smallest RAM", ("wasm3", "wamr", "toywasm"), "lean", "ram_bytes", 16 * 1024),
           ("lean profile: .wasm", ("toywasm",), "lean", "wasm_bytes", 12 * 1024),
           ("seed profile on WAMR classic: RAM", ("wamr",), "seed", "ram_bytes", 40 * 1024),
           ("toywasm instructions per chain step", ("toywasm",), "token", "instr_per_step", 30000),
           ("device firmware flash, wasm3", ("wasm3",), "device", "flash_bytes", 96 * 1024),
           ("device firmware flash, WAMR", ("wamr",), "device", "flash_bytes", 96 * 1024),
           ("device firmware flash, toywasm", ("toywasm",), "device", "flash_bytes", 96 * 1024))


def images(arch, backend, module):
    """(one-decode image, harness image or None)."""
    if arch == "cortex-m3":
        if backend == "wasm3":
            return f"build/mcu/cortex-m3/decode-{module}.elf", f"build/mcu/cortex-m3/test-{module}.elf"
        if backend == "wasm2c":
            return f"build/mcu/cortex-m3/decode-{module}-wasm2c.elf", None
        return f"build/interp/cortex-m3/decode-{backend}-{module}.elf", f"build/interp/cortex-m3/test-{backend}-{module}.elf"
    test = f"build/riscv/test-c-{module}.elf" if backend == "wasm2c" else f"build/riscv/test-{backend}-{module}.elf"
    return f"build/riscv/decode-{backend}-{module}.elf", test


def category(path):
    member = re.search(r"\(([^)]+)\)$", path)
    name = member.group(1) if member else os.path.basename(path)
    if re.search(r"lib(c_nano|c|m|gcc|rdimon|rdimon_nano|nosys|g_nano|semihost)\.a|crt0", path):
        return "libs"
    if not member or not re.search(r"libopaygo-", path):
        return "program"
    if name == "module.o":
        return "module"
    if name in ("opaygo.o", "glue.o", "heap.o", "opaygo_wasm3.o", "wasm-rt-mcu.o") or name.startswith("api-opaygo_"):
        return "api"
    return "interpreter"


def flash_split(map_path):
    """Bytes per part in the flash sections of an image, from its linker map: each input section
    counted from its address to the next one's (or its output section's end), so that alignment
    padding goes with what precedes it and merged strings are counted once."""
    text = open(map_path).read()
    text = text[text.index("Linker script and memory map"):]
    split = dict.fromkeys(PARTS, 0)
    section, end, entries, pending, header = None, 0, [], False, None

    def close():
        entries.sort(key=lambda e: e[0])
        for i, (addr, part) in enumerate(entries):
            split[part] += (entries[i + 1][0] if i + 1 < len(entries) else end) - addr
        entries.clear()

    for line in text.splitlines():
        m = re.match(r"^(\.[\w.]+)(?:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+))?", line)
        if m:
            close()
            section, header = m.group(1), None
            if m.group(2):
                end = int(m.group(2), 16) + int(m.group(3), 16)
            else:
                header = section  # its address and size on the next line
            continue
        if header:
            m = re.match(r"^\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)", line)
            if m:
                end = int(m.group(1), 16) + int(m.group(2), 16)
            header = None
            continue
        if section not in FLASH_SECTIONS:
            continue
        m = re.match(r"^ (\.\S+|COMMON)?\s*(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(\S.*)?$", line)
        if m and (m.group(1) or pending):
            path = (m.group(4) or "").strip()
            if path and not path.startswith("0x") and int(m.group(3), 16) > 0:
                entries.append((int(m.group(2), 16), category(path)))
            pending = False
        elif re.match(r"^ \.\S+$", line):
            pending = True
    close()
    return split


def size_of(tools, path):
    row = subprocess.run([tools + "size", path], capture_output=True, text=True, check=True).stdout.splitlines()[-1].split()
    return {"text": int(row[0]), "data": int(row[1]), "bss": int(row[2])}


def symbol_size(tools, path, name):
    for line in subprocess.run([tools + "nm", "-S", path], capture_output=True, text=True, check=True).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[3] == name:
            return int(parts[1], 16)
    return 0


def cached(out, image, command):
    """The output of command, from out when it is newer than image, else run and kept there."""
    if not (os.path.exists(out) and os.path.getmtime(out) >= os.path.getmtime(image)):
        text = subprocess.run(command, capture_output=True, text=True, timeout=1800).stdout
        with open(out, "w") as f:
            f.write(text)
    return open(out).read()


def figures(text):
    return {k: int(v) for k, v in re.findall(r"^figure (\w+) (\d+)\s*$", text, re.M)}


def measure(arch, backend, module):
    a = ARCHS[arch]
    decode, test = images(arch, backend, module)
    size = size_of(a["tools"], decode)
    split = flash_split(decode + ".map")
    d = figures(cached(decode[:-4] + ".figures", decode, a["qemu"] + ["-icount", "shift=0", "-kernel", decode]))
    per_tick = d["loop_instructions"] / d["loop_ticks"]
    heap = 0
    if backend != "wasm2c":
        t = figures(cached(test[:-4] + ".measure", test, a["qemu"] + ["-kernel", test, "-append", "measure"]))
        out = cached(test[:-4] + ".heap", test, [sys.executable, "tests/mcu/heap_refusal.py", test, str(t["heap_size"]), "--"] + a["qemu"])
        m = re.search(r"smallest heap that runs (\d+)", out)
        heap = int(m.group(1)) if m else t["heap_peak"]
    arena = symbol_size(a["tools"], decode, "arena") + symbol_size(a["tools"], decode, "fixedHeap")
    block = 0 if backend == "wasm2c" else symbol_size(a["tools"], decode, "memory")
    static = size["data"] + size["bss"] - arena - block
    stack = d["stack_high_water"]
    return {"flash_bytes": dict(split, total=size["text"] + size["data"]), "heap_peak_bytes": heap, "c_stack_bytes": stack,
            "static_bytes": static, "ram_bytes": heap + stack + static,
            "instr_per_step": round((d["decode_10000_ticks"] - d["decode_1000_ticks"]) * per_tick / 9000),
            "wasm_bytes": os.path.getsize(f"build/opaygo-{module}.wasm")}


NAMES = {"wasm3": "wasm3 0.5.0", "wamr": "WAMR classic", "toywasm": "toywasm", "wasm2c": "wasm2c (C library)"}
ARCH_NAMES = {"cortex-m3": "Cortex-M3", "rv32": "rv32imc"}


def kb(n):
    return f"{n / 1000:.1f} KB"


def docs_table(r):
    """The docs/mcu.md table: every architecture x backend x module."""
    rows = ["| part | backend | module | RAM (heap + C stack + static) | flash (interpreter / module / API / libs) | instructions per chain step |",
            "| --- | --- | --- | --- | --- | --- |"]
    for arch, backends in r.items():
        for backend, modules in backends.items():
            for module, v in modules.items():
                f = v["flash_bytes"]
                rows.append(f"| {ARCH_NAMES[arch]} | {NAMES[backend]} | {module} | {v['ram_bytes']:,} ({v['heap_peak_bytes']:,} + "
                            f"{v['c_stack_bytes']:,} + {v['static_bytes']:,}) | {f['total']:,} ({f['interpreter']:,} / {f['module']:,} / "
                            f"{f['api']:,} / {f['libs']:,}) | {v['instr_per_step']:,} |")
    return "\n".join(rows)


def readme_table(r):
    """The README's: Cortex-M3, RAM / flash / instructions per backend and module."""
    m3 = r["cortex-m3"]
    modules = ("token", "seed", "device", "lean")
    rows = ["| Cortex-M3 (`make mcu-size`) | " + " | ".join(f"{m}: RAM / flash" for m in modules) + " | instructions per chain step |",
            "| --- |" + " --- |" * (len(modules) + 1)]
    for backend, v in m3.items():
        cells = [f"{kb(v[m]['ram_bytes'])} / {kb(v[m]['flash_bytes']['total'])}" if m in v else "" for m in modules]
        rows.append(f"| {NAMES[backend]} | " + " | ".join(cells) + f" | {v['token']['instr_per_step']:,} |")
    return "\n".join(rows)


def goal_rows(m3):
    """The issue's goals: (label, backend, measured, limit) each."""
    rows, best = [], None
    for label, backends, module, field, limit in TARGETS:
        if backends is None:  # the flash of the backend that had the smallest RAM just above
            backend = best
        else:
            backend = min(backends, key=lambda b: m3[b][module][field] if field != "flash_bytes" else m3[b][module][field]["total"])
            best = backend
        v = m3[backend][module][field]
        rows.append((label, backend, v["total"] if field == "flash_bytes" else v, limit))
    return rows


def goals_table(goals):
    rows = ["| goal (Cortex-M3) | backend | measured | limit | |", "| --- | --- | --- | --- | --- |"]
    for label, backend, v, limit in goals:
        rows.append(f"| {label} | {NAMES[backend]} | {v:,} | {limit:,} | {'met' if v <= limit else '**missed**'} |")
    return "\n".join(rows)


def write_between(path, table, marker="mcu-size"):
    text = open(path).read()
    begin, end = f"<!-- {marker}:begin -->", f"<!-- {marker}:end -->"
    a, b = text.index(begin) + len(begin), text.index(end)
    with open(path, "w") as f:
        f.write(text[:a] + "\n" + table + "\n" + text[b:])


def main():
    r = {}
    todo = [(arch, backend, module) for arch, a in ARCHS.items() for backend in BACKENDS for module in a["modules"]
            if not (arch == "cortex-m3" and backend == "wasm2c" and not os.path.exists(images(arch, backend, module)[0]))]
    with ThreadPoolExecutor(2) as pool:  # the QEMU runs two at a time (2 cores)
        for (arch, backend, module), v in zip(todo, pool.map(lambda k: measure(*k), todo)):
            r.setdefault(arch, {}).setdefault(backend, {})[module] = v
    print("The .wasm as firmware (make mcu-size, build/mcu/footprint.json): one-decode firmware flash, RAM =")
    print("interpreter heap peak + C stack + static, instructions per token chain step (QEMU -icount)")
    head = f"  {'':22}{'flash':>8}" + "".join(f"{p[:6]:>8}" for p in PARTS) + f"{'RAM':>8}{'heap':>8}{'stack':>7}{'static':>7}{'instr':>8}"
    for arch, backends in r.items():
        print(f"{arch}:\n{head}")
        for backend, modules in backends.items():
            for module, v in modules.items():
                f = v["flash_bytes"]
                print(f"  {backend + ' ' + module:22}{f['total']:>8,}" + "".join(f"{f[p]:>8,}" for p in PARTS) +
                      f"{v['ram_bytes']:>8,}{v['heap_peak_bytes']:>8,}{v['c_stack_bytes']:>7,}{v['static_bytes']:>7,}{v['instr_per_step']:>8,}")
    m3 = r["cortex-m3"]
    print("Goals (Cortex-M3):")
    goals = goal_rows(m3)
    for label, backend, v, limit in goals:
        print(f"  {label:<46} {backend:8} {v:>8,} <= {limit:<7,} {'met' if v <= limit else 'MISSED'}")
    print("wasm3 in detail (docs/mcu.md): heap after parsing / every function compiled / smallest that runs / configured;")
    print("value stack used of configured; one-decode firmware flash on the Cortex-M0+ / M4")
    for module in ("token", "seed", "device", "lean", "full"):
        test = f"build/mcu/cortex-m3/test-{module}.elf"
        t = figures(cached(test[:-4] + ".measure", test, ARCHS["cortex-m3"]["qemu"] + ["-kernel", test, "-append", "measure"]))
        heap = re.search(r"smallest heap that runs (\d+)", open(test[:-4] + ".heap").read()) if os.path.exists(test[:-4] + ".heap") else None
        other = " / ".join(f"{sum(size_of('arm-none-eabi-', f'build/mcu/{cpu}/decode-{module}.elf')[k] for k in ('text', 'data')):,}"
                           for cpu in ("cortex-m0plus", "cortex-m4")) if module != "full" else "-"
        print(f"  {module:7} heap {t['heap_after_parse']:,} / {t['heap_after_load']:,} / {int(heap.group(1)) if heap else 0:,} / "
              f"{t['heap_size']:,}; value stack {t['wasm_stack_used']:,} of {t['wasm_stack_size']:,}; M0+ / M4 flash {other}")
    os.makedirs("build/mcu", exist_ok=True)
    with open("build/mcu/footprint.json", "w") as f:
        json.dump(r, f, indent=1)
        f.write("\n")
    if "--docs" in sys.argv:
        write_between("docs/mcu.md", docs_table(r))
        write_between("docs/mcu.md", goals_table(goals), "mcu-goals")
        write_between("README.md", readme_table(r))


if __name__ == "__main__":
    main()
