// The exports of wasm3.wasm: the wasm3 interpreter (built for wasm32-wasi, see mk/wasm3-wasi.mk)
// hosting one guest module, driven from bindings/wasm3.ts. All values cross through the WASI
// module's memory: the host writes the guest's bytes and names into buffers it gets from here,
// arguments and results travel in w3_slots(), and failures are a negative code plus w3_error().
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "wasm3.h"

#define EXPORT(name) __attribute__((export_name(name)))

enum {
  W3_OK = 0,
  W3_ERR_STATE = -1,      // no module yet, or one loaded already
  W3_ERR_NO_MEMORY = -2,  // the interpreter could not allocate
  W3_ERR_PARSE = -3,      // the bytes are not a module wasm3 accepts
  W3_ERR_LOAD = -4,       // the module does not instantiate or compile (imports, memory, start function)
  W3_ERR_NO_FUNCTION = -5,
  W3_ERR_ARGS = -6,       // wrong argument count, or a function handle that is not one
  W3_ERR_TRAP = -7,       // the guest trapped; w3_error() says why
};

#define MAX_FUNCTIONS 256
#define MAX_VALUES 16
#define NAME_CAPACITY 256

static IM3Environment environment;
static IM3Runtime runtime;
static uint8_t *module_bytes;  // wasm3 keeps pointing into the module's bytes: they live as long as the runtime
static IM3Function functions[MAX_FUNCTIONS];
static uint32_t function_count;
static uint64_t slots[MAX_VALUES];
static char name_buffer[NAME_CAPACITY];
static char error_text[512];

static int32_t fail(int32_t code, const char *what, M3Result result) {
  const char *detail = result ? result : "";
  if (runtime && result) {
    M3ErrorInfo info;
    m3_GetErrorInfo(runtime, &info);
    if (info.message && *info.message) {
      snprintf(error_text, sizeof error_text, "%s: %s (%s)", what, detail, info.message);
      return code;
    }
  }
  snprintf(error_text, sizeof error_text, "%s%s%s", what, *detail ? ": " : "", detail);
  return code;
}

// A buffer of n bytes for the guest module's bytes, kept by w3_load. 0 when out of memory.
EXPORT("w3_module_buffer") uint8_t *w3_module_buffer(uint32_t n) {
  if (module_bytes || n == 0) return 0;
  module_bytes = malloc(n);
  return module_bytes;
}

// Parses and instantiates the module in w3_module_buffer, with a value stack of stack_bytes.
EXPORT("w3_load") int32_t w3_load(uint32_t n, uint32_t stack_bytes) {
  if (!module_bytes || runtime) return fail(W3_ERR_STATE, "w3_load: give the bytes in w3_module_buffer, once", 0);
  environment = m3_NewEnvironment();
  if (!environment) return fail(W3_ERR_NO_MEMORY, "no memory for the wasm3 environment", 0);
  runtime = m3_NewRuntime(environment, stack_bytes, 0);
  if (!runtime) return fail(W3_ERR_NO_MEMORY, "no memory for the wasm3 runtime", 0);
  IM3Module module;
  M3Result r = m3_ParseModule(environment, &module, module_bytes, n);
  if (r) return fail(W3_ERR_PARSE, "module parse", r);
  r = m3_LoadModule(runtime, module);
  if (r) {
    m3_FreeModule(module);  // not owned by the runtime when loading failed
    return fail(W3_ERR_LOAD, "module load", r);
  }
  // Every function compiled now, not on its first call: calls then allocate nothing, so the
  // host's view of memory stays valid across them, and a function wasm3 cannot compile fails here.
  r = m3_CompileModule(module);
  if (r) return fail(W3_ERR_LOAD, "module compile", r);
  r = m3_RunStart(module);  // at instantiation, as a WebAssembly engine does (wasm3 would wait for the first lookup)
  if (r) return fail(W3_ERR_TRAP, "start function", r);
  return W3_OK;
}

EXPORT("w3_name_buffer") char *w3_name_buffer(void) { return name_buffer; }
EXPORT("w3_name_capacity") uint32_t w3_name_capacity(void) { return NAME_CAPACITY; }

// Finds the exported function named in w3_name_buffer (NUL-terminated); returns its handle (>= 0).
EXPORT("w3_find") int32_t w3_find(void) {
  if (!runtime) return fail(W3_ERR_STATE, "no module loaded", 0);
  name_buffer[NAME_CAPACITY - 1] = 0;
  IM3Function f;
  M3Result r = m3_FindFunction(&f, runtime, name_buffer);
  if (r) return fail(W3_ERR_NO_FUNCTION, name_buffer, r);
  for (uint32_t i = 0; i < function_count; i++)
    if (functions[i] == f) return (int32_t)i;
  if (function_count == MAX_FUNCTIONS) return fail(W3_ERR_NO_FUNCTION, "too many functions looked up", 0);
  if (m3_GetArgCount(f) > MAX_VALUES || m3_GetRetCount(f) > MAX_VALUES)
    return fail(W3_ERR_NO_FUNCTION, "function with more values than w3_slots holds", 0);
  functions[function_count] = f;
  return (int32_t)function_count++;
}

// Value types as wasm3 numbers them: 1 i32, 2 i64, 3 f32, 4 f64.
EXPORT("w3_arg_count") int32_t w3_arg_count(uint32_t h) { return h < function_count ? (int32_t)m3_GetArgCount(functions[h]) : W3_ERR_ARGS; }
EXPORT("w3_arg_type") int32_t w3_arg_type(uint32_t h, uint32_t i) {
  return h < function_count && i < m3_GetArgCount(functions[h]) ? (int32_t)m3_GetArgType(functions[h], i) : W3_ERR_ARGS;
}
EXPORT("w3_result_count") int32_t w3_result_count(uint32_t h) { return h < function_count ? (int32_t)m3_GetRetCount(functions[h]) : W3_ERR_ARGS; }
EXPORT("w3_result_type") int32_t w3_result_type(uint32_t h, uint32_t i) {
  return h < function_count && i < m3_GetRetCount(functions[h]) ? (int32_t)m3_GetRetType(functions[h], i) : W3_ERR_ARGS;
}

// Arguments in, results out: one 8-byte slot per value, in the value's own representation
// (an i32 in the low 4 bytes, an f64 as its bits).
EXPORT("w3_slots") uint64_t *w3_slots(void) { return slots; }

EXPORT("w3_call") int32_t w3_call(uint32_t h, uint32_t argc) {
  if (h >= function_count || argc != m3_GetArgCount(functions[h])) return fail(W3_ERR_ARGS, "w3_call: bad handle or argument count", 0);
  IM3Function f = functions[h];
  const void *pointers[MAX_VALUES];
  for (uint32_t i = 0; i < MAX_VALUES; i++) pointers[i] = &slots[i];
  M3Result r = m3_Call(f, argc, pointers);
  if (r) {
    int32_t code = fail(W3_ERR_TRAP, m3_GetFunctionName(f), r);
    m3_ResetErrorInfo(runtime);
    return code;
  }
  memset(slots, 0, sizeof slots);
  r = m3_GetResults(f, m3_GetRetCount(f), pointers);
  if (r) return fail(W3_ERR_TRAP, m3_GetFunctionName(f), r);
  return W3_OK;
}

EXPORT("w3_error") const char *w3_error(void) { return error_text; }

// The guest's linear memory inside ours: where it starts and how big it is now. It moves when the
// guest grows it, so the host asks again after every call.
EXPORT("w3_memory") uint8_t *w3_memory(void) {
  uint32_t size = 0;
  return runtime ? m3_GetMemory(runtime, &size, 0) : 0;
}
EXPORT("w3_memory_size") uint32_t w3_memory_size(void) {
  uint32_t size = 0;
  if (runtime) m3_GetMemory(runtime, &size, 0);
  return size;
}
