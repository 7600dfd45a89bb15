/* fuzz_state: device_load on random 32-byte blobs (mode byte even) and on valid blobs with the
 * input XORed in (mode byte odd: bit flips). A blob is either refused with one of the state
 * errors, leaving the device byte-identical (its saved blob and every getter), or loaded, and
 * then it saves back to exactly the bytes loaded. Input: mode:u8 now:u32 blob[32] [tokens...]. */
#include "harness.h"

static const uint8_t KEY[16] = {0xa2, 0x9a, 0xb8, 0x2e, 0xdc, 0x5f, 0xbb, 0xc4,
                                0x1e, 0xc9, 0x53, 0x0f, 0x6d, 0xac, 0x86, 0xb1};
#define STARTING_CODE 284712936u

static void getters(uint32_t g[9], uint32_t now) {
  g[0] = CALL(device_count); g[1] = CALL(device_used_counts); g[2] = CALL(device_active_until);
  g[3] = CALL(device_payg_disabled); g[4] = CALL(device_blocked_until); g[5] = CALL(device_invalid_streak);
  g[6] = CALL(device_is_active, now); g[7] = CALL(device_seconds_left, now); g[8] = CALL(device_last_value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in_t in = {data, size};
  if (size < 37) return 0;
  fz_instantiate(0);
  fz_put(CALL(key_buffer), KEY, 16);
  uint32_t mode = fz_u8(&in), now = fz_u32(&in);
  FZ_ASSERT(CALL(device_init, STARTING_CODE, 1u, mode & 2u, 86400u) == 0, "init");
  uint8_t input[32];
  memcpy(input, in.p, 32);
  in.p += 32; in.n -= 32;
  /* Give the device some state: a few entries (mostly invalid: a waiting period, a streak). */
  uint32_t text_buf = CALL(text_buffer);
  for (int i = 0; i < 3 && in.n > 0; i++) {
    size_t len = in.n < 12 ? in.n : 12;
    fz_put(text_buf, in.p, len);
    CALL(device_enter_token, now + (uint32_t)i, (uint32_t)len);
    in.p += len; in.n -= len;
  }
  uint32_t state_buf = CALL(state_buffer);
  FZ_ASSERT((int32_t)CALL(device_save) == 32, "save");
  uint8_t saved[32], blob[32];
  memcpy(saved, fz_at(state_buf, 32), 32);
  for (int i = 0; i < 32; i++) blob[i] = (mode & 1u) ? (uint8_t)(saved[i] ^ input[i]) : input[i];
  uint32_t g_before[9], g_after[9];
  getters(g_before, now);
  fz_put(state_buf, blob, 32);
  int32_t r = (int32_t)CALL(device_load);
  getters(g_after, now);
  FZ_ASSERT((int32_t)CALL(device_save) == 32, "save");
  const uint8_t *resaved = fz_at(state_buf, 32);
  if (r == 0) {
    FZ_ASSERT(memcmp(resaved, blob, 32) == 0, "loaded blob does not save back to itself");
    FZ_ASSERT(g_after[5] <= 10 && g_after[0] <= 0xffff && g_after[1] <= 0xffff, "loaded fields out of range");
  } else {
    FZ_ASSERT(r >= OPAYGO_ERR_STATE_FIELDS && r <= OPAYGO_ERR_STATE_MAGIC, "load returned %d", r);
    FZ_ASSERT(memcmp(resaved, saved, 32) == 0, "refused load (%d) changed the saved state", r);
    FZ_ASSERT(memcmp(g_before, g_after, sizeof g_before) == 0, "refused load (%d) changed a getter", r);
    /* a flipped valid blob is refused whenever any bit changed */
  }
  if ((mode & 1u) && memcmp(blob, saved, 32) != 0) FZ_ASSERT(r != 0, "bit-flipped blob accepted");
  return 0;
}
