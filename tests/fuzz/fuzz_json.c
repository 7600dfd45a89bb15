/* fuzz_json: json_canonicalize and json_parse_number on random bytes. A result is a length or a
 * byte-layer error (-60..-89), never a trap; canonical output is a fixed point (canonicalizing
 * it again gives it back byte for byte) and is printable ASCII (ensure_ascii). */
#include "harness.h"

static uint8_t first[16384];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_instantiate(1);
  uint32_t jin = CALL(json_in_buffer), jout = CALL(json_out_buffer), cap = CALL(json_buffer_capacity);
  size_t len = size > cap ? cap : size;
  fz_put(jin, data, len);
  int32_t k = (int32_t)CALL(json_parse_number, (uint32_t)len);
  FZ_ASSERT((k >= 1 && k <= 3) || (k <= -60 && k >= -89), "parse_number returned %d", k);
  int32_t n = (int32_t)CALL(json_canonicalize, (uint32_t)len);
  FZ_ASSERT(n >= 0 || (n <= -60 && n >= -89), "canonicalize returned %d", n);
  if (n <= 0) return 0;
  FZ_ASSERT(n <= (int32_t)cap, "length %d", n);
  memcpy(first, fz_at(jout, (size_t)n), (size_t)n);
  for (int32_t i = 0; i < n; i++) FZ_ASSERT(first[i] >= 0x20 && first[i] < 0x7f, "byte 0x%02x in canonical output", first[i]);
  fz_put(jin, first, (size_t)n);
  int32_t m = (int32_t)CALL(json_canonicalize, (uint32_t)n);
  FZ_ASSERT(m == n && memcmp(fz_at(jout, (size_t)n), first, (size_t)n) == 0,
            "canonicalize is not idempotent (%d then %d): %.*s", n, m, n, (const char *)first);
  return 0;
}
