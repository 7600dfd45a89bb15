/* fuzz_server: the server side of OpenPAYGO Metrics on random request bodies (JSON or CBOR),
 * data formats and answers. Input: flags:u8 (1 CBOR body, 2 host data format, 4 signed answer)
 * key[16] last_ts:u64 last_rc:u64 received_at:u64 format_len:u16 answer_len:u16, the format,
 * the answer, then the body. Every call returns a documented code and never traps; a loaded
 * request is canonical JSON (canonicalize gives it back unchanged); an expansion and an answer
 * are JSON that canonicalizes. */
#include "harness.h"

static uint8_t copy[1u << 20], expanded[1u << 20], answer[1u << 20];

static void check_code(int32_t r, const char *what) {
  FZ_ASSERT(r >= 0 || (r <= -20 && r >= -41) || (r <= -60 && r >= -89), "%s returned %d", what, r);
}

/* A result of n bytes at the server's output, copied out. */
static void take(uint8_t *to, int32_t n, const char *what) {
  uint32_t at = CALL(metrics_server_out_buffer);
  FZ_ASSERT(n <= (int32_t)sizeof copy && at + (uint32_t)n <= fz_mem_size, "%s length %d at %u", what, n, at);
  memcpy(to, fz_at(at, (size_t)n), (size_t)n);
}

/* n bytes of JSON (a copy, not in module memory) must canonicalize; canonical ones to themselves
 * (through the byte layer: texts of up to 16 KiB). */
static void check_json(const uint8_t *json, int32_t n, int must_be_canonical, const char *what) {
  uint32_t jin = CALL(json_in_buffer), jout = CALL(json_out_buffer);
  if (n > (int32_t)CALL(json_buffer_capacity)) return;
  fz_put(jin, json, (size_t)n);
  int32_t c = (int32_t)CALL(json_canonicalize, (uint32_t)n);
  FZ_ASSERT(c >= 0 || c == OPAYGO_ERR_JSON_SPACE, "%s is not JSON (%d): %.*s", what, c, n, (const char *)json);
  if (must_be_canonical)
    FZ_ASSERT(c == n && memcmp(fz_at(jout, (size_t)n), json, (size_t)n) == 0, "%s is not canonical: %.*s", what, n,
              (const char *)json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in_t in = {data, size};
  if (size < 45) return 0;
  fz_instantiate(1);
  uint32_t flags = fz_u8(&in);
  fz_put(CALL(key_buffer), in.p, 16);
  in.p += 16; in.n -= 16;
  uint64_t last_ts = fz_u64(&in), last_rc = fz_u64(&in), received_at = fz_u64(&in);
  size_t fmt_len = fz_u16(&in), ans_len = fz_u16(&in);
  if (fmt_len > in.n) fmt_len = in.n;
  const uint8_t *fmt = in.p;
  in.p += fmt_len; in.n -= fmt_len;
  if (ans_len > in.n) ans_len = in.n;
  const uint8_t *ans = in.p;
  in.p += ans_len; in.n -= ans_len;
  uint32_t jin = CALL(json_in_buffer);
  int32_t body_at = (int32_t)CALL(metrics_server_body_buffer, (uint32_t)in.n);
  check_code(body_at, "metrics_server_body_buffer");
  if (body_at < 0) return 0;
  fz_put((uint32_t)body_at, in.p, in.n);
  int32_t n = (int32_t)CALL(metrics_server_load, (uint32_t)in.n, flags & 1u);
  check_code(n, "metrics_server_load");
  if (n < 0) {
    FZ_ASSERT((int32_t)CALL(metrics_server_verify, 0u, 0u) == OPAYGO_ERR_METRICS_ARGUMENT, "verify without a request");
    FZ_ASSERT((int32_t)CALL(metrics_server_expand, 0.0) == OPAYGO_ERR_METRICS_ARGUMENT, "expand without a request");
    return 0;
  }
  uint32_t req = CALL(metrics_server_request_buffer);
  FZ_ASSERT(n > 0 && req + (uint32_t)n <= fz_mem_size, "request length %d", n);
  memcpy(copy, fz_at(req, (size_t)n), (size_t)n);
  /* every member the module reports lies within the request */
  for (uint32_t m = 0; m <= OPAYGO_REQUEST_MEMBER_ACC; m++) {
    int32_t kind = (int32_t)CALL(metrics_server_member_kind, m), at = (int32_t)CALL(metrics_server_member_offset, m);
    int32_t len = (int32_t)CALL(metrics_server_member_length, m);
    FZ_ASSERT(kind >= 0 && kind <= OPAYGO_VALUE_OBJECT && (kind == OPAYGO_VALUE_ABSENT) == (at < 0), "member %u: kind %d at %d", m, kind, at);
    FZ_ASSERT(at < 0 || (at > 0 && len > 0 && at + len < n), "member %u at %d, length %d, of %d", m, at, len, n);
    CALL(metrics_server_member_int, m);
  }
  FZ_ASSERT(copy[0] == '{', "request is not an object");
  if (flags & 2u) {
    fz_put(jin, fmt, fmt_len);
    check_code((int32_t)CALL(metrics_server_format, (uint32_t)fmt_len), "metrics_server_format");
  }
  int32_t v = (int32_t)CALL(metrics_server_verify, last_ts, last_rc);
  FZ_ASSERT(v >= 0 && v <= 4, "verify returned %d", v);
  int32_t e = (int32_t)CALL(metrics_server_expand, (double)(int64_t)received_at);
  check_code(e, "metrics_server_expand");
  if (e > 0) take(expanded, e, "expansion");
  fz_put(jin, ans, ans_len);
  int32_t a = (int32_t)CALL(metrics_server_answer, (uint32_t)ans_len, (flags >> 2) & 1u);
  check_code(a, "metrics_server_answer");
  if (a > 0) take(answer, a, "answer");
  /* the request as loaded is canonical; expansion and answer are JSON */
  check_json(copy, n, 1, "loaded request");
  if (e > 0) check_json(expanded, e, 0, "expansion");
  if (a > 0) check_json(answer, a, 0, "answer");
  return 0;
}
