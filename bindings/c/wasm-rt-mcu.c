/* wasm-rt-mcu.c: wasm2c runtime for microcontrollers, replacing wabt's wasm-rt-impl.c.
 * Static memory only (the caller's block), no malloc, no signals, no setjmp, no libc calls.
 * The generated code must be compiled with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 so that every
 * load and store is checked against wasm_rt_memory_t.size, the size the caller provided, and with
 * -DWASM_RT_USE_STACK_DEPTH_COUNT=0: no call depth counter, since the C stack depth is bounded by
 * the modules themselves. They recurse in two places only, each at most MAX_DEPTH levels deep
 * (assembly/json/limits.ts; docs/codec.md gives the nesting limit per build): the JSON reader's
 * skipValue (device, seed and full builds) and the CBOR decoder's item (full build). The token
 * build does not recurse.
 * opaygo.c includes this file, so that each library is one translation unit (and the amalgamation
 * of make dist-c compiles to the same code).
 * Only what a strict-MVP module without tables, imports or exceptions needs is implemented; a
 * module that needs more fails to link rather than misbehave. */
#include <stdarg.h>

#include "wasm-rt-mcu.h"
#include "opaygo.h"

#if WASM_RT_MEMCHECK_SIGNAL_HANDLER || WASM_RT_USE_STACK_DEPTH_COUNT
#error "build with -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_USE_STACK_DEPTH_COUNT=0"
#endif

static bool initialized;
static uint8_t *pending_data;
static uint32_t pending_size;

void wasm_rt_init(void) { initialized = true; }
bool wasm_rt_is_initialized(void) { return initialized; }
void wasm_rt_free(void) { initialized = false; }

/* Out of line: a copy of the handler call at each of the module's bounds checks costs more text. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
void wasm_rt_trap(wasm_rt_trap_t trap) {
  opaygo_trap_handler((int)trap);
  for (;;) {
  }
}

/* Function types matter only to call_indirect's signature check. The modules have no table, so
 * a fingerprint of the signature is enough (equal signatures get equal numbers). */
uint32_t wasm_rt_register_func_type(uint32_t params, uint32_t results, ...) {
  uint32_t h = 2166136261u;
  va_list ap;
  va_start(ap, results);
  h = (h ^ params) * 16777619u;
  h = (h ^ results) * 16777619u;
  for (uint32_t i = 0; i < params + results; i++) h = (h ^ (uint32_t)va_arg(ap, int)) * 16777619u;
  va_end(ap);
  return h;
}

void wasm_rt_mcu_provide_memory(uint8_t *data, uint32_t size) {
  pending_data = data;
  pending_size = size;
}

/* The module starts with one page; the caller may give less. Every access at or beyond `size`
 * traps (WASM_RT_TRAP_OOB), so a smaller block is safe and its sufficiency is testable. */
void wasm_rt_allocate_memory(wasm_rt_memory_t *memory, uint32_t initial_pages, uint32_t max_pages) {
  memory->data = pending_data;
  memory->pages = initial_pages;
  memory->max_pages = max_pages;
  memory->size = pending_size < initial_pages * 65536u ? pending_size : initial_pages * 65536u;
  for (uint32_t i = 0; i < memory->size; i++) memory->data[i] = 0;
}

/* memory.grow (the full build's server side only): whole pages within the caller's block, zeroed;
 * past it, or past the module's maximum, it fails. */
uint32_t wasm_rt_grow_memory(wasm_rt_memory_t *memory, uint32_t pages) {
  uint32_t old = memory->pages;
  if (pages == 0) return old;
  if (memory->size != old * 65536u || pages > memory->max_pages - old || pages > pending_size / 65536u - old) return 0xffffffffu;
  for (uint32_t i = memory->size; i < (old + pages) * 65536u; i++) memory->data[i] = 0;
  memory->pages = old + pages;
  memory->size = memory->pages * 65536u;
  return old;
}

void wasm_rt_free_memory(wasm_rt_memory_t *memory) {
  memory->data = NULL;
  memory->size = 0;
}
