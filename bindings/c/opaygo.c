/* opaygo.c: the C API of opaygo.h over one wasm2c-translated module, compiled with the module in
 * the same translation unit (its exports static, see scripts/wasm2c-mcu.py), so that the
 * compiler inlines them here and drops what the API does not call.
 * Compiled once per module: -DOPAYGO_TOKEN_ONLY=1 over build/c/opaygo_token_wasm.c (module name
 * opaygo_token), -DOPAYGO_FULL=0 over build/c/opaygo_device_wasm.c (opaygo_device),
 * -DOPAYGO_FULL=1 over build/c/opaygo_full_wasm.c (opaygo).
 * Or, with -DOPAYGO_INTERP=1, over the .wasm on an interpreter (opaygo_interp.h).
 * New module exports slot in as one more wrapper calling EXPORT(name). */
#include "opaygo.h"

#include <string.h>

/* The generated code and wabt's runtime header, warnings off: they are wabt's business (and in
 * the amalgamation of make dist-c they are not headers, which compilers warn about more). */
#define OPAYGO_MODULE_API static
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wunused-variable"
#pragma GCC diagnostic ignored "-Wunused-const-variable"
#pragma GCC diagnostic ignored "-Wunused-label"
#pragma GCC diagnostic ignored "-Wunused-but-set-variable"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-value"
#if OPAYGO_INTERP
/* Or the .wasm itself on an interpreter (opaygo_interp.h): one generated function per export,
 * same signatures. */
#include "opaygo_exports.h"
typedef int instance_t;
#define EXPORT(name) opaygo_wasm_##name
#else
#include "wasm-rt-mcu.h"
#if OPAYGO_FULL
#include "opaygo_full_wasm.c"
typedef Z_opaygo_instance_t instance_t;
#define EXPORT(name) Z_opaygoZ_##name
#define MODULE_INIT Z_opaygo_init_module
#define MODULE_INSTANTIATE Z_opaygo_instantiate
#elif OPAYGO_TOKEN_ONLY
#include "opaygo_token_wasm.c"
typedef Z_opaygo_token_instance_t instance_t;
#define EXPORT(name) Z_opaygo_tokenZ_##name
#define MODULE_INIT Z_opaygo_token_init_module
#define MODULE_INSTANTIATE Z_opaygo_token_instantiate
#else
#include "opaygo_device_wasm.c"
typedef Z_opaygo_device_instance_t instance_t;
#define EXPORT(name) Z_opaygo_deviceZ_##name
#define MODULE_INIT Z_opaygo_device_init_module
#define MODULE_INSTANTIATE Z_opaygo_device_instantiate
#endif
#endif
#pragma GCC diagnostic pop

static instance_t inst;
static uint8_t *mem;
static uint32_t mem_size;
static int ready;

/* An export with arguments, and one without (C99: a variadic macro takes at least one). */
#define CALL(name, ...) EXPORT(name)(&inst, __VA_ARGS__)
#define GET(name) EXPORT(name)(&inst)
#define REQUIRE_READY() \
  do {                  \
    if (!ready) return OPAYGO_ERR_NOT_INITIALIZED; \
  } while (0)

int opaygo_init_unchecked(void *memory, uint32_t size) {
  ready = 0;
  if (memory == NULL || size > OPAYGO_MEMORY_MAX) return OPAYGO_ERR_ARGUMENT;
#if OPAYGO_INTERP
  /* The interpreter keeps the linear memory on its own heap: the block is not used, its size is
   * the clamp. The module stays in its first page there (memory.grow fails: an interpreter would
   * move a grown memory on its heap), so a larger block is refused. */
  if (size > 65536u) return OPAYGO_ERR_ARGUMENT;
  int rc = opaygo_interp_instantiate(size, &mem);
  if (rc != OPAYGO_OK) return rc;
  mem_size = size;
#else
  wasm_rt_init();
  MODULE_INIT();
  mem = (uint8_t *)memory;
  mem_size = size;
  wasm_rt_mcu_provide_memory(mem, size);
  MODULE_INSTANTIATE(&inst);
#endif
  ready = 1;
  return OPAYGO_OK;
}

int opaygo_init(void *memory, uint32_t size) {
  int rc = opaygo_init_unchecked(memory, size);
  if (rc != OPAYGO_OK) return rc;
  if (size < GET(memory_used)) {
    ready = 0;
    return OPAYGO_ERR_MEMORY_SIZE;
  }
  return OPAYGO_OK;
}

/* memory_used is a constant function of the module: it reads neither memory nor globals, so it
 * can be called before (or without) instantiation. */
uint32_t opaygo_memory_required(void) { return GET(memory_used); }

/* Copies into / out of linear memory at a module buffer address, within the given block. */
static int put(uint32_t addr, const void *src, size_t len) {
  if (addr > mem_size || len > mem_size - addr) return OPAYGO_ERR_MEMORY_SIZE;
  for (size_t i = 0; i < len; i++) mem[addr + i] = ((const uint8_t *)src)[i];
  return OPAYGO_OK;
}

static int get(void *dst, uint32_t addr, size_t len) {
  if (addr > mem_size || len > mem_size - addr) return OPAYGO_ERR_MEMORY_SIZE;
  for (size_t i = 0; i < len; i++) ((uint8_t *)dst)[i] = mem[addr + i];
  return OPAYGO_OK;
}

static int put_text(const char *text, size_t len) {
  if (text == NULL && len != 0) return OPAYGO_ERR_ARGUMENT;
  if (len > GET(text_capacity)) return OPAYGO_ERR_ARGUMENT;
  return put(GET(text_buffer), text, len);
}

int opaygo_set_key(const uint8_t key[OPAYGO_KEY_SIZE]) {
  REQUIRE_READY();
  if (key == NULL) return OPAYGO_ERR_ARGUMENT;
  return put(GET(key_buffer), key, OPAYGO_KEY_SIZE);
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int opaygo_set_key_hex(const char *hex32) {
  uint8_t key[OPAYGO_KEY_SIZE];
  if (hex32 == NULL) return OPAYGO_ERR_ARGUMENT;
  for (unsigned i = 0; i < OPAYGO_KEY_SIZE; i++) {
    int hi = hex_digit(hex32[2 * i]);
    int lo = hi < 0 ? -1 : hex_digit(hex32[2 * i + 1]);
    if (lo < 0) return OPAYGO_ERR_ARGUMENT;
    key[i] = (uint8_t)(hi << 4 | lo);
  }
  if (hex32[2 * OPAYGO_KEY_SIZE] != '\0') return OPAYGO_ERR_ARGUMENT;
  return opaygo_set_key(key);
}

uint32_t opaygo_starting_code_from_key(void) { return ready ? GET(token_starting_code) : 0; }

int opaygo_token_decode(const char *text, size_t len, uint32_t starting_code, uint32_t max_count,
                        uint32_t used_counts, int restricted, opaygo_decoded_t *out) {
  REQUIRE_READY();
  int rc = put_text(text, len);
  if (rc != OPAYGO_OK) return rc;
  int type = (int)CALL(token_decode, starting_code, max_count, used_counts, (uint32_t)len, restricted ? 1u : 0u);
  if (out != NULL) {
    out->value = GET(token_result_value);
    out->count = GET(token_result_count);
    out->max_count = GET(token_result_max_count);
    out->used_counts = GET(token_result_used_counts);
  }
  return type;
}

int opaygo_device_init(uint32_t starting_code, uint32_t count, uint32_t flags, uint32_t seconds_per_unit) {
  REQUIRE_READY();
  return (int)CALL(device_init, starting_code, count, flags, seconds_per_unit);
}

int opaygo_device_enter_token(uint32_t now, const char *text, size_t len) {
  REQUIRE_READY();
  int rc = put_text(text, len);
  if (rc != OPAYGO_OK) return rc;
  return (int)CALL(device_enter_token, now, (uint32_t)len);
}

/* Queries on an uninitialized library answer 0 (inactive, no credit). */
#define QUERY(call) (ready ? (call) : 0u)
int opaygo_device_is_active(uint32_t now) { return QUERY(CALL(device_is_active, now)) != 0; }
uint32_t opaygo_device_seconds_left(uint32_t now) { return QUERY(CALL(device_seconds_left, now)); }
int opaygo_device_payg_disabled(void) { return QUERY(GET(device_payg_disabled)) != 0; }
uint32_t opaygo_device_active_until(void) { return QUERY(GET(device_active_until)); }
uint32_t opaygo_device_count(void) { return QUERY(GET(device_count)); }
uint32_t opaygo_device_used_counts(void) { return QUERY(GET(device_used_counts)); }
uint32_t opaygo_device_last_value(void) { return QUERY(GET(device_last_value)); }
uint32_t opaygo_device_invalid_streak(void) { return QUERY(GET(device_invalid_streak)); }
uint32_t opaygo_device_blocked_until(void) { return QUERY(GET(device_blocked_until)); }

int opaygo_device_save(uint8_t blob[OPAYGO_STATE_BLOB_SIZE]) {
  REQUIRE_READY();
  if (blob == NULL) return OPAYGO_ERR_ARGUMENT;
  int n = (int)GET(device_save);
  if (n < 0) return n;
  int rc = get(blob, GET(state_buffer), OPAYGO_STATE_BLOB_SIZE);
  return rc != OPAYGO_OK ? rc : n;
}

int opaygo_device_load(const uint8_t blob[OPAYGO_STATE_BLOB_SIZE]) {
  REQUIRE_READY();
  if (blob == NULL) return OPAYGO_ERR_ARGUMENT;
  int rc = put(GET(state_buffer), blob, OPAYGO_STATE_BLOB_SIZE);
  if (rc != OPAYGO_OK) return rc;
  return (int)GET(device_load);
}

#if OPAYGO_FULL
int opaygo_token_generate(uint32_t starting_code, uint32_t count, int type, uint32_t value,
                          uint32_t flags, char *out, size_t out_size, uint32_t *new_count) {
  REQUIRE_READY();
  if (out == NULL) return OPAYGO_ERR_ARGUMENT;
  int n = (int)CALL(token_generate, starting_code, count, (uint32_t)type, value, flags);
  if (n < 0) return n;
  if ((size_t)n + 1 > out_size) return OPAYGO_ERR_OUTPUT_SPACE;
  int rc = get(out, GET(text_buffer), (size_t)n);
  if (rc != OPAYGO_OK) return rc;
  out[n] = '\0';
  if (new_count != NULL) *new_count = GET(token_generated_count);
  return n;
}
#endif

/* ---- metrics, device side ----------------------------------------------------------------- */
#if !OPAYGO_TOKEN_ONLY

/* Copies module output at addr (n bytes, n a module result) to the caller's buffer. */
static int copy_out(int n, uint32_t addr, void *out, size_t out_size) {
  if (n < 0) return n;
  if (out == NULL) return OPAYGO_ERR_ARGUMENT;
  if ((size_t)n > out_size) return OPAYGO_ERR_OUTPUT_SPACE;
  int rc = get(out, addr, (size_t)n);
  return rc != OPAYGO_OK ? rc : n;
}

/* Puts a then b back to back at the start of the metrics io buffer. */
static int put_io(const void *a, size_t a_len, const void *b, size_t b_len) {
  if ((a == NULL && a_len != 0) || (b == NULL && b_len != 0)) return OPAYGO_ERR_ARGUMENT;
  uint32_t cap = GET(metrics_io_capacity);
  if (a_len > cap || b_len > cap - a_len) return OPAYGO_ERR_ARGUMENT;
  uint32_t io = GET(metrics_io_buffer);
  int rc = put(io, a, a_len);
  return rc != OPAYGO_OK ? rc : put(io + (uint32_t)a_len, b, b_len);
}

/* Puts bytes at the start of the metrics output buffer (answers, accessory requests). */
static int put_out(const void *data, size_t len) {
  if (data == NULL && len != 0) return OPAYGO_ERR_ARGUMENT;
  if (len > GET(metrics_out_capacity)) return OPAYGO_ERR_ARGUMENT;
  return put(GET(metrics_out_buffer), data, len);
}

#define IO_OR_RETURN(a, a_len, b, b_len)            \
  do {                                              \
    REQUIRE_READY();                                \
    int rc_ = put_io(a, a_len, b, b_len);           \
    if (rc_ != OPAYGO_OK) return rc_;               \
  } while (0)

int opaygo_metrics_init(const char *serial, size_t len, int auth_method) {
  IO_OR_RETURN(serial, len, NULL, 0);
  return (int)CALL(metrics_init, (uint32_t)len, (uint32_t)auth_method);
}

int opaygo_metrics_format_id(int64_t id, int has_interval) {
  REQUIRE_READY();
  return (int)CALL(metrics_format_id, (uint64_t)id, has_interval ? 1u : 0u);
}

int opaygo_metrics_format_object(const char *json, size_t len, int has_interval) {
  IO_OR_RETURN(json, len, NULL, 0);
  return (int)CALL(metrics_format_object, (uint32_t)len, has_interval ? 1u : 0u);
}

int opaygo_metrics_format_name(int list, const char *name, size_t len) {
  IO_OR_RETURN(name, len, NULL, 0);
  return (int)CALL(metrics_format_name, (uint32_t)list, (uint32_t)len);
}

int opaygo_metrics_timestamp(int64_t ts) {
  REQUIRE_READY();
  CALL(metrics_timestamp, (uint64_t)ts);
  return OPAYGO_OK;
}

int opaygo_metrics_request_count(int64_t rc) {
  REQUIRE_READY();
  CALL(metrics_request_count, (uint64_t)rc);
  return OPAYGO_OK;
}

int opaygo_metrics_collection_timestamp(int64_t ts) {
  REQUIRE_READY();
  CALL(metrics_collection_timestamp, (uint64_t)ts);
  return OPAYGO_OK;
}

int opaygo_metrics_row_begin(int which) {
  REQUIRE_READY();
  return (int)CALL(metrics_row_begin, (uint32_t)which);
}

int opaygo_metrics_row_end(void) {
  REQUIRE_READY();
  return (int)GET(metrics_row_end);
}

int opaygo_metrics_put_int(const char *name, size_t name_len, int64_t v) {
  IO_OR_RETURN(name, name_len, NULL, 0);
  return (int)CALL(metrics_put_int, (uint32_t)name_len, (uint64_t)v);
}

int opaygo_metrics_put_float(const char *name, size_t name_len, double v) {
  IO_OR_RETURN(name, name_len, NULL, 0);
  uint64_t bits; /* the module takes the bit pattern: it has no float instruction */
  memcpy(&bits, &v, sizeof bits);
  return (int)CALL(metrics_put_float, (uint32_t)name_len, bits);
}

int opaygo_metrics_put_bool(const char *name, size_t name_len, int v) {
  IO_OR_RETURN(name, name_len, NULL, 0);
  return (int)CALL(metrics_put_bool, (uint32_t)name_len, v ? 1u : 0u);
}

int opaygo_metrics_put_null(const char *name, size_t name_len) {
  IO_OR_RETURN(name, name_len, NULL, 0);
  return (int)CALL(metrics_put_null, (uint32_t)name_len);
}

int opaygo_metrics_put_string(const char *name, size_t name_len, const char *value, size_t value_len) {
  IO_OR_RETURN(name, name_len, value, value_len);
  return (int)CALL(metrics_put_string, (uint32_t)name_len, (uint32_t)value_len);
}

int opaygo_metrics_array_begin(const char *name, size_t name_len) {
  IO_OR_RETURN(name, name_len, NULL, 0);
  return (int)CALL(metrics_array_begin, (uint32_t)name_len);
}

int opaygo_metrics_array_end(void) {
  REQUIRE_READY();
  return (int)GET(metrics_array_end);
}

int opaygo_metrics_encode(int form, int cbor, uint8_t *out, size_t out_size) {
  REQUIRE_READY();
  if (out == NULL) return OPAYGO_ERR_ARGUMENT;
  int n = (int)CALL(metrics_encode, (uint32_t)form, cbor ? 1u : 0u);
  return copy_out(n, GET(metrics_out_buffer), out, out_size);
}

uint32_t opaygo_metrics_io_capacity(void) { return QUERY(GET(metrics_io_capacity)); }
uint32_t opaygo_metrics_out_capacity(void) { return QUERY(GET(metrics_out_capacity)); }
uint32_t opaygo_metrics_features(void) { return QUERY(GET(metrics_features)); }

int opaygo_metrics_accessory_add(const uint8_t *request, size_t len) {
  REQUIRE_READY();
  int rc = put_out(request, len);
  if (rc != OPAYGO_OK) return rc;
  return (int)CALL(metrics_accessory_add, (uint32_t)len);
}

int opaygo_metrics_ring(opaygo_metrics_ring_t *out) {
  REQUIRE_READY();
  if (out == NULL) return OPAYGO_ERR_ARGUMENT;
  out->rows = GET(metrics_ring_rows);
  out->accessories = GET(metrics_ring_accessories);
  out->sent_rows = GET(metrics_ring_sent_rows);
  out->dropped = GET(metrics_ring_dropped);
  out->bytes = GET(metrics_ring_bytes);
  out->capacity = GET(metrics_ring_capacity);
  return OPAYGO_OK;
}

int opaygo_metrics_ring_clear(void) {
  REQUIRE_READY();
  GET(metrics_ring_clear);
  return OPAYGO_OK;
}

int opaygo_metrics_answer_apply(const uint8_t *body, size_t len, uint32_t now) {
  REQUIRE_READY();
  int rc = put_out(body, len);
  if (rc != OPAYGO_OK) return rc;
  return (int)CALL(metrics_answer_apply, (uint32_t)len, now);
}

int opaygo_metrics_answer_tokens(void) { return (int)QUERY(GET(metrics_answer_tokens)); }
int opaygo_metrics_answer_token_result(int i) { return (int)QUERY(CALL(metrics_answer_token_result, (uint32_t)i)); }
uint32_t opaygo_metrics_answer_token_value(int i) { return QUERY(CALL(metrics_answer_token_value, (uint32_t)i)); }
int opaygo_metrics_answer_time_kind(void) { return (int)QUERY(GET(metrics_answer_time_kind)); }
uint32_t opaygo_metrics_answer_time(void) { return QUERY(GET(metrics_answer_time)); }
int64_t opaygo_metrics_answer_format_id(void) { return ready ? (int64_t)GET(metrics_answer_format_id) : -1; }

int opaygo_metrics_answer_object(int which, char *out, size_t out_size) {
  REQUIRE_READY();
  int at = (int)CALL(metrics_answer_object_offset, (uint32_t)which);
  if (at == OPAYGO_ERR_METRICS_NOT_BUILT) return at;
  if (at < 0) return 0;
  int n = (int)CALL(metrics_answer_object_length, (uint32_t)which);
  return copy_out(n, GET(metrics_out_buffer) + (uint32_t)at, out, out_size);
}

int opaygo_metrics_answer_string(int which, const char *name, size_t name_len, char *out, size_t out_size) {
  IO_OR_RETURN(name, name_len, NULL, 0);
  int n = (int)CALL(metrics_answer_string, (uint32_t)which, (uint32_t)name_len);
  if (n == -1) return OPAYGO_ERR_JSON_NOT_FOUND; /* the module's "no such string member" */
  return copy_out(n, GET(metrics_io_buffer), out, out_size);
}

#endif /* !OPAYGO_TOKEN_ONLY */

/* ---- metrics, server side (full build) ------------------------------------------------------ */
#if OPAYGO_FULL
static int put_json_in(const void *data, size_t len) {
  if (data == NULL && len != 0) return OPAYGO_ERR_ARGUMENT;
  if (len > GET(json_buffer_capacity)) return OPAYGO_ERR_ARGUMENT;
  return put(GET(json_in_buffer), data, len);
}

#define JSON_IN_OR_RETURN(data, len)         \
  do {                                       \
    REQUIRE_READY();                         \
    int rc_ = put_json_in(data, len);        \
    if (rc_ != OPAYGO_OK) return rc_;        \
  } while (0)

int opaygo_metrics_server_load(const uint8_t *body, size_t len, int cbor, char *canonical,
                               size_t canonical_size) {
  REQUIRE_READY();
  if (body == NULL && len != 0) return OPAYGO_ERR_ARGUMENT;
  if (len > OPAYGO_MEMORY_MAX) return OPAYGO_ERR_METRICS_TOO_LARGE;
  int at = (int)CALL(metrics_server_body_buffer, (uint32_t)len);
  if (at < 0) return at;
  int rc = put((uint32_t)at, body, len);
  if (rc != OPAYGO_OK) return rc;
  int n = (int)CALL(metrics_server_load, (uint32_t)len, cbor ? 1u : 0u);
  if (n < 0 || canonical == NULL) return n;
  return copy_out(n, GET(metrics_server_request_buffer), canonical, canonical_size);
}

int opaygo_metrics_server_verify(int64_t *last_ts, int64_t *last_rc) {
  REQUIRE_READY();
  int64_t ts = last_ts != NULL ? *last_ts : 0, rc = last_rc != NULL ? *last_rc : 0;
  int r = (int)CALL(metrics_server_verify, (uint64_t)ts, (uint64_t)rc);
  if (r == OPAYGO_VERIFY_VALID) {
    int64_t new_ts = (int64_t)CALL(metrics_server_member_int, (uint32_t)OPAYGO_REQUEST_MEMBER_TS);
    int64_t new_rc = (int64_t)CALL(metrics_server_member_int, (uint32_t)OPAYGO_REQUEST_MEMBER_RC);
    if (last_ts != NULL && new_ts != 0) *last_ts = new_ts;
    if (last_rc != NULL && new_rc != 0) *last_rc = new_rc;
  }
  return r;
}

int opaygo_metrics_server_expand(const char *format, size_t format_len, int64_t received_at,
                                 char *out, size_t out_size) {
  JSON_IN_OR_RETURN(format, format_len);
  int rc = (int)CALL(metrics_server_format, (uint32_t)format_len);
  if (rc < 0) return rc;
  int n = (int)CALL(metrics_server_expand, (double)received_at);
  return copy_out(n, GET(metrics_server_out_buffer), out, out_size);
}

int opaygo_metrics_server_answer(const char *answer, size_t len, int sign, char *out, size_t out_size) {
  JSON_IN_OR_RETURN(answer, len);
  int n = (int)CALL(metrics_server_answer, (uint32_t)len, sign ? 1u : 0u);
  return copy_out(n, GET(metrics_server_out_buffer), out, out_size);
}

int opaygo_json_canonicalize(const char *json, size_t len, char *out, size_t out_size) {
  JSON_IN_OR_RETURN(json, len);
  return copy_out((int)CALL(json_canonicalize, (uint32_t)len), GET(json_out_buffer), out, out_size);
}

int opaygo_cbor_to_json(const uint8_t *cbor, size_t len, char *out, size_t out_size) {
  JSON_IN_OR_RETURN(cbor, len);
  return copy_out((int)CALL(cbor_to_json, (uint32_t)len), GET(json_out_buffer), out, out_size);
}
#endif

/* ---- state store: the blob in two flash slots ------------------------------------------------
 * A slot, OPAYGO_STORE_SLOT_SIZE bytes, little-endian: 0 magic 'O' 'P' 's' and the format version
 * (1), 4 sequence number, 8 the state blob (its own SipHash check with the key), 40 zero,
 * 44 CRC-32 (IEEE) of bytes 0..43. A save writes the slot that does not hold the state loaded or
 * saved last, so a power cut while it writes leaves that state whole in the other slot. */
#define SLOT_MAGIC 0x0173504fu
#define SLOT_BLOB 8u
#define SLOT_CRC 44u

static void le32_put(uint8_t *p, uint32_t v) {
  for (unsigned i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t le32_get(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t crc32(const uint8_t *p, size_t n) {
  uint32_t c = 0xffffffffu;
  while (n-- > 0) {
    c ^= *p++;
    for (unsigned k = 0; k < 8; k++) c = c >> 1 ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

static int store_usable(const opaygo_store_t *store) {
  return store != NULL && store->read != NULL && store->write != NULL;
}

int opaygo_store_load(opaygo_store_t *store) {
  REQUIRE_READY();
  if (!store_usable(store)) return OPAYGO_ERR_ARGUMENT;
  uint8_t slot[2][OPAYGO_STORE_SLOT_SIZE];
  int valid[2];
  for (unsigned i = 0; i < 2; i++) {
    if (store->read(store->ctx, store->slot_address[i], slot[i], OPAYGO_STORE_SLOT_SIZE) != 0) return OPAYGO_ERR_STORE_IO;
    valid[i] = le32_get(slot[i]) == SLOT_MAGIC && le32_get(slot[i] + SLOT_CRC) == crc32(slot[i], SLOT_CRC);
  }
  /* The newest slot first (sequence numbers compared modulo 2^32), then the other. */
  unsigned newest = valid[1] && (!valid[0] || (int32_t)(le32_get(slot[1] + 4) - le32_get(slot[0] + 4)) > 0);
  for (unsigned k = 0; k < 2; k++) {
    unsigned i = newest ^ k;
    if (valid[i] && opaygo_device_load(slot[i] + SLOT_BLOB) == OPAYGO_OK) {
      store->seq = le32_get(slot[i] + 4);
      store->next_slot = (uint8_t)(i ^ 1);
      store->loaded = 1;
      return OPAYGO_OK;
    }
  }
  store->seq = 0;
  store->next_slot = 0;
  store->loaded = 1;
  return OPAYGO_ERR_STORE_EMPTY;
}

int opaygo_store_save(opaygo_store_t *store) {
  REQUIRE_READY();
  if (!store_usable(store)) return OPAYGO_ERR_ARGUMENT;
  if (!store->loaded) return OPAYGO_ERR_STORE_NOT_LOADED;
  uint8_t slot[OPAYGO_STORE_SLOT_SIZE], back[OPAYGO_STORE_SLOT_SIZE];
  int rc = opaygo_device_save(slot + SLOT_BLOB);
  if (rc < 0) return rc;
  le32_put(slot, SLOT_MAGIC);
  le32_put(slot + SLOT_BLOB + OPAYGO_STATE_BLOB_SIZE, 0);
  /* The state as the current slot holds it already (a token refused while blocked, say): no
   * erase, no write. */
  le32_put(slot + 4, store->seq);
  le32_put(slot + SLOT_CRC, crc32(slot, SLOT_CRC));
  if (store->seq != 0 && store->read(store->ctx, store->slot_address[(store->next_slot ^ 1) & 1], back, sizeof back) == 0 &&
      memcmp(back, slot, sizeof slot) == 0)
    return OPAYGO_OK;
  uint32_t seq = store->seq + 1;
  le32_put(slot + 4, seq);
  le32_put(slot + SLOT_CRC, crc32(slot, SLOT_CRC));
  uint32_t at = store->slot_address[store->next_slot & 1];
  if (store->erase != NULL && store->erase(store->ctx, at, OPAYGO_STORE_SLOT_SIZE) != 0) return OPAYGO_ERR_STORE_IO;
  if (store->write(store->ctx, at, slot, OPAYGO_STORE_SLOT_SIZE) != 0) return OPAYGO_ERR_STORE_IO;
  /* Read back: a write the flash did not take is an error now, not a blank device later. */
  if (store->read(store->ctx, at, back, OPAYGO_STORE_SLOT_SIZE) != 0 || memcmp(back, slot, sizeof slot) != 0)
    return OPAYGO_ERR_STORE_IO;
  store->seq = seq;
  store->next_slot ^= 1;
  return OPAYGO_OK;
}

/* Names only (their meanings are in opaygo_abi.h): one string per code, walked, so that the table
 * costs its text and a byte per code. A build names only the codes it can return (the lists come
 * from abi/abi.json: OPAYGO_CODES_<smallest build that returns the code>). */
#if OPAYGO_TOKEN_ONLY
#define NAME_TABLE(X) OPAYGO_CODES_TOKEN(X)
#elif !OPAYGO_FULL
#define NAME_TABLE(X) OPAYGO_CODES_TOKEN(X) OPAYGO_CODES_DEVICE(X)
#else
#define NAME_TABLE(X) OPAYGO_CODES_TOKEN(X) OPAYGO_CODES_DEVICE(X) OPAYGO_CODES_FULL(X)
#endif
#define CODE_OF(name) name,
#define TEXT_OF(name) #name "\0"
static const signed char name_codes[] = {NAME_TABLE(CODE_OF)};
static const char name_texts[] = NAME_TABLE(TEXT_OF);

const char *opaygo_strerror(int code) {
  const char *name = name_texts;
  for (unsigned i = 0; i < sizeof name_codes; i++) {
    if (name_codes[i] == code) return name;
    while (*name++ != '\0') {
    }
  }
  return "OPAYGO_UNKNOWN_CODE";
}

#if !OPAYGO_INTERP
/* The runtime shim in the same translation unit: one object per library, and the same code as
 * the amalgamated opaygo-<profile>.c of make dist-c, which is this file flattened. */
#include "wasm-rt-mcu.c"
#endif
