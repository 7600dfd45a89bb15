/* fuzz_request: the device's metrics request encoder driven by a random program of export
 * calls (any order, any lengths: negative, zero, huge) over random names, values and format JSON.
 * Every call returns 0/a length or a metrics error code (-20..-41) and never traps; the ring's
 * counters stay consistent; a payload never exceeds the output buffer. Built twice: over the
 * device module (its real buffer sizes and memory footprint) and over the full module, where
 * every JSON payload must also be canonical (json_canonicalize gives it back byte for byte) and
 * every JSON or CBOR payload must load on the server side and, when signed, verify.
 * Accessory requests (metrics_accessory_add) take fuzzer bytes: a refusal leaves the ring as it
 * was; an accepted one is followed by an encode, which must give a payload or a code (and, over
 * the full module, a payload the server loads: no duplicate key, nothing it cannot read). */
#include "harness.h"

static const uint8_t KEY[16] = {0xd9, 0x41, 0x7e, 0xcc, 0x70, 0x45, 0x98, 0x9a,
                                0x03, 0x50, 0x20, 0x00, 0x3a, 0x31, 0x02, 0xd4};

static void fill_io(fz_in_t *in, uint32_t io, uint32_t io_cap) {
  uint32_t n = fz_u8(in);
  if (n > in->n) n = (uint32_t)in->n;
  if (n > io_cap) n = io_cap;
  fz_put(io, in->p, n);
  in->p += n; in->n -= n;
}

static void check_code(int32_t r, const char *what) {
  FZ_ASSERT(r >= 0 || (r <= -20 && r >= -41), "%s returned %d", what, r);
}

typedef struct {
  uint32_t rows, accessories, sent, dropped, bytes;
} ring_t;
static ring_t ring_now(void) {
  ring_t g = {CALL(metrics_ring_rows), CALL(metrics_ring_accessories), CALL(metrics_ring_sent_rows),
              CALL(metrics_ring_dropped), CALL(metrics_ring_bytes)};
  return g;
}

/* Entries: historical rows and accessory requests; the sent count covers both. */
static void check_ring(void) {
  int32_t rows = (int32_t)CALL(metrics_ring_rows), acc = (int32_t)CALL(metrics_ring_accessories);
  int32_t sent = (int32_t)CALL(metrics_ring_sent_rows);
  int32_t bytes = (int32_t)CALL(metrics_ring_bytes), cap = (int32_t)CALL(metrics_ring_capacity);
  FZ_ASSERT(rows >= 0 && acc >= 0 && sent >= 0 && sent <= rows + acc, "ring rows %d accessories %d sent %d", rows, acc, sent);
  FZ_ASSERT(bytes >= 0 && bytes <= cap, "ring bytes %d of %d", bytes, cap);
  FZ_ASSERT((rows + acc == 0) == (bytes == 0), "ring rows %d accessories %d bytes %d", rows, acc, bytes);
}

#if FUZZ_FULL
static uint8_t payload[16384];
/* The payload (n bytes at out) must be canonical JSON (JSON form) and load and verify on the server. */
static void check_payload(uint32_t out, int32_t n, int cbor, int auth, int64_t ts, int64_t rc, int ts_set, int rc_set) {
  memcpy(payload, fz_at(out, (size_t)n), (size_t)n);
  uint32_t jin = CALL(json_in_buffer), jout = CALL(json_out_buffer);
  if (!cbor) {
    fz_put(jin, payload, (size_t)n);
    int32_t c = (int32_t)CALL(json_canonicalize, (uint32_t)n);
    FZ_ASSERT(c == n && memcmp(fz_at(jout, (size_t)n), payload, (size_t)n) == 0,
              "payload is not canonical JSON (canonicalize %d, length %d): %.*s", c, n, n, (const char *)payload);
  }
  int32_t at = (int32_t)CALL(metrics_server_body_buffer, (uint32_t)n);
  FZ_ASSERT(at > 0, "no room for a %d-byte body (%d)", n, at);
  fz_put((uint32_t)at, payload, (size_t)n);
  int32_t l = (int32_t)CALL(metrics_server_load, (uint32_t)n, (uint32_t)cbor);
  FZ_ASSERT(l > 0, "server refused the device's payload (%d): %.*s", l, cbor ? 0 : n, (const char *)payload);
  int32_t v = (int32_t)CALL(metrics_server_verify, 0u, 0u);
  if (auth == 0) {
    FZ_ASSERT(v == 2, "unsigned payload verified as %d", v);
  } else {
    int truthy = (ts_set && ts != 0) || (rc_set && rc != 0);
    (void)truthy;
    FZ_ASSERT(v != 0, "device-signed payload has a bad signature (auth %d): %.*s", auth, cbor ? 0 : n, (const char *)payload);
  }
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in_t in = {data, size};
  fz_instantiate(FUZZ_FULL);
  fz_put(CALL(key_buffer), KEY, 16);
  uint32_t io = CALL(metrics_io_buffer), io_cap = CALL(metrics_io_capacity);
  uint32_t out = CALL(metrics_out_buffer), out_cap = CALL(metrics_out_capacity);
  int auth = 0, inited = 0, ts_set = 0, rc_set = 0;
  int64_t ts = 0, rc = 0;
  (void)inited; (void)out; (void)auth; (void)ts_set; (void)rc_set;
  for (int step = 0; step < 64 && in.n > 0; step++) {
    uint32_t op_byte = fz_u8(&in), op = op_byte % 17u;
    /* Op 16 was ring clear alone; from 0x80 it now adds an accessory request, so the committed
     * regressions, which predate that op, replay the programs they were found with. */
    if (op == 16 && op_byte >= 0x80) op = 17;
    int32_t r = 0;
    uint32_t a, b;
    switch (op) {
      case 0:
        fill_io(&in, io, io_cap);
        a = fz_len(&in); b = fz_u8(&in) % 8u;
        r = (int32_t)CALL(metrics_init, a, b);
        if (r == 0) { auth = (int)b; inited = 1; ts_set = rc_set = 0; }
        break;
      case 1: r = (int32_t)CALL(metrics_format_id, fz_u64(&in), fz_u8(&in) & 1u); break;
      case 2: fill_io(&in, io, io_cap); a = fz_len(&in); r = (int32_t)CALL(metrics_format_object, a, fz_u8(&in) & 1u); break;
      case 3: fill_io(&in, io, io_cap); a = fz_u8(&in) % 3u; r = (int32_t)CALL(metrics_format_name, a, fz_len(&in)); break;
      case 4: ts = (int64_t)fz_u64(&in); ts_set = 1; CALL(metrics_timestamp, (uint64_t)ts); break;
      case 5: rc = (int64_t)fz_u64(&in); rc_set = 1; CALL(metrics_request_count, (uint64_t)rc); break;
      case 6: r = (int32_t)CALL(metrics_row_begin, fz_u8(&in) % 4u); break;
      case 7: r = (int32_t)CALL(metrics_row_end); break;
      case 8: fill_io(&in, io, io_cap); a = fz_len(&in); r = (int32_t)CALL(metrics_put_int, a, fz_u64(&in)); break;
      case 9: {
        fill_io(&in, io, io_cap); a = fz_len(&in);
        r = (int32_t)CALL(metrics_put_float, a, fz_u64(&in)); /* any bit pattern: NaNs, infinities too */
        break;
      }
      case 10: fill_io(&in, io, io_cap); a = fz_len(&in); r = (int32_t)CALL(metrics_put_bool, a, fz_u8(&in) & 1u); break;
      case 11: fill_io(&in, io, io_cap); r = (int32_t)CALL(metrics_put_null, fz_len(&in)); break;
      case 12: fill_io(&in, io, io_cap); a = fz_len(&in); r = (int32_t)CALL(metrics_put_string, a, fz_len(&in)); break;
      case 13: fill_io(&in, io, io_cap); r = (int32_t)CALL(metrics_array_begin, fz_len(&in)); break;
      case 14: r = (int32_t)CALL(metrics_array_end); break;
      case 15: {
        a = fz_u8(&in) % 3u; b = fz_u8(&in) & 1u;
        r = (int32_t)CALL(metrics_encode, a, b);
        FZ_ASSERT(r <= (int32_t)out_cap, "payload %d beyond the output capacity %u", r, out_cap);
        if (r > 0) FZ_ASSERT(a <= 1, "form %u accepted", a);
#if FUZZ_FULL
        if (r > 0) check_payload(out, r, (int)b, auth, ts, rc, ts_set, rc_set);
#endif
        break;
      }
      case 17: {
        /* length:u16, then the bytes (as many as the input has, within the output buffer's current
         * capacity, which an inline data format shortens); the length is passed as given */
        uint32_t cap = CALL(metrics_out_capacity);
        a = fz_u16(&in);
        b = a < in.n ? a : (uint32_t)in.n;
        if (b > cap) b = cap;
        fz_put(out, in.p, b);
        in.p += b; in.n -= b;
        ring_t before = ring_now();
        r = (int32_t)CALL(metrics_accessory_add, a);
        ring_t after = ring_now();
        if (r != 0) {
          FZ_ASSERT(memcmp(&before, &after, sizeof before) == 0, "refused accessory request (%d) changed the ring", r);
          break;
        }
        FZ_ASSERT(a <= cap && after.accessories > 0, "accessory request of %u bytes accepted (capacity %u, %u in the ring)",
                  a, cap, after.accessories);
        a = fz_u8(&in) % 2u; b = fz_u8(&in) & 1u;
        int32_t n = (int32_t)CALL(metrics_encode, a, b);
        check_code(n, "metrics_encode after an accessory request");
        FZ_ASSERT(n <= (int32_t)out_cap, "payload %d beyond the output capacity %u", n, out_cap);
#if FUZZ_FULL
        if (n > 0) check_payload(out, n, (int)b, auth, ts, rc, ts_set, rc_set);
#endif
        break;
      }
      default: CALL(metrics_ring_clear); break;
    }
    check_code(r, "metrics export");
    check_ring();
  }
  return 0;
}
