/* opaygo_interp.h: the interpreter backends of the C API. bindings/c/opaygo.c built with
 * -DOPAYGO_INTERP=1 runs the .wasm itself, a const array in flash, on a WebAssembly interpreter
 * linked beside it, instead of its wasm2c translation. One backend file implements this header:
 * opaygo_wasm3.c (wasm3), and the firmware links exactly one. scripts/gen_wasm_module.py writes,
 * per module, the array and the export names (opaygo_module.c) and one typed function per export
 * over opaygo_interp_call (opaygo_exports.h), which is what opaygo.c calls. */
#ifndef OPAYGO_INTERP_H
#define OPAYGO_INTERP_H
#include <stdint.h>

/* Trap codes given to opaygo_trap_handler (the firmware's, as with wasm2c) when a call fails.
 * The module never traps on any input: a trap is a bug or a memory limit (clamp, heap). */
#define OPAYGO_INTERP_TRAP_OOB 1     /* linear memory access past the clamp (OPAYGO_TRAP_OOB) */
#define OPAYGO_INTERP_TRAP_STACK 101 /* the interpreter's wasm stack overflowed */
#define OPAYGO_INTERP_TRAP_OTHER 102 /* any other failure (unreachable, module not loaded, ...) */

/* The module (opaygo_module.c, generated). */
extern const uint8_t opaygo_wasm[];
extern const uint32_t opaygo_wasm_size;
extern const char *const opaygo_wasm_export_names[];

/* Loads the module on the first call (a heap too small is refused here, never in a call); every
 * call gives a fresh instance (zeroed memory, data segments, globals, start function). Linear
 * memory accesses past size (at most the module's memory map, OPAYGO_MEMORY_BYTES) trap.
 * Returns 0 (OPAYGO_OK), OPAYGO_ERR_MEMORY_SIZE when the interpreter's heap cannot hold the module
 * or the instance, OPAYGO_ERR_MODULE when the interpreter refuses the module; *memory: the
 * linear memory (the interpreter's: the caller's block is not used). */
int opaygo_interp_instantiate(uint32_t size, uint8_t **memory);

/* Calls export number index (in the module's export order) with argc pointers to arguments;
 * result (when not NULL) receives the single result. A failure goes to opaygo_trap_handler. */
void opaygo_interp_call(uint32_t index, uint32_t argc, const void **args, void *result);

/* The interpreter's heap, for the firmware's RAM budget and the heap-budget tests: its size, the
 * most it held so far (everything the interpreter allocated: module, instance, stacks, linear
 * memory), and bytes taken from it for good (a smaller heap in the same image). */
uint32_t opaygo_interp_heap_size(void);
uint32_t opaygo_interp_heap_peak(void);
int opaygo_interp_heap_reserve(uint32_t bytes);
/* Every figure the backend measures (heap stages, wasm stack used, ...), one call each. */
void opaygo_interp_figures(void (*figure)(const char *name, uint32_t value));
/* The interpreter's last error text, or "" when none. */
const char *opaygo_interp_last_error(void);
#endif
