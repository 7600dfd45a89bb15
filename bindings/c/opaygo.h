/* opaygo.h: C API over the wasm2c translation of the opaygo-wasm modules.
 *
 * Four libraries implement this header (make c; or, in the source release of make dist-c, one
 * file each: opaygo-token.c, opaygo-device.c, opaygo-seed.c):
 *   libopaygo-token.a   from build/opaygo-token.wasm (keypad tokens only: token decode and the
 *                       device's credit state; build your code with -DOPAYGO_TOKEN_ONLY=1)
 *   libopaygo-device.a  from build/opaygo-device.wasm (tokens and the metrics device side)
 *   libopaygo-seed.a    from build/opaygo-seed.wasm (the same, the seed profile's Metrics features)
 *   libopaygo.a         from build/opaygo.wasm (device + token generation; server side;
 *                       build your code with -DOPAYGO_FULL=1)
 * Functions marked "full build only" exist only in libopaygo.a; the metrics functions are not in
 * libopaygo-token.a (a call to them fails to link).
 *
 * Memory. The module's linear memory is a byte array the caller provides (static, no malloc):
 *
 *     static uint8_t opaygo_mem[OPAYGO_MEMORY_BYTES];
 *     opaygo_init(opaygo_mem, sizeof opaygo_mem);
 *
 * The module uses only its static buffers (assembly/memory.ts lists them), which end at
 * opaygo_memory_required() bytes (the full build: its whole first page, where the server side's
 * requests follow the static buffers); OPAYGO_MEMORY_BYTES below is enough for each build (make
 * test-c fails if the module outgrows it; make size prints the exact figures). opaygo_init()
 * refuses a smaller block. The full build's server side takes more for a large request, a 64 KiB
 * page at a time, within the block given (up to OPAYGO_MEMORY_MAX): a request that needs more is
 * refused (OPAYGO_ERR_METRICS_TOO_LARGE). Every load and
 * store the module makes is bounds-checked against the size actually given (wasm2c compiled
 * with explicit checks, no guard pages, no signals), so a block smaller than 64 KiB is safe:
 * an access past it is a trap, never a stray write.
 *
 * The library holds one module instance (its globals and pointers, in .bss: make size prints its
 * size per build); calls are not reentrant. Time is whatever u32 seconds clock the firmware has; the module never reads a clock.
 *
 * Traps. The module is written never to trap, whatever the input, so a trap is a bug. The
 * firmware must define opaygo_trap_handler(); it is called with an OPAYGO_TRAP_* code and must
 * not return (reset the MCU, or longjmp out in a test). If it returns, the library spins forever.
 */
#ifndef OPAYGO_H
#define OPAYGO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Linear memory to give the module (build with -DOPAYGO_FULL=1 or -DOPAYGO_TOKEN_ONLY=1 for
 * those builds); opaygo_memory_required() is the exact figure, and the module traps rather than
 * reach past it. */
#ifndef OPAYGO_FULL
#define OPAYGO_FULL 0
#endif
#ifndef OPAYGO_TOKEN_ONLY
#define OPAYGO_TOKEN_ONLY 0
#endif
#if OPAYGO_FULL
#define OPAYGO_MEMORY_BYTES 65536u
/* The largest block the full build takes: its server side's memory limit (64 MiB). */
#define OPAYGO_MEMORY_MAX (64u << 20)
#elif OPAYGO_TOKEN_ONLY
#define OPAYGO_MEMORY_BYTES 192u
#else
#define OPAYGO_MEMORY_BYTES 4128u
#endif
#ifndef OPAYGO_MEMORY_MAX
#define OPAYGO_MEMORY_MAX OPAYGO_MEMORY_BYTES
#endif
#define OPAYGO_KEY_SIZE 16u
#define OPAYGO_STATE_BLOB_SIZE 32u
/* Longest token text accepted or produced (the module's text buffer). */
#define OPAYGO_TEXT_CAPACITY 64u

/* Result and error codes (OPAYGO_ADD_TIME.. positive results, OPAYGO_ERR_* negative errors, each
 * with its meaning) and the flags and enums of the calls below: generated from abi/abi.json. */
#include "opaygo_abi.h"

/* Trap codes passed to opaygo_trap_handler (wabt's wasm_rt_trap_t values). */
#define OPAYGO_TRAP_OOB 1 /* access past the memory given to opaygo_init() */
#define OPAYGO_TRAP_INT_OVERFLOW 2
#define OPAYGO_TRAP_DIV_BY_ZERO 3
#define OPAYGO_TRAP_INVALID_CONVERSION 4
#define OPAYGO_TRAP_UNREACHABLE 5
#define OPAYGO_TRAP_CALL_INDIRECT 6
#define OPAYGO_TRAP_EXHAUSTION 8

/* Provided by the firmware. Must not return. */
void opaygo_trap_handler(int trap_code);

/* Name of a result or error code ("OPAYGO_ERR_VALUE_RANGE"; "OPAYGO_UNKNOWN_CODE" for a code
 * this build never returns). The meanings are the comments in opaygo_abi.h. */
const char *opaygo_strerror(int code);

/* ---- setup ---------------------------------------------------------------------------- */

/* Instantiates the module over memory[0..size): zeroes it and resets all module state.
 * OPAYGO_ERR_MEMORY_SIZE if size < opaygo_memory_required() (the module is then unusable).
 * Over an interpreter (opaygo_interp.h, docs/mcu.md) the first call loads the .wasm:
 * OPAYGO_ERR_MEMORY_SIZE when the interpreter's heap is too small for it, OPAYGO_ERR_MODULE when
 * the interpreter refuses the module itself (wasm3 built for another module's opcodes, or a
 * malformed .wasm). */
int opaygo_init(void *memory, uint32_t size);
/* Same without the size check: for footprint tests that prove an access past size traps. */
int opaygo_init_unchecked(void *memory, uint32_t size);
/* Bytes of linear memory the module needs (the end of its static buffers). */
uint32_t opaygo_memory_required(void);

/* The device's secret key: 16 raw bytes, or 32 hex characters. */
int opaygo_set_key(const uint8_t key[OPAYGO_KEY_SIZE]);
int opaygo_set_key_hex(const char *hex32);
/* The starting code derived from the key (what starting_code 0 means everywhere below). */
uint32_t opaygo_starting_code_from_key(void);

/* ---- stateless token decoding ---------------------------------------------------------- */

typedef struct {
  uint32_t value;       /* raw value in the token (divide by any value divider yourself) */
  uint32_t count;       /* the token's own count */
  uint32_t max_count;   /* device state after accepting it */
  uint32_t used_counts; /* 16-bit mask of used counts below max_count */
} opaygo_decoded_t;

/* Decodes keypad text (digits, spaces ignored) against the state (max_count, used_counts).
 * Returns the token type, OPAYGO_INVALID or OPAYGO_ALREADY_USED (out filled on a type), or a
 * negative error. Cost: one SipHash per count from 0 to max_count + 64. */
int opaygo_token_decode(const char *text, size_t len, uint32_t starting_code, uint32_t max_count,
                        uint32_t used_counts, int restricted, opaygo_decoded_t *out);

/* ---- device credit state --------------------------------------------------------------- */

/* Key must be set first. starting_code 0: derive from the key. count: the device's initial count.
 * seconds_per_unit: 86400 when token values are days. */
int opaygo_device_init(uint32_t starting_code, uint32_t count, uint32_t flags, uint32_t seconds_per_unit);
/* Enters keypad text at time now. Returns the accepted type, OPAYGO_INVALID, OPAYGO_ALREADY_USED,
 * OPAYGO_BLOCKED or a negative error. */
int opaygo_device_enter_token(uint32_t now, const char *text, size_t len);
int opaygo_device_is_active(uint32_t now);        /* 1 when outputs may be on */
uint32_t opaygo_device_seconds_left(uint32_t now); /* 0 when expired (or while PAYG disabled) */
int opaygo_device_payg_disabled(void);            /* 1 after DISABLE_PAYG until a SET_TIME */
uint32_t opaygo_device_active_until(void);
uint32_t opaygo_device_count(void);               /* highest count accepted */
uint32_t opaygo_device_used_counts(void);
uint32_t opaygo_device_last_value(void);
uint32_t opaygo_device_invalid_streak(void);
uint32_t opaygo_device_blocked_until(void);
/* 32-byte state blob to keep in flash: save writes it (returns OPAYGO_STATE_BLOB_SIZE), load
 * restores it after opaygo_device_init() with the same key and starting code; a corrupt, foreign
 * or old blob is refused (negative) and the state is left as it was. */
int opaygo_device_save(uint8_t blob[OPAYGO_STATE_BLOB_SIZE]);
int opaygo_device_load(const uint8_t blob[OPAYGO_STATE_BLOB_SIZE]);

/* ---- state store: the blob in two flash slots ----------------------------------------------
 *
 * A power cut while the firmware rewrites its one copy of the blob leaves none: the device would
 * boot blank. The store keeps two slots (OPAYGO_STORE_SLOT_SIZE bytes each: a sequence number, the
 * blob, a CRC-32); a save writes the slot that does not hold the current state, a load takes the
 * newest slot that verifies. The firmware supplies the flash access (each function returns 0 on
 * success); the library calls nothing else and allocates nothing.
 *
 *   static opaygo_store_t store = {flash_read, flash_write, flash_erase, NULL, {SLOT_A, SLOT_B}};
 *   opaygo_device_init(...);
 *   opaygo_store_load(&store);       // at boot: OPAYGO_OK, or OPAYGO_ERR_STORE_EMPTY (new device)
 *   ... after each token entered (accepted or not):  opaygo_store_save(&store);
 *
 * Each slot lies in an erase unit of its own. docs/codec.md counts the flash writes and erases. */
#define OPAYGO_STORE_SLOT_SIZE 48u
typedef struct {
  int (*read)(void *ctx, uint32_t address, uint8_t *data, size_t len);
  int (*write)(void *ctx, uint32_t address, const uint8_t *data, size_t len);
  /* Erases the erase unit(s) holding address..address+len-1 (to 0xFF); NULL for memory written
   * in place (EEPROM, FRAM). */
  int (*erase)(void *ctx, uint32_t address, size_t len);
  void *ctx; /* passed to the three functions */
  uint32_t slot_address[2];
  /* Kept by the library between calls: zero before opaygo_store_load. */
  uint32_t seq;
  uint8_t next_slot;
  uint8_t loaded;
} opaygo_store_t;
/* Loads the newest slot whose CRC and blob verify (the blob with this device's key and starting
 * code: call after opaygo_device_init). OPAYGO_ERR_STORE_EMPTY when none does: the state is
 * then as opaygo_device_init left it. OPAYGO_ERR_STORE_IO when read failed. */
int opaygo_store_load(opaygo_store_t *store);
/* Saves the device state into the other slot: erase, write, read back.
 * OPAYGO_ERR_STORE_NOT_LOADED before opaygo_store_load; OPAYGO_ERR_STORE_IO when the flash failed
 * or read back something else (the last good slot is untouched: save again). */
int opaygo_store_save(opaygo_store_t *store);

/* ---- token generation (full build only) ------------------------------------------------ */

/* Writes the token's digits and a NUL to out (out_size >= digits + 1) and returns the number of
 * digits, or a negative error. type: OPAYGO_ADD_TIME .. OPAYGO_COUNTER_SYNC; value: raw value
 * (ignored for DISABLE_PAYG / COUNTER_SYNC); count: the last count used for this device;
 * *new_count (may be NULL) receives the count of the new token. */
int opaygo_token_generate(uint32_t starting_code, uint32_t count, int type, uint32_t value,
                          uint32_t flags, char *out, size_t out_size, uint32_t *new_count);

/* ---- OpenPAYGO Metrics: device side (request encoder, historical ring, server answers) --
 *
 * One request encoder per library. Text goes in as bytes with a length (UTF-8, no NUL needed);
 * names, string values, the serial number and an inline data format must fit the module's io
 * buffer (opaygo_metrics_io_capacity(): 256 bytes on the device build, 16 KiB on the full build; a
 * name and its string value together; docs/codec.md, Limits, for the row and serial limits), else
 * OPAYGO_ERR_ARGUMENT. Payloads and answers use the output buffer: opaygo_metrics_out_capacity()
 * bytes (1 KiB on the device build less an inline data format's text, kept at its end; 16 KiB
 * on the full build). A payload that does not fit is refused (OPAYGO_ERR_METRICS_FULL), never
 * truncated.
 *
 * Typical request:
 *   opaygo_set_key_hex(key);                     // for an auth method
 *   opaygo_metrics_init("A111222", 7, OPAYGO_METRICS_AUTH_DA);
 *   opaygo_metrics_format_id(12, 1);             // or opaygo_metrics_format_object()
 *   opaygo_metrics_format_name(OPAYGO_METRICS_DATA_ORDER, "token_count", 11); // each, in order
 *   opaygo_metrics_request_count(rc++);
 *   opaygo_metrics_row_begin(OPAYGO_METRICS_ROW_CURRENT);
 *   opaygo_metrics_put_int("token_count", 11, 13);
 *   opaygo_metrics_row_end();
 *   n = opaygo_metrics_encode(OPAYGO_METRICS_CONDENSED, 0, buf, sizeof buf);
 */

/* Serial number and auth method; forgets the data format, ts / rc / dtc and the current data (the
 * ring is kept). The key (opaygo_set_key) must be set before encoding with an auth method. */
int opaygo_metrics_init(const char *serial, size_t len, int auth_method);
/* The data format: by id (sent as `df`), or inline (a JSON object, sent as `dfo`), then its
 * variable names one call each, in order. has_interval: the format has a
 * historical_data_interval (rows then need no timestamp). Refused (OPAYGO_ERR_METRICS_STATE)
 * while the ring holds rows that name variables by index; an inline one with a key twice in one
 * object by OPAYGO_ERR_METRICS_DUPLICATE. */
int opaygo_metrics_format_id(int64_t id, int has_interval);
int opaygo_metrics_format_object(const char *json, size_t len, int has_interval);
int opaygo_metrics_format_name(int list, const char *name, size_t len);
/* Timestamp (`ts`) and request count (`rc`): once set, sent with every request (the first one
 * set first) until opaygo_metrics_init(); set the new value before each request. */
int opaygo_metrics_timestamp(int64_t ts);
int opaygo_metrics_request_count(int64_t rc);
/* data_collection_timestamp (`dtc` condensed): where the server starts the historical rows' times
 * (else at `ts`). Sent like ts / rc (in the order first set, until opaygo_metrics_init()); not
 * covered by any auth method. */
int opaygo_metrics_collection_timestamp(int64_t ts);

/* A row: row_begin, values (put / array), row_end. Inside an array, pass name NULL, len 0. */
int opaygo_metrics_row_begin(int which);
int opaygo_metrics_row_end(void);
int opaygo_metrics_put_int(const char *name, size_t name_len, int64_t v);
int opaygo_metrics_put_float(const char *name, size_t name_len, double v); /* always sent with a
                                                         fraction or exponent: 684.0, not 684 */
int opaygo_metrics_put_bool(const char *name, size_t name_len, int v);
int opaygo_metrics_put_null(const char *name, size_t name_len);
int opaygo_metrics_put_string(const char *name, size_t name_len, const char *value, size_t value_len);
int opaygo_metrics_array_begin(const char *name, size_t name_len); /* no arrays in arrays */
int opaygo_metrics_array_end(void);

/* Encodes the request (form OPAYGO_METRICS_CONDENSED or _SIMPLE; cbor: CBOR instead of JSON)
 * into out; returns its length, or a negative error (OPAYGO_ERR_OUTPUT_SPACE: out too small).
 * The ring's rows go out with it and stay until an answer acknowledges them. */
int opaygo_metrics_encode(int form, int cbor, uint8_t *out, size_t out_size);
uint32_t opaygo_metrics_io_capacity(void);
uint32_t opaygo_metrics_out_capacity(void);
/* The build profile's Metrics features (OPAYGO_FEATURE_* bits; auth method m: bit
 * OPAYGO_FEATURE_AUTH_SHIFT + m). A call that needs a feature left out returns
 * OPAYGO_ERR_METRICS_NOT_BUILT (docs/profiles.md). 0 before opaygo_init. */
uint32_t opaygo_metrics_features(void);

/* An accessory's own request (a JSON object), kept in the ring and sent in `acc`. One with a key
 * twice in one object is refused (OPAYGO_ERR_METRICS_DUPLICATE), leaving the ring unchanged. */
int opaygo_metrics_accessory_add(const uint8_t *request, size_t len);

typedef struct {
  uint32_t rows;        /* historical rows in the ring */
  uint32_t accessories; /* accessory requests in the ring */
  uint32_t sent_rows;   /* entries carried by the last request */
  uint32_t dropped;     /* entries dropped by overflow (oldest first) */
  uint32_t bytes;       /* bytes used */
  uint32_t capacity;    /* bytes available */
} opaygo_metrics_ring_t;
int opaygo_metrics_ring(opaygo_metrics_ring_t *out);
int opaygo_metrics_ring_clear(void);

/* The server's answer (JSON body, condensed or simple keys) at device time now: checked in full
 * first (serial number, signature rule of assembly/metrics/answer.ts); a refused answer changes
 * nothing. Then tokens are entered (device credit), the time applied, data_format_id adopted and
 * the acknowledged rows released. Returns a mask of OPAYGO_ANSWER_* or a negative error. */
int opaygo_metrics_answer_apply(const uint8_t *body, size_t len, uint32_t now);
/* What the last applied answer carried. */
int opaygo_metrics_answer_tokens(void);            /* number of tokens (at most 16) */
int opaygo_metrics_answer_token_result(int i);     /* OPAYGO_ADD_TIME.., OPAYGO_INVALID, _ALREADY_USED */
uint32_t opaygo_metrics_answer_token_value(int i); /* raw value of an ADD_TIME / SET_TIME token */
int opaygo_metrics_answer_time_kind(void);
uint32_t opaygo_metrics_answer_time(void);       /* as received, saturated to u32 */
int64_t opaygo_metrics_answer_format_id(void);   /* settings.data_format_id, -1: none */
/* The settings / extra data object's JSON text into out: its length, 0 when the answer had none
 * (OPAYGO_ERR_METRICS_NOT_BUILT in a profile without OPAYGO_FEATURE_ANSWER_OBJECTS). */
int opaygo_metrics_answer_object(int which, char *out, size_t out_size);
/* A string member of it (e.g. "base_url"), decoded, into out: its length, or
 * OPAYGO_ERR_JSON_NOT_FOUND when absent or not a string. */
int opaygo_metrics_answer_string(int which, const char *name, size_t name_len, char *out, size_t out_size);

/* ---- OpenPAYGO Metrics: server side (full build only) -------------------------------------
 * One request at a time: load it, then verify / expand / answer it. A request of any size the
 * memory block holds (its body, canonical form and expansion: OPAYGO_ERR_METRICS_TOO_LARGE past
 * it); data formats and answer objects up to 16 KiB. */

/* Loads a request body (JSON, or CBOR when cbor); returns the length of its canonical JSON (what
 * signatures cover), copied to canonical when not NULL. */
int opaygo_metrics_server_load(const uint8_t *body, size_t len, int cbor, char *canonical,
                               size_t canonical_size);
/* Verifies the loaded request with the key (opaygo_set_key). *last_ts / *last_rc (NULL: none,
 * 0: none): the device's last accepted values in; on OPAYGO_VERIFY_VALID they receive the
 * request's ts / rc where it has them. Returns OPAYGO_VERIFY_* or a negative error. */
int opaygo_metrics_server_verify(int64_t *last_ts, int64_t *last_rc);
/* Expands the loaded request to the simple form, historical timestamps filled, as canonical JSON
 * into out; format: the registered data format (JSON object; NULL / 0: the request's own dfo);
 * received_at: reception time (s) for a request without a timestamp. Returns the length. */
int opaygo_metrics_server_expand(const char *format, size_t format_len, int64_t received_at,
                                 char *out, size_t out_size);
/* Builds the answer to the loaded request: answer is a JSON object of its members in order
 * (token_list, settings, extra_data, active_until_timestamp, active_seconds_left; simple or
 * condensed names). sign: add `a` (data auth, the key of opaygo_set_key). Returns the length. */
int opaygo_metrics_server_answer(const char *answer, size_t len, int sign, char *out, size_t out_size);
/* Canonical JSON (Python json.dumps, compact separators) of a JSON text / of CBOR. */
int opaygo_json_canonicalize(const char *json, size_t len, char *out, size_t out_size);
int opaygo_cbor_to_json(const uint8_t *cbor, size_t len, char *out, size_t out_size);

#ifdef __cplusplus
}
#endif

#endif /* OPAYGO_H */
