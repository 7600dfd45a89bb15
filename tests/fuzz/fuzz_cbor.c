/* fuzz_cbor: cbor_to_json on random bytes. A result is a length or a byte-layer error, never a
 * trap; the JSON produced is canonical (json_canonicalize gives it back byte for byte), which
 * the server relies on when it verifies CBOR requests over their JSON form. */
#include "harness.h"

static uint8_t first[16384];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_instantiate(1);
  uint32_t jin = CALL(json_in_buffer), jout = CALL(json_out_buffer), cap = CALL(json_buffer_capacity);
  size_t len = size > cap ? cap : size;
  fz_put(jin, data, len);
  int32_t n = (int32_t)CALL(cbor_to_json, (uint32_t)len);
  FZ_ASSERT(n >= 0 || (n <= -60 && n >= -89), "cbor_to_json returned %d", n);
  if (n <= 0) return 0;
  FZ_ASSERT(n <= (int32_t)cap, "length %d", n);
  memcpy(first, fz_at(jout, (size_t)n), (size_t)n);
  fz_put(jin, first, (size_t)n);
  int32_t m = (int32_t)CALL(json_canonicalize, (uint32_t)n);
  FZ_ASSERT(m == n && memcmp(fz_at(jout, (size_t)n), first, (size_t)n) == 0,
            "CBOR->JSON output is not canonical (%d then %d): %.*s", n, m, n, (const char *)first);
  return 0;
}
