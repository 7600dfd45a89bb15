/* The wasm3 backend of the C API (see opaygo_wasm3.h): one module, linked in as a const array
 * (build/mcu/<module>/module.c, tests/mcu/gen_wasm3_module.py), on wasm3 built with a fixed heap
 * (d_m3FixedHeap, a bump allocator). wasm3's internal m3_env.h is used for what its public API
 * lacks: the linear memory limit (runtime->memoryLimit, as wasm3's Arduino examples do) and the
 * reset of an instance (the loader's own InitGlobals and InitDataSegments, then the start function
 * again: no allocation that stays, so that a fresh instance does not spend the heap again). */
#include "opaygo_wasm3.h"

#include <string.h>

#include "m3_env.h"
#include "opaygo.h"
#include "wasm3.h"

#ifndef OPAYGO_WASM3_STACK_BYTES /* wasm3's value stack (slots of 8 bytes), on its heap */
#error "OPAYGO_WASM3_STACK_BYTES: set per module in mk/mcu-wasm.mk"
#endif

M3Result InitGlobals(IM3Module io_module);
M3Result InitDataSegments(M3Memory *io_memory, IM3Module io_module);
void opaygo_trap_handler(int code);

extern const uint8_t opaygo_wasm[];
extern const uint32_t opaygo_wasm_size;
extern const char *const opaygo_wasm3_export_names[];
extern const uint32_t opaygo_wasm3_export_count;
extern IM3Function opaygo_wasm3_functions[];

static IM3Environment env;
static IM3Runtime runtime;
static IM3Module module;
static int32_t start_function;
static uint32_t memory_bytes; /* linear memory allocated (the module's page, capped) */
static int loaded, load_failed, load_error;
static M3Result last_error;
static uint8_t *heap_base;
static uint32_t heap_parsed, heap_loaded;

/* The bump allocator's position: the block a 1-byte allocation would get, given back at once
 * (m3_Free returns the last block). NULL when the heap is spent. */
static uint8_t *heap_top(void) {
  uint8_t *top = m3_Malloc(1), *block = top;
  if (block != NULL) m3_Free(block); /* (m3_Free sets its argument to NULL) */
  return top;
}

uint32_t opaygo_wasm3_heap_size(void) { return d_m3FixedHeap; }

uint32_t opaygo_wasm3_heap_used(void) {
  if (heap_base == NULL) heap_base = heap_top();
  uint8_t *top = heap_top();
  return top == NULL ? d_m3FixedHeap : (uint32_t)(top - heap_base);
}

uint32_t opaygo_wasm3_heap_after_parse(void) { return heap_parsed; }
uint32_t opaygo_wasm3_heap_after_load(void) { return heap_loaded; }

/* The value stack is zeroed when allocated and grows upwards: its last non-zero byte is about
 * the deepest it went (a zero written last at the very top would be missed). */
uint32_t opaygo_wasm3_value_stack_used(void) {
  if (!loaded) return 0;
  const uint8_t *stack = runtime->stack;
  uint32_t n = OPAYGO_WASM3_STACK_BYTES;
  while (n > 0 && stack[n - 1] == 0) n--;
  return n;
}

int opaygo_wasm3_heap_reserve(uint32_t bytes) {
  if (heap_base == NULL) heap_base = heap_top();
  return bytes == 0 || m3_Malloc(bytes) != NULL ? OPAYGO_OK : OPAYGO_ERR_MEMORY_SIZE;
}

const char *opaygo_wasm3_last_error(void) { return last_error != NULL ? last_error : ""; }

/* Out of heap: OPAYGO_ERR_MEMORY_SIZE; anything else is the module itself (wasm3 built for another
 * module's opcodes, tests/mcu/wasm3_opcodes.py, or a malformed .wasm): OPAYGO_ERR_MODULE. */
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
  runtime = m3_NewRuntime(env, OPAYGO_WASM3_STACK_BYTES, NULL);
  if (runtime == NULL) return fail_load(m3Err_mallocFailed);
  runtime->memoryLimit = OPAYGO_MEMORY_BYTES; /* what the module says it needs (opaygo.h) */
  M3Result result = m3_ParseModule(env, &module, opaygo_wasm, opaygo_wasm_size);
  if (result != NULL) return fail_load(result);
  /* The module stays in its first page: wasm3 would grow it past memoryLimit in name only (its
   * pages counted, its bytes not), so memory.grow must fail (the full module's server side then
   * refuses a large request as too large). */
  module->memoryInfo.maxPages = module->memoryInfo.initPages;
  heap_parsed = opaygo_wasm3_heap_used();
  start_function = module->startFunction;
  result = m3_LoadModule(runtime, module);
  /* Every function compiled now, not on its first call: a heap too small is refused here, never
   * in the middle of a call (where wasm3 0.5.0 also leaves the caller's code broken: its
   * op_Compile rewrites itself into a call before the compilation succeeded). */
  if (result == NULL) result = m3_CompileModule(module);
  if (result == NULL) result = m3_RunStart(module);
  if (result != NULL) return fail_load(result);
  heap_loaded = opaygo_wasm3_heap_used();
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

int opaygo_wasm3_instantiate(uint32_t size, uint8_t **memory) {
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
  if (result == m3Err_trapOutOfBoundsMemoryAccess) return OPAYGO_WASM3_TRAP_OOB;
  if (result == m3Err_trapStackOverflow) return OPAYGO_WASM3_TRAP_STACK;
  return OPAYGO_WASM3_TRAP_OTHER;
}

void opaygo_wasm3_call(uint32_t index, uint32_t argc, const void **args, void *result) {
  /* opaygo_memory_required() may come before any instance: load the module for it. */
  if (!loaded && !load_failed) load();
  M3Result r = loaded ? NULL : last_error;
  if (r == NULL && index >= opaygo_wasm3_export_count) r = m3Err_functionLookupFailed;
  if (r == NULL && opaygo_wasm3_functions[index] == NULL) r = m3_FindFunction(&opaygo_wasm3_functions[index], runtime, opaygo_wasm3_export_names[index]);
  if (r == NULL) r = m3_Call(opaygo_wasm3_functions[index], argc, args);
  if (r == NULL && result != NULL) {
    const void *results[] = {result};
    r = m3_GetResults(opaygo_wasm3_functions[index], 1, results);
  }
  if (r != NULL) {
    last_error = r;
    opaygo_trap_handler(trap_code(r));
  }
}

