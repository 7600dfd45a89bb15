/* opaygo_wasm3.h: the wasm3 backend of the C API (bindings/c/opaygo.c built with OPAYGO_WASM3=1):
 * the .wasm itself, in flash, interpreted by wasm3 on the microcontroller, instead of its wasm2c
 * translation. tests/mcu/opaygo_wasm3.c implements it; tests/mcu/gen_wasm3_module.py generates
 * one typed function per export over opaygo_wasm3_call. */
#ifndef OPAYGO_WASM3_H
#define OPAYGO_WASM3_H
#include <stdint.h>

/* Trap codes given to opaygo_trap_handler (the firmware's, as with wasm2c) when a call fails.
 * The module never traps on any input: a trap is a bug or a memory limit (clamp, heap). */
#define OPAYGO_WASM3_TRAP_OOB 1        /* linear memory access past the clamp */
#define OPAYGO_WASM3_TRAP_STACK 101    /* wasm3's value stack overflowed */
#define OPAYGO_WASM3_TRAP_OTHER 102    /* any other wasm3 error (unreachable, not loaded, ...) */

/* Loads the module on the first call (parse, load, compile every function, run its start
 * function: a heap too small is refused here, never in a call); later calls reset it
 * to a fresh instance (zeroed memory, data segments, globals, start function) without allocating.
 * Linear memory accesses past size trap. Returns 0 (OPAYGO_OK), or OPAYGO_ERR_MEMORY_SIZE when
 * wasm3's heap cannot hold the module (this and every later call: the fixed heap is spent);
 * *memory: the linear memory. */
int opaygo_wasm3_instantiate(uint32_t size, uint8_t **memory);

/* Calls export number index (in the module's export order) with argc pointers to arguments;
 * result (when not NULL) receives the single result. A failure goes to opaygo_trap_handler. */
void opaygo_wasm3_call(uint32_t index, uint32_t argc, const void **args, void *result);

/* Heap figures (bytes): wasm3's fixed heap, its use now, after parsing the module, after loading
 * it (every function compiled). */
uint32_t opaygo_wasm3_heap_size(void);
uint32_t opaygo_wasm3_heap_used(void);
uint32_t opaygo_wasm3_heap_after_parse(void);
uint32_t opaygo_wasm3_heap_after_load(void);
/* Bytes of wasm3's value stack (OPAYGO_WASM3_STACK_BYTES, on the heap) used so far. */
uint32_t opaygo_wasm3_value_stack_used(void);
/* Takes bytes of the heap for good (the heap refusal test: a smaller heap in the same image). */
int opaygo_wasm3_heap_reserve(uint32_t bytes);
/* The last wasm3 error text (a constant string of wasm3's), or "" when none. */
const char *opaygo_wasm3_last_error(void);
#endif
