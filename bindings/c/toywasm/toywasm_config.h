/* toywasm_config.h: toywasm's build options for the opaygo backend (bindings/c/opaygo_toywasm.c),
 * in place of the header toywasm's CMake writes from lib/toywasm_config.h.in. The option names
 * and their meaning are toywasm's (cmake/ToywasmConfig.cmake); the choices are ours:
 * WebAssembly 1.0 as the modules use it (no SIMD, threads, WASI, name section), the executor's
 * fast paths on (separate execute callbacks, locals cache, jump-table search and cache),
 * 1-byte enums, no tracing, no clock. TOYWASM_USE_SMALL_CELLS is the build's choice (mk/wamr-toywasm.mk). */
#if !defined(_TOYWASM_CONFIG_H)
#define _TOYWASM_CONFIG_H

#define TOYWASM_USE_SEPARATE_EXECUTE
#define TOYWASM_PROCESS_INSN_WITH_SWITCH
#define TOYWASM_USE_TAILCALL
#define TOYWASM_USE_SHORT_ENUMS
#define TOYWASM_SORT_EXPORTS
#define TOYWASM_USE_JUMP_BINARY_SEARCH
#define TOYWASM_JUMP_CACHE2_SIZE 4
#define TOYWASM_USE_LOCALS_CACHE
#define TOYWASM_USE_SEPARATE_LOCALS
#if OPAYGO_TOYWASM_SMALL_CELLS
#define TOYWASM_USE_SMALL_CELLS
#define TOYWASM_USE_RESULTTYPE_CELLIDX
#define TOYWASM_USE_LOCALTYPE_CELLIDX
#define TOYWASM_USE_LOCALS_FAST_PATH
#endif
/* no clock on the device: the interrupt-check interval is not tuned by time
 * (TOYWASM_NO_CLOCK: scripts/patches/toywasm.patch) */
#define TOYWASM_NO_CLOCK
/* the module writer is never called, but this snapshot does not compile without it */
#define TOYWASM_ENABLE_WRITER
#define TOYWASM_EXCEPTION_MAX_CELLS 4

#endif
