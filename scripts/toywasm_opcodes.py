"""toywasm built for one module, as scripts/wasm3_opcodes.py does for wasm3: a copy of toywasm's
lib/insn.c beside instruction lists (insn_list_base.h, insn_list_fc.h) that keep only the opcodes
the module uses (and those of constant expressions). The validator and the executor of every other
opcode are then never referenced, and the compiler leaves them out of the firmware, float
instructions and the soft-float and libm routines behind them included. A module that uses an
opcode left out is refused when it loads ("unknown instruction": opaygo_init returns
OPAYGO_ERR_MODULE, no call runs).
Usage: python3 scripts/toywasm_opcodes.py MODULE.wasm TOYWASM_LIB_DIR OUT_DIR"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wasm3_opcodes import CONST_EXPR, code_opcodes  # noqa: E402


def keep(text, used, prefix):
    """The list with the INSTRUCTION lines of unused opcodes dropped (prefix: 0 or 0xFC00)."""
    lines = []
    for line in text.splitlines():
        m = re.match(r"INSTRUCTION\((0x[0-9a-fA-F]+),", line)
        if m and (prefix | int(m.group(1), 16)) not in used:
            continue
        if line.startswith("INSTRUCTION_INDIRECT(0xfc,") and not any(op >> 8 == 0xFC for op in used):
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def main():
    module, lib, out = sys.argv[1:]
    used = code_opcodes(open(module, "rb").read()) | CONST_EXPR
    os.makedirs(out, exist_ok=True)
    shutil.copy(os.path.join(lib, "insn.c"), os.path.join(out, "insn.c"))
    shutil.copy(os.path.join(lib, "insn_list_noprefix.h"), os.path.join(out, "insn_list_noprefix.h"))
    for name, prefix in (("insn_list_base.h", 0), ("insn_list_fc.h", 0xFC00)):
        with open(os.path.join(lib, name)) as f, open(os.path.join(out, name), "w") as g:
            g.write(f"/* {name} for {module} (scripts/toywasm_opcodes.py): its opcodes only */\n")
            g.write(keep(f.read(), used, prefix))


if __name__ == "__main__":
    main()
