"""Adapts wasm2c's output for 32-bit microcontrollers. Usage: wasm2c-mcu.py MODULE.wasm IN.c OUT.c (OUT may be IN)

wasm2c (1.0.32) writes code for any host; two things in it cost a Cortex-M0+ text for nothing:
- the function types it registers for call_indirect's signature check: our modules have no
  table, so no call_indirect (checked here: a module with a table is refused);
- every memory address passed as a u64 (memory64-ready): two registers and 64-bit arithmetic at
  each of some 250 call sites on a 32-bit core. A site whose address is a plain i32 value, with
  no offset added, calls the *_a32 helper of wasm-rt-mcu.h instead: the same bounds check, in
  32 bits. Sites with an offset keep wasm2c's u64 helper, so no address can wrap;
- one store per global to zero every global at instantiation (about 90 in the device module): the globals come first
  in the instance struct, so one loop zeroes them all and only the nonzero ones are stored.
The generated file must be compiled with -include wasm-rt-mcu.h."""
import re
import subprocess
import sys

ACCESS = (r"(?:i32|i64|f32|f64)_(?:load|store)(?:8_s|8_u|16_s|16_u|32_s|32_u|8|16|32)?")
# name(&instance->w2c_memory, (u64)(var)) or name(&instance->w2c_memory, (u64)(var), value
SITE = re.compile(r"\b(" + ACCESS + r")\(&instance->w2c_memory, \(u64\)\((w2c_[a-z]+[0-9]+)\)([),])")
FUNC_TYPES = re.compile(r"(static void init_func_types\(void\) \{\n).*?(\n\})", re.S)
INIT_GLOBALS = re.compile(r"static void init_globals\((\w+)\* instance\) \{\n(.*?)\n\}", re.S)
ZERO_GLOBAL = re.compile(r"\s*instance->w2c_g\d+ = 0(?:u|ull)?;")


def zero_globals_at_once(match):
    kept = [line for line in match.group(2).split("\n") if not ZERO_GLOBAL.fullmatch(line)]
    return (f"static void init_globals({match.group(1)}* instance) {{\n"
            "  for (u8 *p = (u8 *)instance; p < (u8 *)&instance->w2c_memory; p++) *p = 0;\n"
            + "".join(line + "\n" for line in kept) + "}")


def main(wasm, src, dst):
    sections = subprocess.run(["wasm-objdump", "-h", wasm], capture_output=True, text=True, check=True).stdout
    if re.search(r"^\s*(Table|Elem) ", sections, re.M):
        sys.exit(f"{wasm}: the module has a table; its function types are needed")
    code = open(src).read()
    code, n_types = FUNC_TYPES.subn(r"\1\2", code)
    code, n_sites = SITE.subn(r"\1_a32(&instance->w2c_memory, \2\3", code)
    code, n_inits = INIT_GLOBALS.subn(zero_globals_at_once, code)
    header = open(dst[:-2] + ".h").read()
    # The loop relies on the layout: every global before the memory, nothing after it.
    layout = re.search(r"typedef struct \w+ \{\n((?:  \w+ w2c_g\d+;\n)*)  wasm_rt_memory_t w2c_memory;\n\}", header)
    if n_types != 1 or n_sites == 0 or n_inits != 1 or not layout:
        sys.exit(f"{src}: unexpected wasm2c output ({n_types} init_func_types, {n_sites} access sites, "
                 f"{n_inits} init_globals, instance layout {'ok' if layout else 'not globals then memory'})")
    with open(dst, "w") as f:
        f.write(code)


if __name__ == "__main__":
    main(*sys.argv[1:])
