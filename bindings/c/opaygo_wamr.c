/* The WAMR backend of the C API (opaygo_interp.h): one module, linked in as a const array
 * (opaygo_module.c, scripts/gen_wasm_module.py), on WAMR's classic interpreter, and WAMR's
 * bare-metal platform layer (platform_api_vmcore.h: wamr/platform_internal.h has its types).
 * Everything WAMR allocates comes from opaygo_heap.c's arena. WAMR rewrites the module while
 * loading it (names into C strings, opcodes into its own), so it loads a RAM copy of the .wasm,
 * counted in the heap; the copy stays (the classic interpreter runs the code in it). Linear memory
 * is cut to the clamp by our build-time patch (scripts/patches/wamr.patch:
 * wasm_runtime_instantiation_args_set_max_memory_bytes): an access past it traps. Every
 * opaygo_init gives a fresh instance (the old one freed, a new one instantiated: memory zeroed,
 * data segments, globals, start function). */
#include <string.h>

#include "opaygo.h"
#include "opaygo_exports.h"
#include "opaygo_heap.h"
#include "opaygo_interp.h"
#include "platform_api_vmcore.h"
#include "wasm_exec_env.h"
#include "wasm_export.h"

#ifndef OPAYGO_WASM_STACK_BYTES /* WAMR's wasm stack: frames and operands, on its heap */
#error "OPAYGO_WASM_STACK_BYTES: set per module in mk/wamr-toywasm.mk"
#endif

void opaygo_trap_handler(int code);

static wasm_module_t module;
static wasm_module_inst_t instance;
static wasm_exec_env_t exec_env;
static wasm_function_inst_t functions[OPAYGO_WASM_EXPORT_COUNT];
static int loaded, load_failed, load_error;
static char error[128];
static const char *last_error = "";
static uint32_t heap_loaded, heap_instance, stack_used;

/* ---- the platform: one thread, no OS, WAMR's heap is ours ----------------------------- */

int bh_platform_init(void) { return 0; }
void bh_platform_destroy(void) {}
void *os_malloc(unsigned size) { return opaygo_heap_alloc(size); }
void *os_realloc(void *block, unsigned size) { return opaygo_heap_realloc(block, size); }
void os_free(void *block) { opaygo_heap_free(block); }
/* No console: WAMR's log and error texts stay inside it (opaygo_interp_last_error). */
int os_printf(const char *format, ...) {
  (void)format;
  return 0;
}
int os_vprintf(const char *format, va_list ap) {
  (void)format;
  (void)ap;
  return 0;
}
uint64 os_time_get_boot_us(void) { return 0; }
uint64 os_time_thread_cputime_us(void) { return 0; }
/* (bh_log.c's time and memory prints, never called: for a link without --gc-sections) */
uint64 bh_get_tick_ms(void) { return 0; }
int os_dumps_proc_mem_info(char *out, unsigned int size) {
  (void)out;
  (void)size;
  return -1;
}
korp_tid os_self_thread(void) { return 0; }
/* No native stack check: the classic interpreter runs wasm calls in its own loop, not on the C
 * stack. */
uint8 *os_thread_get_stack_boundary(void) { return NULL; }
void os_thread_jit_write_protect_np(bool enabled) { (void)enabled; }
int os_mutex_init(korp_mutex *mutex) {
  (void)mutex;
  return 0;
}
int os_mutex_destroy(korp_mutex *mutex) {
  (void)mutex;
  return 0;
}
int os_mutex_lock(korp_mutex *mutex) {
  (void)mutex;
  return 0;
}
int os_mutex_unlock(korp_mutex *mutex) {
  (void)mutex;
  return 0;
}
/* Linear memory: a zeroed block of the heap. */
void *os_mmap(void *hint, size_t size, int prot, int flags, os_file_handle file) {
  (void)hint;
  (void)prot;
  (void)flags;
  (void)file;
  void *block = opaygo_heap_alloc(size);
  if (block != NULL) memset(block, 0, size);
  return block;
}
void os_munmap(void *addr, size_t size) {
  (void)size;
  opaygo_heap_free(addr);
}
int os_mprotect(void *addr, size_t size, int prot) {
  (void)addr;
  (void)size;
  (void)prot;
  return 0;
}
void *os_mremap(void *old_addr, size_t old_size, size_t new_size) { return os_mremap_slow(old_addr, old_size, new_size); }
void os_dcache_flush(void) {}
void os_icache_flush(void *start, size_t len) {
  (void)start;
  (void)len;
}

/* WAMR's allocator hooks (exact signatures: WAMR calls them with 32-bit sizes). */
static void *wamr_malloc(unsigned int size) { return opaygo_heap_alloc(size); }
static void *wamr_realloc(void *block, unsigned int size) { return opaygo_heap_realloc(block, size); }
static void wamr_free(void *block) { opaygo_heap_free(block); }

/* ---- the backend ------------------------------------------------------------------------ */

const char *opaygo_interp_last_error(void) { return last_error; }

/* The deepest the wasm stack went: WAMR's stack is painted when the exec env is made, and its
 * frames grow upwards from the bottom (wasm_exec_env.h's wasm_stack). */
#define PAINT 0xa5u
static void paint_stack(void) {
  uint8_t *p = exec_env->wasm_stack.bottom;
  memset(p, PAINT, (size_t)(exec_env->wasm_stack.top_boundary - p));
}

static void measure_stack(void) {
  if (exec_env == NULL) return;
  uint8_t *bottom = exec_env->wasm_stack.bottom, *p = exec_env->wasm_stack.top_boundary;
  while (p > bottom && p[-1] == PAINT) p--;
  if ((uint32_t)(p - bottom) > stack_used) stack_used = (uint32_t)(p - bottom);
}

void opaygo_interp_figures(void (*figure)(const char *name, uint32_t value)) {
  measure_stack();
  opaygo_heap_figures(figure);
  figure("heap_after_load", heap_loaded);
  figure("heap_after_instance", heap_instance);
  figure("module_copy", opaygo_wasm_size);
  figure("wasm_stack_size", OPAYGO_WASM_STACK_BYTES);
  figure("wasm_stack_used", stack_used);
}

/* A failure with an allocation refused is the heap's (OPAYGO_ERR_MEMORY_SIZE), any other the
 * module's (OPAYGO_ERR_MODULE). */
static int failed(uint32_t refusals_before, const char *text) {
  last_error = text;
  return opaygo_heap_failure(refusals_before);
}

static int load(void) {
  uint32_t refusals = opaygo_heap_refusals();
  RuntimeInitArgs init;
  memset(&init, 0, sizeof init);
  init.mem_alloc_type = Alloc_With_Allocator;
  init.mem_alloc_option.allocator.malloc_func = (void *)wamr_malloc;
  init.mem_alloc_option.allocator.realloc_func = (void *)wamr_realloc;
  init.mem_alloc_option.allocator.free_func = (void *)wamr_free;
  load_failed = 1;
  if (!wasm_runtime_full_init(&init)) return load_error = failed(refusals, "runtime init failed");
  uint8_t *copy = opaygo_heap_alloc(opaygo_wasm_size);
  if (copy == NULL) return load_error = failed(refusals, "no room for the module's copy");
  memcpy(copy, opaygo_wasm, opaygo_wasm_size);
  module = wasm_runtime_load(copy, opaygo_wasm_size, error, sizeof error);
  if (module == NULL) return load_error = failed(refusals, error);
  heap_loaded = opaygo_heap_in_use();
  load_failed = 0;
  loaded = 1;
  return OPAYGO_OK;
}

static int trap_code(const char *exception) {
  if (strstr(exception, "out of bounds memory access") != NULL) return OPAYGO_INTERP_TRAP_OOB;
  if (strstr(exception, "stack overflow") != NULL) return OPAYGO_INTERP_TRAP_STACK;
  return OPAYGO_INTERP_TRAP_OTHER;
}

/* A new instance with its memory cut to clamp bytes. */
static int instantiate(uint32_t clamp) {
  if (instance != NULL) {
    measure_stack();
    wasm_runtime_deinstantiate(instance);
    instance = NULL;
    exec_env = NULL;
    memset(functions, 0, sizeof functions);
  }
  uint32_t refusals = opaygo_heap_refusals();
  struct InstantiationArgs2 *args;
  if (!wasm_runtime_instantiation_args_create(&args)) return failed(refusals, "no room for the arguments");
  wasm_runtime_instantiation_args_set_default_stack_size(args, OPAYGO_WASM_STACK_BYTES);
  wasm_runtime_instantiation_args_set_host_managed_heap_size(args, 0);
  wasm_runtime_instantiation_args_set_max_memory_bytes(args, clamp);
  instance = wasm_runtime_instantiate_ex2(module, args, error, sizeof error);
  wasm_runtime_instantiation_args_destroy(args);
  if (instance == NULL) {
    int rc = failed(refusals, error);
    /* A memory too small for the data segments: the trap wasm2c's instantiation gives. */
    if (rc == OPAYGO_ERR_MODULE && strstr(error, "data segment does not fit") != NULL) opaygo_trap_handler(OPAYGO_INTERP_TRAP_OOB);
    return rc;
  }
  exec_env = wasm_runtime_get_exec_env_singleton(instance);
  if (exec_env == NULL) return failed(refusals, "no room for the exec env");
  paint_stack();
  if (opaygo_heap_in_use() > heap_instance) heap_instance = opaygo_heap_in_use();
  return OPAYGO_OK;
}

int opaygo_interp_instantiate(uint32_t size, uint8_t **memory) {
  if (load_failed) return load_error;
  if (!loaded) {
    int rc = load();
    if (rc != OPAYGO_OK) return rc;
  }
  if (size == 0) opaygo_trap_handler(OPAYGO_INTERP_TRAP_OOB); /* no memory at all: the data segments do not fit */
  int rc = instantiate(size < OPAYGO_MEMORY_BYTES ? size : OPAYGO_MEMORY_BYTES);
  if (rc != OPAYGO_OK) return rc;
  *memory = wasm_memory_get_base_address(wasm_runtime_get_default_memory(instance));
  return OPAYGO_OK;
}

/* Bytes of a value of this kind in WAMR's argument cells. */
static uint32_t kind_bytes(wasm_valkind_t kind) { return kind == WASM_I64 || kind == WASM_F64 ? 8u : 4u; }

void opaygo_interp_call(uint32_t index, uint32_t argc, const void **args, void *result) {
  /* opaygo_memory_required() may come before any instance: make one for it. */
  if (instance == NULL && !load_failed && (loaded || load() == OPAYGO_OK)) instantiate(OPAYGO_MEMORY_BYTES);
  if (instance == NULL || index >= OPAYGO_WASM_EXPORT_COUNT) {
    opaygo_trap_handler(OPAYGO_INTERP_TRAP_OTHER);
    return;
  }
  wasm_function_inst_t function = functions[index];
  if (function == NULL) function = functions[index] = wasm_runtime_lookup_function(instance, opaygo_wasm_export_names[index]);
  wasm_valkind_t kinds[8];
  uint32_t cells[16], at = 0;
  if (function == NULL || wasm_func_get_param_count(function, instance) != argc || argc > 8 ||
      wasm_func_get_result_count(function, instance) > 1) {
    last_error = "export not found or not of the generated type";
    opaygo_trap_handler(OPAYGO_INTERP_TRAP_OTHER);
    return;
  }
  wasm_func_get_param_types(function, instance, kinds);
  for (uint32_t i = 0; i < argc; i++) {
    memcpy(&cells[at / 4], args[i], kind_bytes(kinds[i]));
    at += kind_bytes(kinds[i]);
  }
  if (!wasm_runtime_call_wasm(exec_env, function, at / 4, cells)) {
    strncpy(error, wasm_runtime_get_exception(instance), sizeof error - 1);
    last_error = error;
    int code = trap_code(error);
    wasm_runtime_clear_exception(instance);
    opaygo_trap_handler(code);
    return;
  }
  if (result != NULL && wasm_func_get_result_count(function, instance) == 1) {
    wasm_func_get_result_types(function, instance, kinds);
    memcpy(result, cells, kind_bytes(kinds[0]));
  }
}
