/* The toywasm backend of the C API (opaygo_interp.h): one module, linked in as a const array
 * (opaygo_module.c, scripts/gen_wasm_module.py), interpreted in place: toywasm reads the .wasm
 * where it lies (flash), so the module costs no RAM copy. Everything toywasm allocates comes
 * from opaygo_heap.c's arena (its mem.c is built with malloc, realloc and free renamed to it:
 * mk/wamr-toywasm.mk). Linear memory is cut to the clamp by our build-time patch
 * (scripts/patches/toywasm.patch: memory_instance_limit): allocated once, zeroed, and an access
 * past it traps (toywasm would otherwise grow it on the first access, up to its 64 KiB page).
 * Every opaygo_init gives a fresh instance (the old one destroyed, a new one created: memory
 * zeroed, data segments, globals, start function). toywasm's wasm stacks grow on its heap as a
 * call needs them: each instance checks that the heap has OPAYGO_WASM_STACK_BYTES free for them. The platform toywasm needs besides libc (its log and
 * error reports, lib/xlog.c and lib/report.c) is here: no console, no stdio, the reports keep their
 * format text. */
#include <errno.h>
#include <string.h>

#include "cconv.h"
#include "exec_context.h"
#include "instance.h"
#include "load_context.h"
#include "mem.h"
#include "module.h"
#include "opaygo.h"
#include "opaygo_exports.h"
#include "opaygo_heap.h"
#include "opaygo_interp.h"
#include "report.h"
#include "type.h"
#include "xlog.h"

#ifndef OPAYGO_WASM_STACK_BYTES /* the heap a call may take for toywasm's stacks */
#error "OPAYGO_WASM_STACK_BYTES: set per module in mk/wamr-toywasm.mk"
#endif

void opaygo_trap_handler(int code);

static struct mem_context mctx;
static struct module *module;
static struct instance *instance;
static struct exec_context exec;
static uint32_t funcidx[OPAYGO_WASM_EXPORT_COUNT];
static int loaded, load_failed, load_error;
static const char *last_error = "";
static uint32_t heap_loaded, heap_instance, instance_bytes, stack_used;

/* ---- the platform: toywasm's log and reports without stdio --------------------------- */

void xlog_printf(const char *format, ...) { (void)format; }
void xlog_printf_raw(const char *format, ...) { (void)format; }
void xlog__trace(const char *format, ...) { (void)format; }
void xlog_error(const char *format, ...) { (void)format; }
/* (the statistics printers of module.c and instance.c, never called: for a link without
 * --gc-sections) */
int nbio_printf(const char *format, ...) {
  (void)format;
  return 0;
}
void vreport(struct report *r, const char *format, va_list ap) {
  (void)ap;
  if (r->msg == NULL) r->msg = (char *)(uintptr_t)format; /* the first report stays, unformatted */
}
void report_error(struct report *r, const char *format, ...) {
  if (r->msg == NULL) r->msg = (char *)(uintptr_t)format;
}
void report_init(struct report *r) { r->msg = NULL; }
void report_clear(struct report *r) { r->msg = NULL; }
const char *report_getmessage(const struct report *r) { return r->msg != NULL ? r->msg : ""; }

/* ---- the backend ------------------------------------------------------------------------ */

const char *opaygo_interp_last_error(void) { return last_error; }

void opaygo_interp_figures(void (*figure)(const char *name, uint32_t value)) {
  opaygo_heap_figures(figure);
  figure("heap_after_load", heap_loaded);
  figure("heap_after_instance", heap_instance);
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
  mem_context_init(&mctx);
  struct load_context load;
  load_context_init(&load, &mctx);
  int ret = module_create(&module, opaygo_wasm, opaygo_wasm + opaygo_wasm_size, &load);
  const char *why = report_getmessage(&load.report);
  load_context_clear(&load);
  load_failed = 1;
  if (ret != 0) return load_error = failed(refusals, why);
  for (uint32_t i = 0; i < OPAYGO_WASM_EXPORT_COUNT; i++) {
    struct name name;
    set_name_cstr(&name, opaygo_wasm_export_names[i]);
    if (module_find_export(module, &name, EXTERNTYPE_FUNC, &funcidx[i]) != 0) return load_error = failed(refusals, "export not found");
  }
  heap_loaded = opaygo_heap_in_use();
  load_failed = 0;
  loaded = 1;
  return OPAYGO_OK;
}

static int trap_code(int ret) {
  if (ret == ETOYWASMTRAP) {
    enum trapid id = exec.trap.trapid;
    if (id == TRAP_OUT_OF_BOUNDS_MEMORY_ACCESS || id == TRAP_OUT_OF_BOUNDS_DATA_ACCESS) return OPAYGO_INTERP_TRAP_OOB;
    if (id == TRAP_TOO_MANY_FRAMES || id == TRAP_TOO_MANY_STACKCELLS) return OPAYGO_INTERP_TRAP_STACK;
    return OPAYGO_INTERP_TRAP_OTHER;
  }
  return ret == ENOMEM ? OPAYGO_INTERP_TRAP_STACK : OPAYGO_INTERP_TRAP_OTHER; /* stacks grow on the heap */
}

/* After a failed call the context holds the unwound call's frames: a fresh one. */
static void reset_exec(void) {
  exec_context_clear(&exec);
  exec_context_init(&exec, instance, &mctx);
}

static void destroy(void) {
  if (instance == NULL) return;
  exec_context_clear(&exec);
  instance_destroy(instance);
  instance = NULL;
}

/* A new instance with its memory cut to clamp bytes. */
static int instantiate(uint32_t clamp) {
  destroy();
  uint32_t refusals = opaygo_heap_refusals();
  struct report report;
  report_init(&report);
  if (instance_create_no_init(&mctx, module, &instance, NULL, &report) != 0) {
    instance = NULL;
    return failed(refusals, report_getmessage(&report));
  }
  exec_context_init(&exec, instance, &mctx);
  int ret = memory_instance_limit(cconv_memory(instance), clamp);
  if (ret == 0) ret = instance_execute_handle_restart(&exec, instance_execute_init(&exec));
  if (ret != 0) {
    int rc = failed(refusals, report_getmessage(exec.report));
    int code = trap_code(ret);
    destroy();
    /* A memory too small for the data segments: the trap wasm2c's instantiation gives. */
    if (rc == OPAYGO_ERR_MODULE && code == OPAYGO_INTERP_TRAP_OOB) opaygo_trap_handler(code);
    return rc;
  }
  instance_bytes = opaygo_heap_in_use();
  if (instance_bytes > heap_instance) heap_instance = instance_bytes;
  /* Room for the stacks a call grows on the heap (OPAYGO_WASM_STACK_BYTES, measured per module): a
   * heap too small is refused here, not in the middle of a call. */
  void *room = opaygo_heap_alloc(OPAYGO_WASM_STACK_BYTES);
  if (room == NULL) {
    destroy();
    return failed(refusals, "no room for the stacks of a call");
  }
  opaygo_heap_free(room);
  return OPAYGO_OK;
}

int opaygo_interp_instantiate(uint32_t size, uint8_t **memory) {
  if (load_failed) return load_error;
  if (!loaded) {
    int rc = load();
    if (rc != OPAYGO_OK) return rc;
  }
  uint32_t clamp = size < OPAYGO_MEMORY_BYTES ? size : OPAYGO_MEMORY_BYTES;
  int rc = instantiate(clamp);
  if (rc != OPAYGO_OK) return rc;
  void *base = NULL;
  if (memory_instance_getptr2(cconv_memory(instance), 0, 0, clamp, &base, NULL) != 0) return OPAYGO_ERR_MEMORY_SIZE;
  *memory = base;
  return OPAYGO_OK;
}

void opaygo_interp_call(uint32_t index, uint32_t argc, const void **args, void *result) {
  /* opaygo_memory_required() may come before any instance: make one for it. */
  if (instance == NULL && !load_failed && (loaded || load() == OPAYGO_OK)) instantiate(OPAYGO_MEMORY_BYTES);
  if (instance == NULL || index >= OPAYGO_WASM_EXPORT_COUNT) {
    opaygo_trap_handler(OPAYGO_INTERP_TRAP_OTHER);
    return;
  }
  const struct functype *type = module_functype(module, funcidx[index]);
  const struct resulttype *params = &type->parameter, *results = &type->result;
  struct val values[8];
  if (params->ntypes != argc || argc > 8 || results->ntypes > 1) {
    last_error = "export not of the generated type";
    opaygo_trap_handler(OPAYGO_INTERP_TRAP_OTHER);
    return;
  }
  for (uint32_t i = 0; i < argc; i++) {
    enum valtype t = params->types[i];
    memcpy(&values[i], args[i], t == TYPE_i64 || t == TYPE_f64 ? 8 : 4);
  }
  int ret = exec_push_vals(&exec, params, values);
  if (ret == 0) ret = instance_execute_handle_restart(&exec, instance_execute_func(&exec, funcidx[index], params, results));
  if (ret != 0) {
    last_error = report_getmessage(exec.report);
    int code = trap_code(ret);
    reset_exec();
    opaygo_trap_handler(code);
    return;
  }
  exec_pop_vals(&exec, results, values);
  /* What the stacks took (they keep their size until the next instance). */
  if (opaygo_heap_in_use() - instance_bytes > stack_used) stack_used = opaygo_heap_in_use() - instance_bytes;
  if (result != NULL && results->ntypes == 1) {
    enum valtype t = results->types[0];
    memcpy(result, &values[0], t == TYPE_i64 || t == TYPE_f64 ? 8 : 4);
  }
}
