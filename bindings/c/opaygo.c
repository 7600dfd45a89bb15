/* opaygo.c: the C API of opaygo.h over one wasm2c-translated module.
 * Compiled once per module: -DOPAYGO_FULL=0 over build/c/opaygo_device_wasm.h (module name
 * opaygo_device), -DOPAYGO_FULL=1 over build/c/opaygo_full_wasm.h (module name opaygo).
 * New module exports slot in as one more wrapper calling EXPORT(name). */
#include "opaygo.h"
#include "wasm-rt-mcu.h"

#if OPAYGO_FULL
#include "opaygo_full_wasm.h"
typedef Z_opaygo_instance_t instance_t;
#define EXPORT(name) Z_opaygoZ_##name
#define MODULE_INIT Z_opaygo_init_module
#define MODULE_INSTANTIATE Z_opaygo_instantiate
#else
#include "opaygo_device_wasm.h"
typedef Z_opaygo_device_instance_t instance_t;
#define EXPORT(name) Z_opaygo_deviceZ_##name
#define MODULE_INIT Z_opaygo_device_init_module
#define MODULE_INSTANTIATE Z_opaygo_device_instantiate
#endif

static instance_t inst;
static uint8_t *mem;
static uint32_t mem_size;
static int ready;

#define CALL(name, ...) EXPORT(name)(&inst, ##__VA_ARGS__)
#define REQUIRE_READY() \
  do {                  \
    if (!ready) return OPAYGO_ERR_NOT_INITIALIZED; \
  } while (0)

int opaygo_init_unchecked(void *memory, uint32_t size) {
  ready = 0;
  if (memory == NULL || size > 65536u) return OPAYGO_ERR_ARGUMENT;
  wasm_rt_init();
  MODULE_INIT();
  mem = (uint8_t *)memory;
  mem_size = size;
  wasm_rt_mcu_provide_memory(mem, size);
  MODULE_INSTANTIATE(&inst);
  ready = 1;
  return OPAYGO_OK;
}

int opaygo_init(void *memory, uint32_t size) {
  int rc = opaygo_init_unchecked(memory, size);
  if (rc != OPAYGO_OK) return rc;
  if (size < CALL(memory_used)) {
    ready = 0;
    return OPAYGO_ERR_MEMORY_SIZE;
  }
  return OPAYGO_OK;
}

/* memory_used is a constant function of the module: it reads neither memory nor globals, so it
 * can be called before (or without) instantiation. */
uint32_t opaygo_memory_required(void) { return CALL(memory_used); }

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
  if (len > CALL(text_capacity)) return OPAYGO_ERR_ARGUMENT;
  return put(CALL(text_buffer), text, len);
}

int opaygo_set_key(const uint8_t key[OPAYGO_KEY_SIZE]) {
  REQUIRE_READY();
  if (key == NULL) return OPAYGO_ERR_ARGUMENT;
  return put(CALL(key_buffer), key, OPAYGO_KEY_SIZE);
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

uint32_t opaygo_starting_code_from_key(void) { return ready ? CALL(token_starting_code) : 0; }

int opaygo_token_decode(const char *text, size_t len, uint32_t starting_code, uint32_t max_count,
                        uint32_t used_counts, int restricted, opaygo_decoded_t *out) {
  REQUIRE_READY();
  int rc = put_text(text, len);
  if (rc != OPAYGO_OK) return rc;
  int type = (int)CALL(token_decode, starting_code, max_count, used_counts, (uint32_t)len, restricted ? 1u : 0u);
  if (out != NULL) {
    out->value = CALL(token_result_value);
    out->count = CALL(token_result_count);
    out->max_count = CALL(token_result_max_count);
    out->used_counts = CALL(token_result_used_counts);
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
#define QUERY(name, ...) (ready ? CALL(name, ##__VA_ARGS__) : 0u)
int opaygo_device_is_active(uint32_t now) { return QUERY(device_is_active, now) != 0; }
uint32_t opaygo_device_seconds_left(uint32_t now) { return QUERY(device_seconds_left, now); }
int opaygo_device_payg_disabled(void) { return QUERY(device_payg_disabled) != 0; }
uint32_t opaygo_device_active_until(void) { return QUERY(device_active_until); }
uint32_t opaygo_device_count(void) { return QUERY(device_count); }
uint32_t opaygo_device_used_counts(void) { return QUERY(device_used_counts); }
uint32_t opaygo_device_last_value(void) { return QUERY(device_last_value); }
uint32_t opaygo_device_invalid_streak(void) { return QUERY(device_invalid_streak); }
uint32_t opaygo_device_blocked_until(void) { return QUERY(device_blocked_until); }

int opaygo_device_save(uint8_t blob[OPAYGO_STATE_BLOB_SIZE]) {
  REQUIRE_READY();
  if (blob == NULL) return OPAYGO_ERR_ARGUMENT;
  int n = (int)CALL(device_save);
  if (n < 0) return n;
  int rc = get(blob, CALL(state_buffer), OPAYGO_STATE_BLOB_SIZE);
  return rc != OPAYGO_OK ? rc : n;
}

int opaygo_device_load(const uint8_t blob[OPAYGO_STATE_BLOB_SIZE]) {
  REQUIRE_READY();
  if (blob == NULL) return OPAYGO_ERR_ARGUMENT;
  int rc = put(CALL(state_buffer), blob, OPAYGO_STATE_BLOB_SIZE);
  if (rc != OPAYGO_OK) return rc;
  return (int)CALL(device_load);
}

#if OPAYGO_FULL
int opaygo_token_generate(uint32_t starting_code, uint32_t count, int type, uint32_t value,
                          uint32_t flags, char *out, size_t out_size, uint32_t *new_count) {
  REQUIRE_READY();
  if (out == NULL) return OPAYGO_ERR_ARGUMENT;
  int n = (int)CALL(token_generate, starting_code, count, (uint32_t)type, value, flags);
  if (n < 0) return n;
  if ((size_t)n + 1 > out_size) return OPAYGO_ERR_OUTPUT_SPACE;
  int rc = get(out, CALL(text_buffer), (size_t)n);
  if (rc != OPAYGO_OK) return rc;
  out[n] = '\0';
  if (new_count != NULL) *new_count = CALL(token_generated_count);
  return n;
}
#endif

const char *opaygo_strerror(int code) {
  switch (code) {
    case OPAYGO_OK: return "OPAYGO_OK: success";
    case OPAYGO_ADD_TIME: return "OPAYGO_ADD_TIME: token accepted, time added";
    case OPAYGO_SET_TIME: return "OPAYGO_SET_TIME: token accepted, time set";
    case OPAYGO_DISABLE_PAYG: return "OPAYGO_DISABLE_PAYG: token accepted, PAYG disabled";
    case OPAYGO_COUNTER_SYNC: return "OPAYGO_COUNTER_SYNC: token accepted, counter synchronised";
    case OPAYGO_INVALID: return "OPAYGO_INVALID: not a valid token for this device";
    case OPAYGO_ALREADY_USED: return "OPAYGO_ALREADY_USED: token already used";
    case OPAYGO_BLOCKED: return "OPAYGO_BLOCKED: waiting period after invalid tokens";
    case OPAYGO_ERR_TOKEN_TYPE: return "OPAYGO_ERR_TOKEN_TYPE: unknown token type";
    case OPAYGO_ERR_VALUE_RANGE: return "OPAYGO_ERR_VALUE_RANGE: value out of range for this token type";
    case OPAYGO_ERR_STARTING_CODE: return "OPAYGO_ERR_STARTING_CODE: starting code above 999999999";
    case OPAYGO_ERR_COUNT_RANGE: return "OPAYGO_ERR_COUNT_RANGE: count out of range";
    case OPAYGO_ERR_OUTPUT_SPACE: return "OPAYGO_ERR_OUTPUT_SPACE: output buffer too small";
    case OPAYGO_ERR_STATE_MAGIC: return "OPAYGO_ERR_STATE_MAGIC: not a state blob";
    case OPAYGO_ERR_STATE_VERSION: return "OPAYGO_ERR_STATE_VERSION: state blob of another version";
    case OPAYGO_ERR_STATE_CHECKSUM: return "OPAYGO_ERR_STATE_CHECKSUM: state blob corrupt or from another key";
    case OPAYGO_ERR_STATE_FIELDS: return "OPAYGO_ERR_STATE_FIELDS: state blob fields invalid or from another device";
    case OPAYGO_ERR_DEVICE_CONFIG: return "OPAYGO_ERR_DEVICE_CONFIG: invalid device configuration";
    case OPAYGO_ERR_NOT_INITIALIZED: return "OPAYGO_ERR_NOT_INITIALIZED: opaygo_init() not done";
    case OPAYGO_ERR_MEMORY_SIZE: return "OPAYGO_ERR_MEMORY_SIZE: memory block too small";
    case OPAYGO_ERR_ARGUMENT: return "OPAYGO_ERR_ARGUMENT: invalid argument";
    default: return "unknown opaygo code";
  }
}
