/* The wasm3 backend of the C API (opaygo_interp.h): one module, linked in as a const array
 * (opaygo_module.c, scripts/gen_wasm_module.py), on wasm3 built with a fixed heap
 * (d_m3FixedHeap, a bump allocator). wasm3's internal m3_env.h is used for what its public API
 * lacks: the linear memory limit (runtime->memoryLimit, as wasm3's Arduino examples do) and the
 * reset of an instance (the loader's own InitGlobals and InitDataSegments, then the start function
 * again: no allocation that stays, so that a fresh instance does not spend the heap again). */
#include <string.h>

#include "m3_env.h"
#include "opaygo.h"
#include "opaygo_exports.h"
#include "opaygo_interp.h"
#include "wasm3.h"

#ifndef OPAYGO_WASM_STACK_BYTES /* wasm3's value stack (slots of 8 bytes), on its heap */
#error "OPAYGO_WASM_STACK_BYTES: set per module in mk/mcu-wasm.mk"
#endif

M3Result InitGlobals(IM3Module io_module);
M3Result InitDataSegments(M3Memory *io_memory, IM3Module io_module);
void opaygo_trap_handler(int code);

static IM3Environment env;
static IM3Runtime runtime;
static IM3Module module;
static int32_t start_function;
static uint32_t memory_bytes; /* linear memory allocated (the module's page, capped) */
static int loaded, load_failed, load_error;
static M3Result last_error;
static uint8_t *heap_base;
static uint32_t heap_parsed, heap_loaded, heap_peak;
static IM3Function functions[OPAYGO_WASM_EXPORT_COUNT]; /* found (compiled) exports */

/* The bump allocator's position: the block a 1-byte allocation would get, given back at once
 * (m3_Free returns the last block). NULL when the heap is spent. */
static uint8_t *heap_top(void) {
  uint8_t *top = m3_Malloc(1), *block = top;
  if (block != NULL) m3_Free(block); /* (m3_Free sets its argument to NULL) */
  return top;
}

uint32_t opaygo_interp_heap_size(void) { return d_m3FixedHeap; }

static uint32_t heap_used(void) {
  if (heap_base == NULL) heap_base = heap_top();
  uint8_t *top = heap_top();
  uint32_t used = top == NULL ? d_m3FixedHeap : (uint32_t)(top - heap_base);
  if (used > heap_peak) heap_peak = used;
  return used;
}

/* Sampled after each instantiation: wasm3 compiles every function at load, and a call allocates
 * nothing. */
uint32_t opaygo_interp_heap_peak(void) {
  heap_used();
  return heap_peak;
}

/* The value stack is zeroed when allocated and grows upwards: its last non-zero byte is about
 * the deepest it went (a zero written last at the very top would be missed). */
static uint32_t value_stack_used(void) {
  if (!loaded) return 0;
  const uint8_t *stack = runtime->stack;
  uint32_t n = OPAYGO_WASM_STACK_BYTES;
  while (n > 0 && stack[n - 1] == 0) n--;
  return n;
}

int opaygo_interp_heap_reserve(uint32_t bytes) {
  if (heap_base == NULL) heap_base = heap_top();
  return bytes == 0 || m3_Malloc(bytes) != NULL ? OPAYGO_OK : OPAYGO_ERR_MEMORY_SIZE;
}

const char *opaygo_interp_last_error(void) { return last_error != NULL ? last_error : ""; }

void opaygo_interp_figures(void (*figure)(const char *name, uint32_t value)) {
  figure("heap_size", d_m3FixedHeap);
  figure("heap_after_parse", heap_parsed);
  figure("heap_after_load", heap_loaded);
  figure("heap_now", heap_used());
  figure("heap_peak", opaygo_interp_heap_peak());
  figure("wasm_stack_size", OPAYGO_WASM_STACK_BYTES);
  figure("wasm_stack_used", value_stack_used());
}

/* Out of heap: OPAYGO_ERR_MEMORY_SIZE; anything else is the module itself (wasm3 built for another
 * module's opcodes, scripts/wasm3_opcodes.py, or a malformed .wasm): OPAYGO_ERR_MODULE. */
static int fail_load(M3Result result) {
  last_error = result;
  load_failed = 1;
  load_error = result == m3Err_mallocFailed || result == m3Err_mallocFailedCodePage ? OPAYGO_ERR_MEMORY_SIZE : OPAYGO_ERR_MODULE;
  return load_error;
}

static int load(void) {
  if (heap_base == NULL) heap_base = heap_top();
  env = m3_NewEnvironment();
  if (env == NULL) return fail_load(m3Err_mallocFailed);
  runtime = m3_NewRuntime(env, OPAYGO_WASM_STACK_BYTES, NULL);
  if (runtime == NULL) return fail_load(m3Err_mallocFailed);
  runtime->memoryLimit = OPAYGO_MEMORY_BYTES; /* what the module says it needs (opaygo.h) */
  M3Result result = m3_ParseModule(env, &module, opaygo_wasm, opaygo_wasm_size);
  if (result != NULL) return fail_load(result);
  /* The module stays in its first page: wasm3 would grow it past memoryLimit in name only (its
   * pages counted, its bytes not), so memory.grow must fail (the full module's server side then
   * refuses a large request as too large). */
  module->memoryInfo.maxPages = module->memoryInfo.initPages;
  heap_parsed = heap_used();
  start_function = module->startFunction;
  result = m3_LoadModule(runtime, module);
  /* Every function compiled now, not on its first call: a heap too small is refused here, never
   * in the middle of a call (where wasm3 0.5.0 also leaves the caller's code broken: its
   * op_Compile rewrites itself into a call before the compilation succeeded). */
  if (result == NULL) result = m3_CompileModule(module);
  if (result == NULL) result = m3_RunStart(module);
  if (result != NULL) return fail_load(result);
  heap_loaded = heap_used();
  memory_bytes = runtime->memory.mallocated->length;
  loaded = 1;
  return OPAYGO_OK;
}

/* A fresh instance over the loaded module: what m3_LoadModule does, without allocating. */
static M3Result reset(void) {
  M3Memory *memory = &runtime->memory;
  memory->mallocated->length = memory_bytes;
  memset(m3MemData(memory->mallocated), 0, memory_bytes);
  M3Result result = InitGlobals(module);
  if (result == NULL) result = InitDataSegments(memory, module);
  module->startFunction = start_function;
  if (result == NULL) result = m3_RunStart(module);
  return result;
}

int opaygo_interp_instantiate(uint32_t size, uint8_t **memory) {
  if (load_failed) return load_error;
  if (!loaded) {
    int rc = load();
    if (rc != OPAYGO_OK) return rc;
  } else {
    M3Result result = reset();
    if (result != NULL) {
      /* Evaluating the data segment offsets and global initialisers takes a code page, given
       * back at once: a heap without room for it refuses here. */
      last_error = result;
      return OPAYGO_ERR_MEMORY_SIZE;
    }
  }
  /* The clamp: wasm3 checks every access against the header's length. */
  runtime->memory.mallocated->length = size < memory_bytes ? size : memory_bytes;
  *memory = m3MemData(runtime->memory.mallocated);
  return OPAYGO_OK;
}

static int trap_code(M3Result result) {
  if (result == m3Err_trapOutOfBoundsMemoryAccess) return OPAYGO_INTERP_TRAP_OOB;
  if (result == m3Err_trapStackOverflow) return OPAYGO_INTERP_TRAP_STACK;
  return OPAYGO_INTERP_TRAP_OTHER;
}

void opaygo_interp_call(uint32_t index, uint32_t argc, const void **args, void *result) {
  /* opaygo_memory_required() may come before any instance: load the module for it. */
  if (!loaded && !load_failed) load();
  M3Result r = loaded ? NULL : last_error;
  if (r == NULL && index >= OPAYGO_WASM_EXPORT_COUNT) r = m3Err_functionLookupFailed;
  if (r == NULL && functions[index] == NULL) r = m3_FindFunction(&functions[index], runtime, opaygo_wasm_export_names[index]);
  if (r == NULL) r = m3_Call(functions[index], argc, args);
  if (r == NULL && result != NULL) {
    const void *results[] = {result};
    r = m3_GetResults(functions[index], 1, results);
  }
  if (r != NULL) {
    last_error = r;
    opaygo_trap_handler(trap_code(r));
  }
}

