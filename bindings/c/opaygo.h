/* opaygo.h: C API over the wasm2c translation of the opaygo-wasm modules.
 *
 * Two libraries implement this header:
 *   libopaygo-device.a  from build/opaygo-device.wasm (what a device links)
 *   libopaygo.a         from build/opaygo.wasm (device + token generation; server side)
 * Functions marked "full build only" exist only in libopaygo.a.
 *
 * Memory. The module's linear memory is a byte array the caller provides (static, no malloc):
 *
 *     static uint8_t opaygo_mem[OPAYGO_MEMORY_BYTES];
 *     opaygo_init(opaygo_mem, sizeof opaygo_mem);
 *
 * The module uses only its static buffers, which end at opaygo_memory_required() bytes
 * (176 bytes for the token/device code); opaygo_init() refuses a smaller block. Every load and
 * store the module makes is bounds-checked against the size actually given (wasm2c compiled
 * with explicit checks, no guard pages, no signals), so a block smaller than 64 KiB is safe:
 * an access past it is a trap, never a stray write.
 *
 * The library holds one module instance (its globals and pointers: 176 bytes of .bss on x86-64); calls are not
 * reentrant. Time is whatever u32 seconds clock the firmware has; the module never reads a clock.
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

/* Linear memory to give the module (build with -DOPAYGO_FULL=1 for the full one);
 * opaygo_memory_required() is the exact figure, and the module traps rather than reach past it. */
#if defined(OPAYGO_FULL) && OPAYGO_FULL
#define OPAYGO_MEMORY_BYTES 65536u
#else
#define OPAYGO_MEMORY_BYTES 6144u
#endif
#define OPAYGO_KEY_SIZE 16u
#define OPAYGO_STATE_BLOB_SIZE 32u
/* Longest token text accepted or produced (the module's text buffer). */
#define OPAYGO_TEXT_CAPACITY 64u

/* Results of decoding / entering a token (positive). */
#define OPAYGO_ADD_TIME 1
#define OPAYGO_SET_TIME 2
#define OPAYGO_DISABLE_PAYG 3
#define OPAYGO_COUNTER_SYNC 4
#define OPAYGO_INVALID 10
#define OPAYGO_ALREADY_USED 11
#define OPAYGO_BLOCKED 12 /* device in its waiting period after invalid entries */

/* Errors (negative). -1..-99 come from the module (token/device -1..-14; metrics and the
 * JSON/CBOR layers use their own ranges), -100 and below from this C layer. */
#define OPAYGO_OK 0
#define OPAYGO_ERR_TOKEN_TYPE (-1)
#define OPAYGO_ERR_VALUE_RANGE (-2)
#define OPAYGO_ERR_STARTING_CODE (-3)
#define OPAYGO_ERR_COUNT_RANGE (-4)
#define OPAYGO_ERR_OUTPUT_SPACE (-5)
#define OPAYGO_ERR_STATE_MAGIC (-10)
#define OPAYGO_ERR_STATE_VERSION (-11)
#define OPAYGO_ERR_STATE_CHECKSUM (-12)
#define OPAYGO_ERR_STATE_FIELDS (-13)
#define OPAYGO_ERR_DEVICE_CONFIG (-14)
#define OPAYGO_ERR_NOT_INITIALIZED (-100) /* opaygo_init() not called or failed */
#define OPAYGO_ERR_MEMORY_SIZE (-101)     /* memory block smaller than opaygo_memory_required() */
#define OPAYGO_ERR_ARGUMENT (-102)        /* NULL pointer, text too long, bad hex key */

/* Token generation flags. */
#define OPAYGO_TOKEN_EXTENDED 1u   /* 12 digits, values 0..999999 */
#define OPAYGO_TOKEN_RESTRICTED 2u /* digits 1-4 only (15 or 20 of them) */

/* Device flags. */
#define OPAYGO_DEVICE_RESTRICTED 1u        /* keypad with keys 1-4 */
#define OPAYGO_DEVICE_NO_WAITING_PERIOD 2u /* no 2^n-minute lockout after invalid tokens */

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

/* Name and meaning of any result or error code above ("OPAYGO_ERR_VALUE_RANGE: ..."). */
const char *opaygo_strerror(int code);

/* ---- setup ---------------------------------------------------------------------------- */

/* Instantiates the module over memory[0..size): zeroes it and resets all module state.
 * OPAYGO_ERR_MEMORY_SIZE if size < opaygo_memory_required() (the module is then unusable). */
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

/* ---- token generation (full build only) ------------------------------------------------ */

/* Writes the token's digits and a NUL to out (out_size >= digits + 1) and returns the number of
 * digits, or a negative error. type: OPAYGO_ADD_TIME .. OPAYGO_COUNTER_SYNC; value: raw value
 * (ignored for DISABLE_PAYG / COUNTER_SYNC); count: the last count used for this device;
 * *new_count (may be NULL) receives the count of the new token. */
int opaygo_token_generate(uint32_t starting_code, uint32_t count, int type, uint32_t value,
                          uint32_t flags, char *out, size_t out_size, uint32_t *new_count);

#ifdef __cplusplus
}
#endif

#endif /* OPAYGO_H */
