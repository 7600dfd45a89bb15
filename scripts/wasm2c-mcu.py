"""Adapts wasm2c's output for 32-bit microcontrollers. Usage: wasm2c-mcu.py MODULE.wasm IN.c OUT.c (OUT may be IN)

wasm2c (1.0.32) writes code for any host; five things in it cost a Cortex-M0+ text for nothing:
- the function types it registers for call_indirect's signature check: our modules have no
  table, so no call_indirect (checked here: a module with a table is refused);
- every memory address passed as a u64 (memory64-ready): two registers and 64-bit arithmetic at
  each of some 250 call sites on a 32-bit core. A site whose address is a plain i32 value, with
  no offset added, calls the *_a32 helper of wasm-rt-mcu.h instead: the same bounds check, in
  32 bits. Sites with an offset keep wasm2c's u64 helper, so no address can wrap;
- the instance struct puts the memory after the globals (about 90 in the device module), so each
  of the ~280 access sites adds that offset to pass &instance->w2c_memory; moved first (the header
  is rewritten too), the memory's address is the instance's own;
- one store per global to zero them at instantiation: the globals now run from the memory to the
  end of the struct, so one loop zeroes them all and only the nonzero ones are stored;
- external linkage for every export: the C API (bindings/c/opaygo.c) includes the generated .c
  with OPAYGO_MODULE_API defined static, so the compiler inlines the exports into the API and
  drops the ones it does not call. Other users get external exports, as wasm2c writes them.
Two more make it C99 (for any compiler the amalgamations of make dist-c meet): no `return f();` in
the exports without results, and no <alloca.h> (not a C99 header; our modules never use alloca).
And wasm2c's float helpers are made static inline, so that an unoptimised build does not emit them
(and link libm) when the module has no float instruction.
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
# Definitions and prototypes of the module's external functions (exports, init, instantiate, free).
EXTERNAL = re.compile(r"^(?=(?:u32|u64|f32|f64|void) Z_\w+\()", re.M)
# wasm2c's float helpers (wasm_sqrt, wasm_truncf...) call libm; plain static functions, a compiler
# that does not optimise emits them all, used or not.
FLOAT_HELPER = re.compile(r"^static (float|double) (quiet_nanf?|wasm_\w+)\(", re.M)
VOID_RETURN = re.compile(r"^(OPAYGO_MODULE_API void Z_\w+\([^)]*\) \{\n  )return ", re.M)
ALLOCA = re.compile(r"#if defined\(_MSC_VER\)\n#include <intrin.h>\n#include <malloc.h>\n#define alloca _alloca\n#else\n"
                    r"#include <alloca.h>\n#endif\n")
API_DEFAULT = """
/* Linkage of the exports: bindings/c/opaygo.c includes the generated .c with it defined static. */
#ifndef OPAYGO_MODULE_API
#define OPAYGO_MODULE_API
#endif
"""


def zero_globals_at_once(match):
    kept = [line for line in match.group(2).split("\n") if not ZERO_GLOBAL.fullmatch(line)]
    return (f"static void init_globals({match.group(1)}* instance) {{\n"
            "  for (u8 *p = (u8 *)(&instance->w2c_memory + 1); p < (u8 *)(instance + 1); p++) *p = 0;\n"
            + "".join(line + "\n" for line in kept) + "}")


def main(wasm, src, dst):
    sections = subprocess.run(["wasm-objdump", "-h", wasm], capture_output=True, text=True, check=True).stdout
    if re.search(r"^\s*(Table|Elem) ", sections, re.M):
        sys.exit(f"{wasm}: the module has a table; its function types are needed")
    code = open(src).read()
    code, n_types = FUNC_TYPES.subn(r"\1\2", code)
    code, n_sites = SITE.subn(r"\1_a32(&instance->w2c_memory, \2\3", code)
    code, n_inits = INIT_GLOBALS.subn(zero_globals_at_once, code)
    header_path = src[:-2] + ".h"
    header = open(header_path).read()
    # The instance as wasm2c writes it: the globals, then the memory, nothing else.
    layout = re.search(r"(typedef struct \w+ \{\n)((?:  \w+ w2c_g\d+;\n)*)(  wasm_rt_memory_t w2c_memory;\n)\}", header)
    if n_types != 1 or n_sites == 0 or n_inits != 1 or not layout:
        sys.exit(f"{src}: unexpected wasm2c output ({n_types} init_func_types, {n_sites} access sites, "
                 f"{n_inits} init_globals, instance layout {'ok' if layout else 'not globals then memory'})")
    header = header[:layout.start()] + layout.group(1) + layout.group(3) + layout.group(2) + "}" + header[layout.end():]
    header, n_protos = EXTERNAL.subn("OPAYGO_MODULE_API ", header)
    code, n_defs = EXTERNAL.subn("OPAYGO_MODULE_API ", code)
    # C99 has no `return f();` in a void function (wasm2c writes it in exports without results),
    # and no <alloca.h> (included whether or not alloca is used; our modules do not use it).
    code = VOID_RETURN.sub(r"\1", code)
    code, n_float = FLOAT_HELPER.subn(r"static inline \1 \2(", code)
    if n_float == 0:
        sys.exit(f"{src}: unexpected wasm2c output (no float helpers)")
    if "alloca(" not in code.replace("#define alloca _alloca", ""):
        code, n_alloca = ALLOCA.subn("#if defined(_MSC_VER)\n#include <intrin.h>\n#endif\n", code)
        if n_alloca != 1:
            sys.exit(f"{src}: unexpected wasm2c output (alloca includes)")
    guard = re.search(r"#define \w+_WASM_H_GENERATED_\n", header)
    if n_protos == 0 or n_protos != n_defs or not guard:
        sys.exit(f"{src}: unexpected wasm2c output ({n_protos} prototypes, {n_defs} definitions of exports)")
    header = header[:guard.end()] + API_DEFAULT + header[guard.end():]
    with open(dst[:-2] + ".h", "w") as f:
        f.write(header)
    with open(dst, "w") as f:
        f.write(code)


if __name__ == "__main__":
    main(*sys.argv[1:])
