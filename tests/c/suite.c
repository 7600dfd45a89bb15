/* The C harness: every token vector and device scenario through the C API, with the module's
 * memory clamped to what it says it needs; bad input; state blobs; the footprint. The same file
 * runs on the host (tests/c/host_main.c) and on Cortex-M under QEMU (tests/c/arm_main.c).
 * OPAYGO_FULL selects the library under test (1: libopaygo.a, with generation); OPAYGO_TOKEN_ONLY=1
 * the token library (libopaygo-token.a: no metrics). */
#include "suite.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "opaygo.h"
#include "test_vectors.h"

#define T0 1700000000u /* device clock at the start of a scenario */

static uint8_t memory[65536] __attribute__((aligned(8)));
static uint32_t clamp; /* bytes of memory given to the module */
static int quiet;      /* footprint search: count, do not print */
static unsigned passed, failed;

/* ---- traps: a trap fails the running check and jumps back to it -------------------------- */
static jmp_buf trap_jump;
static int trap_armed, last_trap;

void opaygo_trap_handler(int code) {
  last_trap = code;
  if (trap_armed) longjmp(trap_jump, 1);
  printf("FATAL: trap %d outside a guarded check\n", code);
  suite_abort();
}

typedef int (*check_fn)(const void *arg, char *why, size_t why_size);

/* Runs one check; returns 1 when it passed. A trap counts as a failure. */
static int run_check(const char *name, check_fn fn, const void *arg) {
  char why[200] = "";
  int ok;
  trap_armed = 1;
  if (setjmp(trap_jump) == 0) {
    ok = fn(arg, why, sizeof why);
  } else {
    ok = 0;
    snprintf(why, sizeof why, "trapped (%d)", last_trap);
  }
  trap_armed = 0;
  if (ok) passed++;
  else failed++;
  if (!ok && !quiet) printf("FAIL %s: %s\n", name, why);
  return ok;
}

#define FAILWHY(...) (snprintf(why, why_size, __VA_ARGS__), 0)

static int fresh(void) { return opaygo_init_unchecked(memory, clamp); }

/* ---- token vectors --------------------------------------------------------------------- */

static int check_decode(const void *arg, char *why, size_t why_size) {
  const token_vector_t *v = arg;
  opaygo_decoded_t d;
  if (opaygo_set_key_hex(v->key) != OPAYGO_OK) return FAILWHY("set key");
  int type = opaygo_token_decode(v->token, strlen(v->token), v->starting_code, v->count, 0,
                                 (v->flags & OPAYGO_TOKEN_RESTRICTED) != 0, &d);
  if (type != v->decoded_type || d.value != v->value || d.count != v->new_count)
    return FAILWHY("decode %s: type %d value %lu count %lu, want %d %lu %lu", v->token, type,
                   (unsigned long)d.value, (unsigned long)d.count, v->decoded_type,
                   (unsigned long)v->value, (unsigned long)v->new_count);
  return 1;
}

#if OPAYGO_FULL
static int check_generate(const void *arg, char *why, size_t why_size) {
  const token_vector_t *v = arg;
  char out[32];
  uint32_t new_count = 0;
  if (opaygo_set_key_hex(v->key) != OPAYGO_OK) return FAILWHY("set key");
  int n = opaygo_token_generate(v->starting_code, v->count, v->type, v->value, v->flags, out, sizeof out, &new_count);
  if (n < 0) return FAILWHY("generate: %s", opaygo_strerror(n));
  if (strcmp(out, v->token) != 0 || new_count != v->new_count)
    return FAILWHY("generated %s count %lu, want %s %lu", out, (unsigned long)new_count, v->token,
                   (unsigned long)v->new_count);
  return 1;
}
#endif

/* ---- device scenarios ------------------------------------------------------------------ */

typedef struct {
  uint32_t active_until, count, used, streak, blocked, last_value;
  int disabled;
} snapshot_t;

static snapshot_t snap(void) {
  snapshot_t s = {opaygo_device_active_until(), opaygo_device_count(), opaygo_device_used_counts(),
                  opaygo_device_invalid_streak(), opaygo_device_blocked_until(),
                  opaygo_device_last_value(), opaygo_device_payg_disabled()};
  return s;
}

static int same(snapshot_t a, snapshot_t b) {
  return a.active_until == b.active_until && a.count == b.count && a.used == b.used &&
         a.streak == b.streak && a.blocked == b.blocked && a.disabled == b.disabled;
}

static int check_scenario(const void *arg, char *why, size_t why_size) {
  const device_scenario_t *sc = arg;
  uint32_t flags = sc->waiting_period ? 0 : OPAYGO_DEVICE_NO_WAITING_PERIOD;
  if (opaygo_set_key_hex(sc->key) != OPAYGO_OK) return FAILWHY("set key");
  int rc = opaygo_device_init(sc->starting_code, sc->count, flags, 86400);
  if (rc != OPAYGO_OK) return FAILWHY("device init: %s", opaygo_strerror(rc));
  uint32_t now = T0;
  for (unsigned i = 0; i < sc->steps; i++) {
    const device_step_t *s = &device_steps[sc->first_step + i];
    if (s->advance) {
      now += s->seconds;
      continue;
    }
    int r = opaygo_device_enter_token(now, s->token, strlen(s->token));
    int result_ok = s->result < 0 ? (r >= OPAYGO_ADD_TIME && r <= OPAYGO_COUNTER_SYNC) : r == s->result;
    double days = opaygo_device_seconds_left(now) / 86400.0;
    int days_ok = s->days_null ? opaygo_device_payg_disabled()
                               : !opaygo_device_payg_disabled() && days == s->days;
    if (!result_ok || !days_ok || opaygo_device_count() != s->count)
      return FAILWHY("step %u token %s: result %d days %.6f%s count %lu, want %d %.6f%s %lu", i + 1,
                     s->token, r, days, opaygo_device_payg_disabled() ? " (disabled)" : "", 
                     (unsigned long)opaygo_device_count(), s->result, s->days,
                     s->days_null ? " (disabled)" : "", (unsigned long)s->count);
    /* Persistence at every step: save, reboot (init), load, same state. */
    uint8_t blob[OPAYGO_STATE_BLOB_SIZE];
    snapshot_t before = snap();
    if (opaygo_device_save(blob) != (int)OPAYGO_STATE_BLOB_SIZE) return FAILWHY("step %u: save", i + 1);
    opaygo_device_init(sc->starting_code, sc->count, flags, 86400);
    rc = opaygo_device_load(blob);
    if (rc != OPAYGO_OK || !same(before, snap()))
      return FAILWHY("step %u: state after save/load differs (%s)", i + 1, opaygo_strerror(rc));
  }
  return 1;
}

/* ---- bad input and refusals ------------------------------------------------------------ */

static const char *const bad_texts[] = {
    "", " ", "abc", "12345678a", "-12345678", "1234567890123", "99999999999999999999",
    "999999999999", "000000000", "1 2 3 4 5 6 7 8 9", "\xff\xfe\x01", "5555555555555555",
    "9999999999999999999999999999999999999999999999999999999999999999",
};

static int check_bad_input(const void *arg, char *why, size_t why_size) {
  (void)arg;
  opaygo_decoded_t d;
  if (opaygo_set_key_hex("a29ab82edc5fbbc41ec9530f6dac86b1") != OPAYGO_OK) return FAILWHY("set key");
  if (opaygo_device_init(284712936, 1, OPAYGO_DEVICE_NO_WAITING_PERIOD, 86400) != OPAYGO_OK) return FAILWHY("init");
  for (unsigned i = 0; i < sizeof bad_texts / sizeof bad_texts[0]; i++) {
    const char *t = bad_texts[i];
    for (int restricted = 0; restricted < 2; restricted++) {
      int r = opaygo_token_decode(t, strlen(t), 284712936, 1, 0, restricted, &d);
      if (r != OPAYGO_INVALID && r != OPAYGO_ALREADY_USED) return FAILWHY("decode '%s': %d", t, r);
      if (restricted) continue;
#ifdef SUITE_COUNT_LIMIT
      if (i > 0) continue;
#endif
      for (uint32_t max = 0xffff; max <= 0x10000; max++) /* the highest count, and past it */
        if (opaygo_token_decode(t, strlen(t), 284712936, max, 0xffffffffu, restricted, &d) < 0)
          return FAILWHY("decode '%s' at count %lu: error", t, (unsigned long)max);
    }
    int r = opaygo_device_enter_token(T0, t, strlen(t));
    if (r != OPAYGO_INVALID && r != OPAYGO_ALREADY_USED) return FAILWHY("enter '%s': %d", t, r);
  }
  char too_long[OPAYGO_TEXT_CAPACITY + 1];
  memset(too_long, '1', sizeof too_long);
  if (opaygo_token_decode(too_long, sizeof too_long, 0, 0, 0, 0, &d) != OPAYGO_ERR_ARGUMENT) return FAILWHY("65 chars accepted");
  if (opaygo_device_enter_token(T0, too_long, sizeof too_long) != OPAYGO_ERR_ARGUMENT) return FAILWHY("65 chars entered");
  if (opaygo_set_key_hex("xyz") != OPAYGO_ERR_ARGUMENT) return FAILWHY("bad hex key accepted");
  if (opaygo_set_key_hex("a29ab82edc5fbbc41ec9530f6dac86b1ff") != OPAYGO_ERR_ARGUMENT) return FAILWHY("long key accepted");
  if (opaygo_device_init(1000000000u, 1, 0, 86400) != OPAYGO_ERR_DEVICE_CONFIG) return FAILWHY("bad starting code accepted");
  if (opaygo_device_init(1, 0x10000, 0, 86400) != OPAYGO_ERR_DEVICE_CONFIG) return FAILWHY("count > 65535 accepted");
  if (opaygo_device_init(1, 1, 0, 0) != OPAYGO_ERR_DEVICE_CONFIG) return FAILWHY("0 seconds per unit accepted");
  /* Extremes of time never wrap. */
  if (opaygo_device_init(284712936, 1, 0, 0xffffffffu) != OPAYGO_OK) return FAILWHY("init");
  opaygo_device_enter_token(0xffffffffu, "1", 1);
  opaygo_device_enter_token(0, "1", 1);
  if (opaygo_device_is_active(0)) return FAILWHY("active after invalid tokens");
#if OPAYGO_FULL
  char out[32];
  if (opaygo_token_generate(0, 1, 7, 1, 0, out, sizeof out, NULL) != OPAYGO_ERR_TOKEN_TYPE) return FAILWHY("type 7");
  if (opaygo_token_generate(0, 1, OPAYGO_ADD_TIME, 996, 0, out, sizeof out, NULL) != OPAYGO_ERR_VALUE_RANGE) return FAILWHY("value 996");
  if (opaygo_token_generate(0, 1, OPAYGO_ADD_TIME, 1000000, 1, out, sizeof out, NULL) != OPAYGO_ERR_VALUE_RANGE) return FAILWHY("value 1000000");
  if (opaygo_token_generate(1000000000u, 1, OPAYGO_ADD_TIME, 1, 0, out, sizeof out, NULL) != OPAYGO_ERR_STARTING_CODE) return FAILWHY("starting code");
  if (opaygo_token_generate(0, 0xffffffffu, OPAYGO_ADD_TIME, 1, 0, out, sizeof out, NULL) != OPAYGO_ERR_COUNT_RANGE) return FAILWHY("count");
  if (opaygo_token_generate(0, 1, OPAYGO_ADD_TIME, 1, 0, out, 9, NULL) != OPAYGO_ERR_OUTPUT_SPACE) return FAILWHY("out_size 9");
  if (opaygo_token_generate(0, 1, OPAYGO_ADD_TIME, 1, 0, NULL, 0, NULL) != OPAYGO_ERR_ARGUMENT) return FAILWHY("NULL out");
#endif
  return 1;
}

static int check_blob_refusals(const void *arg, char *why, size_t why_size) {
  (void)arg;
  uint8_t blob[OPAYGO_STATE_BLOB_SIZE], bad[OPAYGO_STATE_BLOB_SIZE];
  opaygo_set_key_hex("a29ab82edc5fbbc41ec9530f6dac86b1");
  opaygo_device_init(284712936, 1, 0, 86400);
  opaygo_device_enter_token(T0, "123456789", 9); /* invalid: a waiting period to save */
  snapshot_t saved = snap();
  if (opaygo_device_save(blob) != (int)OPAYGO_STATE_BLOB_SIZE) return FAILWHY("save");
  opaygo_device_init(284712936, 1, 0, 86400);
  snapshot_t blank = snap();
  for (unsigned i = 0; i < OPAYGO_STATE_BLOB_SIZE; i++) {
    for (unsigned bit = 0; bit < 8; bit++) {
      memcpy(bad, blob, sizeof bad);
      bad[i] ^= (uint8_t)(1u << bit);
      int rc = opaygo_device_load(bad);
      if (rc >= 0) return FAILWHY("blob with byte %u bit %u flipped loaded", i, bit);
      if (!same(blank, snap())) return FAILWHY("refused blob changed the state");
    }
  }
  /* Another device's key or starting code. */
  opaygo_device_init(284712937, 1, 0, 86400);
  if (opaygo_device_load(blob) != OPAYGO_ERR_STATE_FIELDS) return FAILWHY("foreign starting code loaded");
  opaygo_set_key_hex("b29ab82edc5fbbc41ec9530f6dac86b1");
  opaygo_device_init(284712936, 1, 0, 86400);
  if (opaygo_device_load(blob) != OPAYGO_ERR_STATE_CHECKSUM) return FAILWHY("foreign key loaded");
  opaygo_set_key_hex("a29ab82edc5fbbc41ec9530f6dac86b1");
  opaygo_device_init(284712936, 1, 0, 86400);
  if (opaygo_device_load(blob) != OPAYGO_OK || !same(saved, snap())) return FAILWHY("good blob refused");
  if (opaygo_device_enter_token(T0 + 1, "123456789", 9) != OPAYGO_BLOCKED) return FAILWHY("waiting period lost on reload");
  return 1;
}

/* ---- metrics vectors (API call lists from tests/c/metrics_ops.py) ------------------------ */
#if !OPAYGO_TOKEN_ONLY

static uint8_t mbuf[16384 + 64]; /* payloads / server output, bigger than any module buffer */
#if OPAYGO_FULL
static uint8_t cbor_buf[16384];
#endif
static unsigned metrics_bytes_compared, metrics_refused_full;

/* Performs one op; returns the API's result (*out_len: bytes in mbuf when it has output). */
static int metrics_call(const metrics_op_t *o, int *has_out) {
  *has_out = 0;
  switch (o->op) {
    case M_KEY: return o->text_len == OPAYGO_KEY_SIZE ? opaygo_set_key((const uint8_t *)o->text) : OPAYGO_ERR_ARGUMENT;
    case M_INIT: return opaygo_metrics_init(o->name, o->name_len, (int)o->i);
    case M_FORMAT_ID: return opaygo_metrics_format_id(o->i, o->flag);
    case M_FORMAT_OBJECT: return opaygo_metrics_format_object(o->text, o->text_len, o->flag);
    case M_FORMAT_NAME: return opaygo_metrics_format_name((int)o->i, o->name, o->name_len);
    case M_TIMESTAMP: return opaygo_metrics_timestamp(o->i);
    case M_REQUEST_COUNT: return opaygo_metrics_request_count(o->i);
    case M_ROW_BEGIN: return opaygo_metrics_row_begin((int)o->i);
    case M_ROW_END: return opaygo_metrics_row_end();
    case M_PUT_INT: return opaygo_metrics_put_int(o->name, o->name_len, o->i);
    case M_PUT_FLOAT: return opaygo_metrics_put_float(o->name, o->name_len, o->f);
    case M_PUT_BOOL: return opaygo_metrics_put_bool(o->name, o->name_len, (int)o->i);
    case M_PUT_NULL: return opaygo_metrics_put_null(o->name, o->name_len);
    case M_PUT_STRING: return opaygo_metrics_put_string(o->name, o->name_len, o->text, o->text_len);
    case M_ARRAY_BEGIN: return opaygo_metrics_array_begin(o->name, o->name_len);
    case M_ARRAY_END: return opaygo_metrics_array_end();
    case M_ENCODE: *has_out = 1; return opaygo_metrics_encode((int)o->i, 0, mbuf, sizeof mbuf);
    case M_RING_ROWS: {
      opaygo_metrics_ring_t ring;
      int rc = opaygo_metrics_ring(&ring);
      return rc < 0 ? rc : (int)ring.rows;
    }
    case M_ANSWER_APPLY: return opaygo_metrics_answer_apply((const uint8_t *)o->text, o->text_len, (uint32_t)o->i);
    case M_ANSWER_TOKENS: return opaygo_metrics_answer_tokens();
#if OPAYGO_FULL
    case M_CBOR_CHECK: {
      int n = opaygo_metrics_encode(OPAYGO_METRICS_CONDENSED, 1, cbor_buf, sizeof cbor_buf);
      if (n < 0) return n;
      *has_out = 1;
      return opaygo_metrics_server_load(cbor_buf, (size_t)n, 1, (char *)mbuf, sizeof mbuf);
    }
    case M_SERVER_LOAD: return opaygo_metrics_server_load((const uint8_t *)o->text, o->text_len, 0, NULL, 0);
    case M_SERVER_VERIFY: {
      int64_t ts = 0, rc = 0;
      return opaygo_metrics_server_verify(&ts, &rc);
    }
    case M_SERVER_EXPAND:
      *has_out = 1;
      return opaygo_metrics_server_expand(o->text, o->text_len, o->i, (char *)mbuf, sizeof mbuf);
    case M_SERVER_ANSWER:
      *has_out = 1;
      return opaygo_metrics_server_answer(o->text, o->text_len, o->flag, (char *)mbuf, sizeof mbuf);
#endif
    default: return -1000; /* a server op on the device build: the vector is marked full_only */
  }
}

static int check_metrics(const void *arg, char *why, size_t why_size) {
  const metrics_vector_t *v = arg;
  /* Each vector is a new device (or server): a fresh instance over the same clamped block. */
  if (fresh() != OPAYGO_OK) return FAILWHY("init");
  for (uint32_t k = 0; k < v->count; k++) {
    const metrics_op_t *o = &metrics_ops[v->first + k];
    int has_out;
    int r = metrics_call(o, &has_out);
    if (r == -1000) return FAILWHY("call %lu: op %d needs the full build", (unsigned long)k, o->op);
    if (v->refuse) {
      if (r < 0) return 1; /* refused, as the reference refuses it */
      continue;
    }
    switch (o->expect) {
      case EXPECT_OK:
        if (r < 0) return FAILWHY("call %lu (op %d): %s", (unsigned long)k, o->op, opaygo_strerror(r));
        break;
      case EXPECT_VALUE:
        if (r != o->want) return FAILWHY("call %lu (op %d): %d, want %ld", (unsigned long)k, o->op, r, (long)o->want);
        break;
      case EXPECT_NOT_VALID:
        if (r < 0 || r == OPAYGO_VERIFY_VALID || r == OPAYGO_VERIFY_UNSIGNED)
          return FAILWHY("call %lu: verification %d, want a signature that does not verify", (unsigned long)k, r);
        break;
      case EXPECT_OUT:
#if !OPAYGO_FULL
        /* The device's 1 KiB output buffer: what does not fit is refused, never truncated. */
        if (o->op == M_ENCODE && o->out_len > opaygo_metrics_out_capacity()) {
          if (r != OPAYGO_ERR_METRICS_FULL)
            return FAILWHY("call %lu: %d for a %lu-byte payload over a %lu-byte buffer, want OPAYGO_ERR_METRICS_FULL",
                           (unsigned long)k, r, (unsigned long)o->out_len, (unsigned long)opaygo_metrics_out_capacity());
          metrics_refused_full++;
          break;
        }
#endif
        if (!has_out || r < 0) return FAILWHY("call %lu (op %d): %s", (unsigned long)k, o->op, opaygo_strerror(r));
        if ((uint32_t)r != o->out_len || memcmp(mbuf, o->out, o->out_len) != 0) {
          uint32_t at = 0;
          while (at < (uint32_t)r && at < o->out_len && mbuf[at] == (uint8_t)o->out[at]) at++;
          return FAILWHY("call %lu (op %d): %d bytes, want %lu; first difference at byte %lu: ...%.40s",
                         (unsigned long)k, o->op, r, (unsigned long)o->out_len, (unsigned long)at,
                         (const char *)mbuf + at);
        }
        metrics_bytes_compared++;
        break;
    }
  }
  if (v->refuse) return FAILWHY("accepted, the reference refuses it");
  return 1;
}

static int check_metrics_refusals(const void *arg, char *why, size_t why_size) {
  (void)arg;
  char big[300];
  uint8_t out[8];
  memset(big, 'x', sizeof big);
  if (fresh() != OPAYGO_OK) return FAILWHY("init");
  /* past the device build's io buffer (256 bytes); the full build's takes it, past its 256-byte serial */
  if (opaygo_metrics_init(big, sizeof big, 0) != (OPAYGO_FULL ? OPAYGO_ERR_METRICS_ARGUMENT : OPAYGO_ERR_ARGUMENT))
    return FAILWHY("300-byte serial accepted");
  if (opaygo_metrics_init("X", 1, 6) != OPAYGO_ERR_METRICS_ARGUMENT) return FAILWHY("auth method 6 accepted");
  if (opaygo_metrics_init("X", 1, OPAYGO_METRICS_AUTH_NONE) != OPAYGO_OK) return FAILWHY("init");
  if (opaygo_metrics_put_int("a", 1, 1) != OPAYGO_ERR_METRICS_STATE) return FAILWHY("value outside a row accepted");
  if (opaygo_metrics_row_begin(OPAYGO_METRICS_ROW_CURRENT) != OPAYGO_OK) return FAILWHY("row");
  static char value[16384]; /* the largest io buffer, the full build's */
  uint32_t cap = opaygo_metrics_io_capacity();
  if (cap > sizeof value) return FAILWHY("io buffer of %lu bytes", (unsigned long)cap);
  memset(value, 'v', cap);
  if (opaygo_metrics_put_string("a", 1, value, cap) != OPAYGO_ERR_ARGUMENT) return FAILWHY("name + value past the io buffer accepted");
  if (opaygo_metrics_put_float("a", 1, 0.0 / 0.0) != OPAYGO_ERR_METRICS_NOT_FINITE) return FAILWHY("NaN accepted");
  if (opaygo_metrics_put_int("a", 1, 1) != OPAYGO_OK) return FAILWHY("put");
  if (opaygo_metrics_put_int("a", 1, 2) != OPAYGO_ERR_METRICS_DUPLICATE) return FAILWHY("duplicate accepted");
  if (opaygo_metrics_row_end() != OPAYGO_OK) return FAILWHY("row end");
  if (opaygo_metrics_encode(OPAYGO_METRICS_CONDENSED, 0, out, sizeof out) != OPAYGO_ERR_METRICS_NO_FORMAT) return FAILWHY("condensed without a format");
  if (opaygo_metrics_encode(OPAYGO_METRICS_SIMPLE, 0, out, sizeof out) != OPAYGO_ERR_OUTPUT_SPACE) return FAILWHY("8-byte out accepted");
  if (opaygo_metrics_encode(OPAYGO_METRICS_SIMPLE, 0, NULL, 0) != OPAYGO_ERR_ARGUMENT) return FAILWHY("NULL out accepted");
  if (opaygo_metrics_answer_apply((const uint8_t *)"{\"sn\":\"Y\"}", 10, 0) != OPAYGO_ERR_METRICS_SERIAL) return FAILWHY("foreign answer accepted");
  if (opaygo_metrics_answer_apply((const uint8_t *)"{\"sn\":", 6, 0) >= 0) return FAILWHY("truncated answer accepted");
  if (opaygo_metrics_answer_object(OPAYGO_ANSWER_OBJECT_SETTINGS, (char *)out, sizeof out) != 0) return FAILWHY("settings object out of nothing");
#if OPAYGO_FULL
  if (opaygo_metrics_server_load((const uint8_t *)"{\"sn\":1,", 8, 0, NULL, 0) >= 0) return FAILWHY("truncated request loaded");
  static const char in[] = "{\"b\":1.50,\"a\":[1e2]}", want[] = "{\"b\":1.5,\"a\":[100.0]}";
  if (opaygo_json_canonicalize(in, strlen(in), (char *)mbuf, sizeof mbuf) != (int)strlen(want) ||
      memcmp(mbuf, want, strlen(want)) != 0) return FAILWHY("canonical JSON");
#endif
  return 1;
}

/* Accessory requests: one with a key twice in one object (the server would refuse every request
 * carrying it) is refused and leaves the ring as it was; the same key in siblings is fine. */
static int check_metrics_accessory(const void *arg, char *why, size_t why_size) {
  (void)arg;
  static const char ok[] = "{\"sn\":\"A\",\"d\":{\"x\":1},\"e\":{\"x\":2}}";
  static const char *const dup[] = {"{\"sn\":\"A\",\"sn\":\"B\"}", "{\"sn\":\"A\",\"d\":{\"x\":1,\"x\":2}}",
                                    "{\"sn\":\"A\",\"s\\u006e\":\"B\"}"};
  opaygo_metrics_ring_t before, after;
  if (fresh() != OPAYGO_OK) return FAILWHY("init");
  if (opaygo_metrics_init("X", 1, OPAYGO_METRICS_AUTH_NONE) != OPAYGO_OK) return FAILWHY("metrics init");
  if (opaygo_metrics_accessory_add((const uint8_t *)ok, strlen(ok)) != OPAYGO_OK) return FAILWHY("accessory refused");
  if (opaygo_metrics_ring(&before) != OPAYGO_OK || before.accessories != 1) return FAILWHY("ring");
  for (unsigned i = 0; i < sizeof dup / sizeof dup[0]; i++) {
    int r = opaygo_metrics_accessory_add((const uint8_t *)dup[i], strlen(dup[i]));
    if (r != OPAYGO_ERR_METRICS_DUPLICATE) return FAILWHY("%s: %d, want OPAYGO_ERR_METRICS_DUPLICATE", dup[i], r);
    if (opaygo_metrics_ring(&after) != OPAYGO_OK || memcmp(&before, &after, sizeof before) != 0) return FAILWHY("%s: ring changed", dup[i]);
  }
  int n = opaygo_metrics_encode(OPAYGO_METRICS_SIMPLE, 0, mbuf, sizeof mbuf);
  static const char want[] = "{\"serial_number\":\"X\",\"accessories\":[{\"sn\":\"A\",\"d\":{\"x\":1},\"e\":{\"x\":2}}]";
  if (n < (int)strlen(want) || memcmp(mbuf, want, strlen(want)) != 0) return FAILWHY("encode %d: %.*s", n, n < 0 ? 0 : n, (const char *)mbuf);
#if OPAYGO_FULL
  if (opaygo_metrics_server_load(mbuf, (size_t)n, 0, NULL, 0) <= 0) return FAILWHY("server refused the request");
#endif
  return 1;
}

/* data_collection_timestamp, set last: byte for byte what openpaygo 0.6.3 writes for
 * MetricsRequestHandler("SHS0001", {"id": 4, "data_order": ["tc"]}, key, "ra"), set_timestamp,
 * set_request_count, request_dict["data_collection_timestamp"] = ..., set_data({"tc": 3}) (dtc is
 * not signed). */
static int check_metrics_dtc(const void *arg, char *why, size_t why_size) {
  (void)arg;
  static const char want[] = "{\"sn\":\"SHS0001\",\"df\":4,\"ts\":1736121720,\"rc\":7,\"dtc\":1736121600,"
                             "\"d\":[3],\"hd\":[],\"a\":\"ra179af35fe178d961\"}";
  uint8_t out[256];
  if (fresh() != OPAYGO_OK) return FAILWHY("init");
  if (opaygo_set_key_hex("a29ab82edc5fbbc41ec9530f6dac86b1") != OPAYGO_OK) return FAILWHY("key");
  if (opaygo_metrics_init("SHS0001", 7, OPAYGO_METRICS_AUTH_RA) != OPAYGO_OK) return FAILWHY("metrics init");
  if (opaygo_metrics_format_id(4, 0) != OPAYGO_OK || opaygo_metrics_format_name(OPAYGO_METRICS_DATA_ORDER, "tc", 2) != OPAYGO_OK)
    return FAILWHY("format");
  if (opaygo_metrics_timestamp(1736121720) != OPAYGO_OK || opaygo_metrics_request_count(7) != OPAYGO_OK ||
      opaygo_metrics_collection_timestamp(1736121600) != OPAYGO_OK) return FAILWHY("ts / rc / dtc");
  if (opaygo_metrics_row_begin(OPAYGO_METRICS_ROW_CURRENT) != OPAYGO_OK || opaygo_metrics_put_int("tc", 2, 3) != OPAYGO_OK ||
      opaygo_metrics_row_end() != OPAYGO_OK) return FAILWHY("data");
  int n = opaygo_metrics_encode(OPAYGO_METRICS_CONDENSED, 0, out, sizeof out);
  if (n != (int)strlen(want) || memcmp(out, want, strlen(want)) != 0) return FAILWHY("dtc request differs from the reference");
  return 1;
}

/* The library reports the features the metrics vectors were adapted to (gen_vectors.py --profile),
 * and every feature it leaves out is refused with OPAYGO_ERR_METRICS_NOT_BUILT, changing nothing. */
static int check_metrics_profile(const void *arg, char *why, size_t why_size) {
  (void)arg;
  if (fresh() != OPAYGO_OK) return FAILWHY("init");
  uint32_t f = opaygo_metrics_features();
  if (f != metrics_vectors_features) return FAILWHY("features %#lx, the vectors are for %#lx", (unsigned long)f, (unsigned long)metrics_vectors_features);
  opaygo_metrics_ring_t before, after;
  uint8_t out[64];
  for (int m = OPAYGO_METRICS_AUTH_NONE; m <= OPAYGO_METRICS_AUTH_RA; m++) {
    int want = f & (1u << (OPAYGO_FEATURE_AUTH_SHIFT + m)) ? OPAYGO_OK : OPAYGO_ERR_METRICS_NOT_BUILT;
    if (opaygo_metrics_init("X", 1, m) != want) return FAILWHY("auth method %d: want %s", m, opaygo_strerror(want));
  }
  /* the first auth method built (none, or ra in the lean profile): the request is signed then */
  int method = OPAYGO_METRICS_AUTH_NONE;
  while (!(f & (1u << (OPAYGO_FEATURE_AUTH_SHIFT + method)))) method++;
  if (opaygo_metrics_init("X", 1, method) != OPAYGO_OK) return FAILWHY("init");
  if (opaygo_metrics_format_id(3, 0) != OPAYGO_OK || opaygo_metrics_format_name(OPAYGO_METRICS_DATA_ORDER, "a", 1) != OPAYGO_OK)
    return FAILWHY("format");
  if (opaygo_metrics_row_begin(OPAYGO_METRICS_ROW_CURRENT) != OPAYGO_OK || opaygo_metrics_put_int("a", 1, 1) != OPAYGO_OK)
    return FAILWHY("put");
  int r = opaygo_metrics_put_int("b", 1, 2);
  if (r != (f & OPAYGO_FEATURE_SIMPLE ? OPAYGO_OK : OPAYGO_ERR_METRICS_UNKNOWN_VARIABLE)) return FAILWHY("variable outside the format: %d", r);
  if (opaygo_metrics_row_begin(OPAYGO_METRICS_ROW_CURRENT) != OPAYGO_OK || opaygo_metrics_put_int("a", 1, 1) != OPAYGO_OK ||
      opaygo_metrics_row_end() != OPAYGO_OK) return FAILWHY("row");
  if (opaygo_metrics_ring(&before) != OPAYGO_OK) return FAILWHY("ring");
  static const char want[] = "{\"sn\":\"X\",\"df\":3,\"d\":[1],\"hd\":[]}";
  /* signed: the same members, then "a" */
  size_t want_len = method == OPAYGO_METRICS_AUTH_NONE ? strlen(want) : strlen(want) - 1;
  for (int simple = 0; simple <= 1; simple++)
    for (int cbor = 0; cbor <= 1; cbor++) {
      uint32_t needs = (simple ? OPAYGO_FEATURE_SIMPLE : 0) | (cbor ? OPAYGO_FEATURE_CBOR : OPAYGO_FEATURE_JSON);
      int n = opaygo_metrics_encode(simple, cbor, mbuf, sizeof mbuf);
      if ((f & needs) != needs ? n != OPAYGO_ERR_METRICS_NOT_BUILT : n <= 0) return FAILWHY("encode simple %d cbor %d: %d", simple, cbor, n);
      if (!simple && !cbor && (n < (int)want_len || memcmp(mbuf, want, want_len) != 0 ||
                               (method != OPAYGO_METRICS_AUTH_NONE && memcmp(mbuf + want_len, ",\"a\":\"ra", 8) != 0)))
        return FAILWHY("condensed request");
    }
  if (!(f & OPAYGO_FEATURE_FLOATS) && opaygo_metrics_put_float("a", 1, 1.5) != OPAYGO_ERR_METRICS_NOT_BUILT) return FAILWHY("float");
  if (!(f & OPAYGO_FEATURE_FORMAT_OBJECT) && opaygo_metrics_format_object("{}", 2, 0) != OPAYGO_ERR_METRICS_NOT_BUILT) return FAILWHY("format object");
  if (!(f & OPAYGO_FEATURE_ACCESSORIES) && opaygo_metrics_accessory_add((const uint8_t *)"{\"sn\":\"A\"}", 10) != OPAYGO_ERR_METRICS_NOT_BUILT)
    return FAILWHY("accessory");
  if (opaygo_metrics_answer_apply((const uint8_t *)"{\"tkl\":[]}", 10, 0) < 0) return FAILWHY("answer");
  if (!(f & OPAYGO_FEATURE_ANSWER_OBJECTS) &&
      (opaygo_metrics_answer_object(OPAYGO_ANSWER_OBJECT_SETTINGS, (char *)out, sizeof out) != OPAYGO_ERR_METRICS_NOT_BUILT ||
       opaygo_metrics_answer_string(OPAYGO_ANSWER_OBJECT_SETTINGS, "base_url", 8, (char *)out, sizeof out) != OPAYGO_ERR_METRICS_NOT_BUILT))
    return FAILWHY("answer objects");
  if (opaygo_metrics_ring(&after) != OPAYGO_OK || memcmp(&before, &after, sizeof before) != 0) return FAILWHY("ring changed");
  return 1;
}

/* The deepest nesting the readers take (MAX_DEPTH, assembly/json/limits.ts: every level is a
 * recursive call): at that depth each one runs, one level more is refused. This is the deepest
 * any input takes the module's call stack, so the wasm stacks of the interpreter backends are
 * sized by it (make mcu-size: wasm_stack_used). */
#define NEST_MAX (OPAYGO_FULL ? 32 : 16)
static char nest_text[128];

/* prefix, then open repeated n times, then close repeated n times, then suffix; its length */
static size_t nested(const char *prefix, char open, size_t n, char close, const char *suffix) {
  size_t at = strlen(prefix);
  memcpy(nest_text, prefix, at);
  memset(nest_text + at, open, n);
  memset(nest_text + at + n, close, n);
  strcpy(nest_text + at + 2 * n, suffix);
  return at + 2 * n + strlen(suffix);
}

static int check_nesting(const void *arg, char *why, size_t why_size) {
  (void)arg;
  if (fresh() != OPAYGO_OK) return FAILWHY("init");
  if (opaygo_metrics_init("X", 1, OPAYGO_METRICS_AUTH_RA) != OPAYGO_OK &&
      opaygo_metrics_init("X", 1, OPAYGO_METRICS_AUTH_NONE) != OPAYGO_OK) return FAILWHY("metrics init");
  /* An answer: the reader walks it (skipValue), then the signature's hash writes its extra data
   * (writeValue), two levels below the answer's object and "ed". */
  for (size_t extra = 0; extra <= 1; extra++) {
    size_t n = nested("{\"ed\":{\"x\":", '[', NEST_MAX - 2 + extra, ']', "},\"a\":\"da0\"}");
    int r = opaygo_metrics_answer_apply((const uint8_t *)nest_text, n, 0);
    int want = extra ? OPAYGO_ERR_METRICS_TOO_DEEP : OPAYGO_ERR_METRICS_SIGNATURE;
    if (r != want) return FAILWHY("answer %lu levels deep: %s, want %s", (unsigned long)(NEST_MAX + extra), opaygo_strerror(r), opaygo_strerror(want));
  }
  /* A request: its inline data format (one level below the request) and an accessory's request
   * (two levels below), each read and written when given, written again by the encoder. */
  uint32_t f = opaygo_metrics_features();
  for (size_t extra = 0; extra <= 1; extra++) {
    if (!(f & OPAYGO_FEATURE_FORMAT_OBJECT)) break;
    size_t n = nested("{\"x\":", '[', NEST_MAX - 2 + extra, ']', "}");
    int r = opaygo_metrics_format_object(nest_text, n, 0);
    if (r != (extra ? OPAYGO_ERR_METRICS_TOO_DEEP : OPAYGO_OK))
      return FAILWHY("data format %lu levels deep: %s", (unsigned long)(NEST_MAX + extra), opaygo_strerror(r));
  }
  for (size_t extra = 0; extra <= 1; extra++) {
    if (!(f & OPAYGO_FEATURE_ACCESSORIES)) break;
    size_t n = nested("{\"sn\":\"A\",\"x\":", '[', NEST_MAX - 3 + extra, ']', "}");
    int r = opaygo_metrics_accessory_add((const uint8_t *)nest_text, n);
    if (r != (extra ? OPAYGO_ERR_METRICS_TOO_DEEP : OPAYGO_OK))
      return FAILWHY("accessory %lu levels deep: %s", (unsigned long)(NEST_MAX + extra), opaygo_strerror(r));
  }
  if (f & (OPAYGO_FEATURE_FORMAT_OBJECT | OPAYGO_FEATURE_ACCESSORIES)) {
    int n = opaygo_metrics_encode(OPAYGO_METRICS_CONDENSED, !(f & OPAYGO_FEATURE_JSON), mbuf, sizeof mbuf);
    if (n <= 0) return FAILWHY("encode: %s", opaygo_strerror(n));
  }
#if OPAYGO_FULL
  /* The byte layer: canonical JSON, CBOR to JSON; the server's loader. */
  for (size_t extra = 0; extra <= 1; extra++) {
    size_t n = nested("", '[', NEST_MAX + extra, ']', "");
    int r = opaygo_json_canonicalize(nest_text, n, (char *)mbuf, sizeof mbuf);
    if (extra ? r != OPAYGO_ERR_JSON_DEPTH : r != (int)n) return FAILWHY("JSON %lu levels deep: %d", (unsigned long)(NEST_MAX + extra), r);
    n = NEST_MAX + extra; /* arrays of one array, the innermost empty */
    memset(nest_text, 0x81, n - 1);
    nest_text[n - 1] = (char)0x80;
    r = opaygo_cbor_to_json((const uint8_t *)nest_text, n, (char *)mbuf, sizeof mbuf);
    if (extra ? r != OPAYGO_ERR_JSON_DEPTH : r != 2 * NEST_MAX) return FAILWHY("CBOR %lu levels deep: %d", (unsigned long)(NEST_MAX + extra), r);
    n = nested("{\"sn\":\"X\",\"x\":", '[', NEST_MAX - 1 + extra, ']', "}");
    r = opaygo_metrics_server_load((const uint8_t *)nest_text, n, 0, NULL, 0);
    if (extra ? r != OPAYGO_ERR_JSON_DEPTH : r != (int)n) return FAILWHY("request %lu levels deep: %d", (unsigned long)(NEST_MAX + extra), r);
  }
#endif
  return 1;
}

#endif /* !OPAYGO_TOKEN_ONLY */

/* ---- whole workload at one memory size ------------------------------------------------- */

/* Emulated interpreters (the QEMU images of mk/wamr-toywasm.mk) spend up to ~60,000 instructions
 * per token chain step, and a decode walks the chain up to its count: there, token vectors above
 * SUITE_COUNT_LIMIT run one in SUITE_HIGH_COUNT_SAMPLE (a fixed sample), and the decodes at the
 * highest count (check_bad_input) for the first text only. Every other build runs everything. */
#ifdef SUITE_COUNT_LIMIT
#define SUITE_HIGH_COUNT_SAMPLE 6
static unsigned high_count_seen, high_count_run;
static int vector_runs(const token_vector_t *v) {
  if (v->count <= SUITE_COUNT_LIMIT) return 1;
  return high_count_seen++ % SUITE_HIGH_COUNT_SAMPLE == 0 ? (high_count_run++, 1) : 0;
}
#else
static int vector_runs(const token_vector_t *v) { return v != NULL; }
#endif

static void run_workload(void) {
  char name[96];
  for (unsigned i = 0; i < token_vectors_len; i++) {
    const token_vector_t *v = &token_vectors[i];
    if (!vector_runs(v)) continue;
#if OPAYGO_FULL
    snprintf(name, sizeof name, "generate %s", v->where);
    run_check(name, check_generate, v);
#endif
    snprintf(name, sizeof name, "decode %s", v->where);
    run_check(name, check_decode, v);
  }
  for (unsigned i = 0; i < device_scenarios_len; i++) {
    snprintf(name, sizeof name, "device %s", device_scenarios[i].name);
    run_check(name, check_scenario, &device_scenarios[i]);
  }
#if !OPAYGO_TOKEN_ONLY
  metrics_bytes_compared = metrics_refused_full = 0;
  run_check("metrics: the build profile", check_metrics_profile, NULL);
  for (unsigned i = 0; i < metrics_vectors_len; i++) {
    const metrics_vector_t *v = &metrics_vectors[i];
    if (v->full_only && !OPAYGO_FULL) continue;
    snprintf(name, sizeof name, "metrics %s", v->where);
    run_check(name, check_metrics, v);
  }
  /* (these two use the simple form and accessories: the seed profile has neither) */
  if (metrics_vectors_features & OPAYGO_FEATURE_SIMPLE) run_check("metrics: bad calls are refused", check_metrics_refusals, NULL);
  if (metrics_vectors_features & OPAYGO_FEATURE_ACCESSORIES)
    run_check("metrics: accessory requests with a key twice refused", check_metrics_accessory, NULL);
  run_check("metrics: dtc as the reference writes it", check_metrics_dtc, NULL);
  run_check("nesting: the deepest the readers take runs, one level more is refused", check_nesting, NULL);
#endif
  run_check("bad input never traps, is refused", check_bad_input, NULL);
  run_check("state blob: refusals and reload", check_blob_refusals, NULL);
}

/* ---- API basics and footprint ---------------------------------------------------------- */

static int check_not_initialized(const void *arg, char *why, size_t why_size) {
  (void)arg;
  opaygo_decoded_t d;
  if (opaygo_init(memory, opaygo_memory_required() - 1) != OPAYGO_ERR_MEMORY_SIZE) return FAILWHY("small block accepted");
  if (opaygo_set_key_hex("a29ab82edc5fbbc41ec9530f6dac86b1") != OPAYGO_ERR_NOT_INITIALIZED) return FAILWHY("set key");
  if (opaygo_token_decode("1", 1, 0, 0, 0, 0, &d) != OPAYGO_ERR_NOT_INITIALIZED) return FAILWHY("decode");
  if (opaygo_device_enter_token(0, "1", 1) != OPAYGO_ERR_NOT_INITIALIZED) return FAILWHY("enter");
  if (opaygo_init(NULL, 65536) != OPAYGO_ERR_ARGUMENT) return FAILWHY("NULL memory accepted");
  return 1;
}

static int check_strerror(const void *arg, char *why, size_t why_size) {
  (void)arg;
  static const int codes[] = {0, 1, 2, 3, 4, 10, 11, 12, -5, -10, -11, -12, -13, -14, -100, -101, -102, -103};
  for (unsigned i = 0; i < sizeof codes / sizeof codes[0]; i++)
    if (strncmp(opaygo_strerror(codes[i]), "OPAYGO_", 7) != 0) return FAILWHY("no name for %d", codes[i]);
  /* Token generation's errors: the full build only. */
  for (int c = -1; c >= -4; c--)
    if (strncmp(opaygo_strerror(c), OPAYGO_FULL ? "OPAYGO_ERR_" : "OPAYGO_UNKNOWN_CODE", 11) != 0) return FAILWHY("name for %d", c);
  if (strcmp(opaygo_strerror(-5), "OPAYGO_ERR_OUTPUT_SPACE") != 0 || strcmp(opaygo_strerror(-102), "OPAYGO_ERR_ARGUMENT") != 0)
    return FAILWHY("wrong name");
  if (strcmp(opaygo_strerror(-99), "OPAYGO_UNKNOWN_CODE") != 0) return FAILWHY("name for -99");
  /* Every code of the metrics (-20..-38 but the reserved -35, -40, -41) and byte layers (-60..-71,
   * -80..-83). */
  for (int c = -20; c >= -83; c--) {
    int used = (c >= -38 && c != -35) || c == -40 || c == -41 || c == OPAYGO_ERR_JSON_NOT_FOUND;
    if (OPAYGO_FULL) used = used || c == OPAYGO_ERR_METRICS_TOO_LARGE || (c <= -60 && c >= -71) || (c <= -80); /* the server, the byte layer */
    if (OPAYGO_TOKEN_ONLY) used = 0;                                   /* no metrics at all */
    const char *name = opaygo_strerror(c);
    if (used ? strncmp(name, "OPAYGO_ERR_", 11) != 0 : strcmp(name, "OPAYGO_UNKNOWN_CODE") != 0)
      return FAILWHY("name for %d: %s", c, name);
  }
  return 1;
}

/* Runs the workload with the memory clamped to size; returns 1 when everything passed. */
static int workload_passes(uint32_t size) {
  unsigned p = passed, f = failed;
  clamp = size;
  quiet = 1;
  /* Instantiation itself writes the data segments: too small a block traps right there. */
  trap_armed = 1;
  if (setjmp(trap_jump) != 0) {
    trap_armed = 0;
    quiet = 0;
    return 0;
  }
  fresh();
  trap_armed = 0;
  run_workload();
  int ok = failed == f;
  passed = p;
  failed = f;
  quiet = 0;
  return ok;
}

static uint32_t touched;

static int check_footprint(const void *arg, char *why, size_t why_size) {
  (void)arg;
  uint32_t required = opaygo_memory_required();
  if (required > OPAYGO_MEMORY_BYTES)
    return FAILWHY("module needs %lu bytes: raise OPAYGO_MEMORY_BYTES in opaygo.h", (unsigned long)required);
  /* Smallest block that runs the whole workload: the module's real high-water mark. */
  uint32_t lo = 0, hi = required;
  if (!workload_passes(hi)) return FAILWHY("workload fails at the required size");
  while (lo + 1 < hi) {
    uint32_t mid = (lo + hi) / 2;
    if (workload_passes(mid)) hi = mid;
    else lo = mid;
  }
  /* lo is one byte short of the high-water mark: there the workload failed, through an
   * out-of-bounds trap, instead of passing silently. */
  touched = hi;
  printf("footprint: module needs %lu bytes of linear memory; the workload touches %lu\n",
         (unsigned long)required, (unsigned long)touched);
  return 1;
}

/* The clamp at a known high-water mark (the wasm2c build's footprint file): the workload passes with
 * exactly those bytes and fails with one byte less, where an access past the clamp traps. Two
 * workloads where the bisection takes about sixteen: for the interpreters on x86-64. */
static uint32_t clamp_at;
void suite_check_clamp_at(uint32_t touched) { clamp_at = touched; }

static int check_clamp_at(const void *arg, char *why, size_t why_size) {
  (void)arg;
  if (!workload_passes(clamp_at)) return FAILWHY("the workload fails with %lu bytes", (unsigned long)clamp_at);
  if (workload_passes(clamp_at - 1)) return FAILWHY("the workload passes with %lu bytes: no trap past the clamp", (unsigned long)clamp_at - 1);
  touched = clamp_at;
  printf("clamp: the workload runs in %lu bytes, one byte less traps\n", (unsigned long)clamp_at);
  return 1;
}

#if OPAYGO_FULL
/* ---- the server side past the first page ------------------------------------------------- */

/* A 512 KiB block: the server side grows into it for a request its first page cannot hold. */
static uint8_t big_memory[1u << 19] __attribute__((aligned(8)));
static char big_body[24000], big_out[160000];
#define BIG_ROWS 5000

static int check_server_large(const void *arg, char *why, size_t why_size) {
  (void)arg;
  int n = snprintf(big_body, sizeof big_body, "{\"sn\":\"BIG\",\"ts\":100,\"hd\":[");
  for (int i = 0; i < BIG_ROWS; i++) n += snprintf(big_body + n, sizeof big_body - (size_t)n, i ? ",[%d]" : "[%d]", i % 10);
  n += snprintf(big_body + n, sizeof big_body - (size_t)n, "]}");
  static const char format[] = "{\"historical_data_order\":[\"v\"],\"historical_data_interval\":60}";
  /* one page: refused as too large, and the request loaded before it stays */
  if (opaygo_init(memory, 65536) != OPAYGO_OK) return FAILWHY("init");
  static const char small[] = "{\"sn\":\"A\",\"d\":{}}";
  if (opaygo_metrics_server_load((const uint8_t *)small, sizeof small - 1, 0, NULL, 0) != (int)sizeof small - 1) return FAILWHY("small request");
  int r = opaygo_metrics_server_load((const uint8_t *)big_body, (size_t)n, 0, NULL, 0);
  if (r != OPAYGO_ERR_METRICS_TOO_LARGE) return FAILWHY("large request in one page: %d", r);
  r = opaygo_metrics_server_expand(NULL, 0, 5, big_out, sizeof big_out);
  static const char small_expanded[] = "{\"serial_number\":\"A\",\"data\":{},\"historical_data\":[]}";
  if (r != (int)sizeof small_expanded - 1 || memcmp(big_out, small_expanded, (size_t)r) != 0) return FAILWHY("the request before it: %d", r);
#if OPAYGO_INTERP
  /* an interpreter keeps the module in its first page (bindings/c/opaygo.c): a larger block is refused */
  if (opaygo_init(big_memory, sizeof big_memory) != OPAYGO_ERR_ARGUMENT) return FAILWHY("the interpreter took a 512 KiB block");
  return 1;
#endif
  /* 512 KiB: loaded, expanded row for row */
  if (opaygo_init(big_memory, sizeof big_memory) != OPAYGO_OK) return FAILWHY("init 512 KiB");
  r = opaygo_metrics_server_load((const uint8_t *)big_body, (size_t)n, 0, NULL, 0);
  if (r != n) return FAILWHY("large request: %d of %d", r, n);
  r = opaygo_metrics_server_expand(format, sizeof format - 1, 5, big_out, sizeof big_out);
  if (r < 0) return FAILWHY("expansion: %d", r);
  int rows = -1; /* the request's own timestamp is one */
  for (const char *p = big_out; (p = strstr(p, "\"timestamp\":")) != NULL; p++) rows++;
  char last[48];
  snprintf(last, sizeof last, "{\"v\":9,\"timestamp\":%d}],\"data\":{}}", 100 + (BIG_ROWS - 1) * 60);
  if (rows != BIG_ROWS || r < (int)strlen(last) || strcmp(big_out + r - strlen(last), last) != 0) return FAILWHY("%d rows, ending %.40s", rows, big_out + r - 40);
  return 1;
}
#endif

int suite_run(int measure_footprint) {
  printf("opaygo C harness (%s build)\n", OPAYGO_FULL ? "full" : OPAYGO_TOKEN_ONLY ? "token" : "device");
  run_check("init refuses a small block; calls before init are refused", check_not_initialized, NULL);
  run_check("every code has a name", check_strerror, NULL);
  if (measure_footprint) run_check("footprint: clamped memory traps, high-water mark", check_footprint, NULL);
  if (clamp_at > 0) run_check("clamp: the memory cut at the high-water mark traps one byte below", check_clamp_at, NULL);
  /* The vectors with the memory clamped to exactly what the module says it needs. */
  clamp = opaygo_memory_required();
  if (opaygo_init(memory, clamp) != OPAYGO_OK) {
    printf("FAIL init with %lu bytes\n", (unsigned long)clamp);
    failed++;
  }
  run_workload();
  printf("memory given: %lu bytes\n", (unsigned long)clamp);
#ifdef SUITE_COUNT_LIMIT
  printf("token vectors above count %u: %u of %u run (a fixed sample); the highest-count decodes: one text\n",
         (unsigned)SUITE_COUNT_LIMIT, high_count_run, high_count_seen);
#endif
#if OPAYGO_FULL
  run_check("server: a request past the first page (too large in one page; row for row in 512 KiB)", check_server_large, NULL);
#endif
#if !OPAYGO_TOKEN_ONLY
  printf("metrics: %u payloads compared byte for byte, %u refused as too big for the output buffer\n",
         metrics_bytes_compared, metrics_refused_full);
#else
  printf("metrics: none (token build)\n");
#endif
  printf("%u passed, %u failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}

uint32_t suite_touched(void) { return touched; }
