/* fuzz_token: keypad text into device_enter_token on a device in a random state.
 * Input: key[16] starting_code:u32 count:u16 flags:u8 now:u32, then up to 8 entries, each
 * [advance:u8 (x 10 min)] text... ['\n']. Checks after every entry: the result is one of the
 * seven codes; a refusal leaves the credit state alone; the count never decreases; the stateless
 * decoder agrees with the device; the state survives a save/load round trip byte for byte. */
#include "harness.h"

typedef struct {
  uint32_t count, used, active_until, disabled, blocked_until, streak;
} dev_state_t;

static dev_state_t snapshot(void) {
  dev_state_t s = {CALL(device_count), CALL(device_used_counts), CALL(device_active_until),
                   CALL(device_payg_disabled), CALL(device_blocked_until), CALL(device_invalid_streak)};
  return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fz_in_t in = {data, size};
  if (size < 27) return 0;
  fz_instantiate(0);
  fz_put(CALL(key_buffer), data, 16);
  in.p += 16; in.n -= 16;
  uint32_t starting_code = fz_u32(&in), count = fz_u16(&in), flags = fz_u8(&in) & 3u, now = fz_u32(&in);
  int32_t rc = (int32_t)CALL(device_init, starting_code, count, flags, 86400u);
  if (starting_code > 999999999u) { FZ_ASSERT(rc == OPAYGO_ERR_DEVICE_CONFIG, "init rc %d", rc); return 0; }
  FZ_ASSERT(rc == 0, "init rc %d", rc);
  uint32_t text_buf = CALL(text_buffer), cap = CALL(text_capacity);
  FZ_ASSERT(cap == 64, "text capacity %u", cap);
  for (int entry = 0; entry < 8 && in.n > 0; entry++) {
    now += fz_u8(&in) * 600u;
    size_t len = 0;
    while (len < in.n && in.p[len] != '\n') len++;
    const uint8_t *text = in.p;
    in.p += len; in.n -= len;
    if (in.n > 0) { in.p++; in.n--; }
    size_t put = len > cap ? cap : len;
    fz_put(text_buf, text, put);
    dev_state_t before = snapshot();
    /* What the stateless decoder says about the same text in the same state. */
    int32_t expect = (int32_t)CALL(token_decode, starting_code, before.count, before.used, (uint32_t)len, flags & 1u);
    if (len > cap) expect = 10; /* the device enters an impossible length as empty text */
    /* The device acts on a standard (9- or 15-digit) ADD_TIME token worth 998 or 999 as
     * DISABLE_PAYG or COUNTER_SYNC, as the official procedure does; the stateless decoder says
     * ADD_TIME. Extended tokens (12 or 20 digits) carry 998 and 999 as plain values. */
    if (expect == 1) {
      uint32_t value = CALL(token_result_value);
      size_t digits = 0;
      for (size_t i = 0; i < put; i++) digits += text[i] != ' ';
      int extended = digits == 12 || digits == 20;
      if (!extended && value == 998) expect = 3;
      else if (!extended && value == 999) expect = 4;
    }
    fz_put(text_buf, text, put);
    int32_t r = (int32_t)CALL(device_enter_token, now, (uint32_t)len);
    dev_state_t after = snapshot();
    FZ_ASSERT((r >= 1 && r <= 4) || r == 10 || r == 11 || r == 12, "result %d", r);
    if (r == 12) {
      FZ_ASSERT(!(flags & 2u), "BLOCKED with the waiting period off");
      FZ_ASSERT(before.streak > 0 && after.blocked_until > now, "BLOCKED without a waiting period");
    } else {
      FZ_ASSERT(r == expect, "device %d, stateless decode %d", r, expect);
    }
    FZ_ASSERT(after.count >= before.count, "count went down %u -> %u", before.count, after.count);
    FZ_ASSERT(after.count <= 0xffff, "count %u beyond u16", after.count);
    if (r >= 10) {
      FZ_ASSERT(after.count == before.count && after.used == before.used && after.active_until == before.active_until &&
                    after.disabled == before.disabled, "refusal %d changed the credit state", r);
      if (r == 10 && !(flags & 2u)) FZ_ASSERT(after.streak >= 1 && after.streak <= 10, "streak %u", after.streak);
    } else {
      FZ_ASSERT(after.streak == 0 && after.blocked_until == 0, "accepted but still blocked");
    }
    /* save -> load round trip: accepted, identical state and identical blob */
    FZ_ASSERT((int32_t)CALL(device_save) == 32, "save");
    uint8_t blob[32];
    memcpy(blob, fz_at(CALL(state_buffer), 32), 32);
    FZ_ASSERT((int32_t)CALL(device_load) == 0, "own blob refused");
    dev_state_t reloaded = snapshot();
    FZ_ASSERT(memcmp(&reloaded, &after, sizeof after) == 0, "state changed by save/load");
    FZ_ASSERT((int32_t)CALL(device_save) == 32, "save");
    FZ_ASSERT(memcmp(blob, fz_at(CALL(state_buffer), 32), 32) == 0, "blob changed by save/load");
  }
  return 0;
}
