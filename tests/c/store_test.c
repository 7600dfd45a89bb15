/* The state store (opaygo_store_*) over an emulated NOR flash with power cuts: every save cut after
 * each byte it erases or writes, every bit of both slots flipped, forged slots. After each, a
 * reboot (opaygo_init, opaygo_device_init, opaygo_store_load) must end on the last completed save
 * or the one before it: never blank while a good slot exists, never on a state nobody saved.
 * Runs over any build of the library (host, or Cortex-M under QEMU with semihosting); ends with
 * "N passed, M failed". Each state saved is the device configured with count BASE + n, so the
 * count after a load names the save it came from (0: blank). */
#include <stdio.h>
#include <string.h>

#include "opaygo.h"

#define KEY "a29ab82edc5fbbc41ec9530f6dac86b1"
#define STARTING_CODE 284712936u
#define BASE 100u
#define UNIT 64u /* erase unit of the emulated flash; slot n at n * UNIT */
#define SLOT OPAYGO_STORE_SLOT_SIZE

static uint8_t memory[OPAYGO_MEMORY_BYTES];
static unsigned passed, failed;

void opaygo_trap_handler(int code) {
  printf("FATAL: trap %d\n", code);
  for (;;) {
  }
}

/* ---- emulated NOR flash: erase sets 0xFF, a write can only clear bits; a power cut after a
 * budget of byte operations (erased or written), after which every access fails ---------- */
static uint8_t flash[2 * UNIT];
static long budget = -1; /* byte operations left before the cut; -1: no cut */
static unsigned ops;     /* byte operations so far */
static int off;          /* the power was cut */

static int spend(void) {
  if (budget == 0) off = 1;
  if (off) return 0;
  if (budget > 0) budget--;
  ops++;
  return 1;
}

static void power_on(void) {
  budget = -1;
  off = 0;
}

static int flash_read(void *ctx, uint32_t address, uint8_t *data, size_t len) {
  (void)ctx;
  if (off || address + len > sizeof flash) return -1;
  memcpy(data, flash + address, len);
  return 0;
}

static int flash_write(void *ctx, uint32_t address, const uint8_t *data, size_t len) {
  (void)ctx;
  if (address + len > sizeof flash) return -1;
  for (size_t i = 0; i < len; i++) {
    if (!spend()) return -1;
    flash[address + i] &= data[i];
  }
  return 0;
}

static int flash_erase(void *ctx, uint32_t address, size_t len) {
  (void)ctx;
  uint32_t start = address / UNIT * UNIT, end = (address + (uint32_t)len + UNIT - 1) / UNIT * UNIT;
  if (end > sizeof flash) return -1;
  for (uint32_t i = start; i < end; i++) {
    if (!spend()) return -1;
    flash[i] = 0xff;
  }
  return 0;
}

static opaygo_store_t fresh_store(void) {
  opaygo_store_t s = {flash_read, flash_write, flash_erase, NULL, {0, UNIT}, 0, 0, 0};
  return s;
}

/* ---- the device ------------------------------------------------------------------------ */

static int boot(uint32_t count) {
  if (opaygo_init(memory, sizeof memory) != OPAYGO_OK || opaygo_set_key_hex(KEY) != OPAYGO_OK) return -1;
  return opaygo_device_init(STARTING_CODE, count, 0, 86400);
}

/* Reboots blank and loads: the save number it ends on (0: blank), or -1 on an error. */
static long reboot_and_load(void) {
  power_on();
  if (boot(0) != OPAYGO_OK) return -1;
  opaygo_store_t s = fresh_store();
  int rc = opaygo_store_load(&s);
  if (rc != OPAYGO_OK && rc != OPAYGO_ERR_STORE_EMPTY) return -1;
  uint32_t count = opaygo_device_count();
  if ((rc == OPAYGO_ERR_STORE_EMPTY) != (count == 0)) return -1;
  return count == 0 ? 0 : (long)(count - BASE);
}

/* Blank flash, then saves 1..n through one store, each one a reboot later (load, save). */
static int saves(unsigned n) {
  memset(flash, 0xff, sizeof flash);
  power_on();
  for (unsigned k = 1; k <= n; k++) {
    opaygo_store_t s = fresh_store();
    if (boot(BASE + k) != OPAYGO_OK) return 0;
    int rc = opaygo_store_load(&s); /* (the store learns its slots; the state is then re-made) */
    if (rc != OPAYGO_OK && rc != OPAYGO_ERR_STORE_EMPTY) return 0;
    if (boot(BASE + k) != OPAYGO_OK || opaygo_store_save(&s) != OPAYGO_OK) return 0;
  }
  return 1;
}

static void check(int ok, const char *what, long a, long b) {
  if (ok) {
    passed++;
  } else {
    failed++;
    printf("FAIL %s (%ld, %ld)\n", what, a, b);
  }
}

/* Save n + 1 over n completed saves, cut after each byte operation it makes. */
static void cut_every_byte(unsigned n) {
  /* The save uncut: its byte operations, and the flash it leaves. */
  uint8_t complete[sizeof flash];
  unsigned total;
  opaygo_store_t s;
  if (!saves(n)) {
    check(0, "setup", n, 0);
    return;
  }
  s = fresh_store();
  boot(BASE + n + 1);
  opaygo_store_load(&s);
  boot(BASE + n + 1);
  ops = 0;
  opaygo_store_save(&s);
  total = ops;
  memcpy(complete, flash, sizeof flash);
  for (unsigned cut = 0; cut <= total; cut++) {
    if (!saves(n)) {
      check(0, "setup", n, cut);
      return;
    }
    s = fresh_store();
    boot(BASE + n + 1);
    opaygo_store_load(&s);
    boot(BASE + n + 1);
    budget = cut;
    int rc = opaygo_store_save(&s);
    /* Cut short, the flash may still hold the whole new slot (the bytes left were 0xFF). */
    int whole = memcmp(flash, complete, sizeof flash) == 0;
    long got = reboot_and_load();
    char what[80];
    snprintf(what, sizeof what, "save %u cut after %u of %u byte operations", n + 1, cut, total);
    check(got == (whole ? (long)n + 1 : (long)n) && (rc == OPAYGO_OK) == (cut == total), what, got, rc);
  }
}

/* n saves, then each bit of both slots flipped in turn: the load ends on the newest slot that
 * is intact. */
static void flip_every_bit(unsigned n) {
  if (!saves(n)) {
    check(0, "setup", n, 0);
    return;
  }
  uint8_t good[sizeof flash];
  memcpy(good, flash, sizeof flash);
  unsigned newest = (n - 1) % 2; /* save k is in slot (k - 1) % 2 */
  for (unsigned slot = 0; slot < 2; slot++) {
    for (unsigned bit = 0; bit < SLOT * 8; bit++) {
      memcpy(flash, good, sizeof flash);
      flash[slot * UNIT + bit / 8] ^= (uint8_t)(1u << (bit % 8));
      long want = slot != newest ? (long)n : n >= 2 ? (long)n - 1 : 0;
      long got = reboot_and_load();
      char what[64];
      snprintf(what, sizeof what, "%u saves, slot %u bit %u flipped", n, slot, bit);
      check(got == want, what, got, want);
    }
  }
}

/* After a load that fell back to the older slot, saves go to the corrupt slot, never over the one
 * loaded: cut there, the load still ends on the state loaded. */
static void save_after_fallback(void) {
  if (!saves(3)) {
    check(0, "setup", 3, 0);
    return;
  }
  flash[0 * UNIT + SLOT / 2] ^= 0x10; /* save 3 (slot 0) corrupt: loads save 2 */
  for (unsigned cut = 0; cut < 2 * SLOT; cut += 7) {
    uint8_t before[sizeof flash];
    memcpy(before, flash, sizeof flash);
    opaygo_store_t s = fresh_store();
    boot(0);
    int rc = opaygo_store_load(&s);
    check(rc == OPAYGO_OK && opaygo_device_count() == BASE + 2, "fallback load", rc, (long)opaygo_device_count());
    boot(BASE + 9);
    budget = cut;
    opaygo_store_save(&s);
    long got = reboot_and_load();
    check(got == 2 || got == 9, "save after a fallback, cut", got, cut);
    memcpy(flash, before, sizeof flash);
  }
}

/* A slot that passes its CRC but holds another device's blob (another key), newer: skipped. */
static void forged_slot(void) {
  if (!saves(2)) {
    check(0, "setup", 2, 0);
    return;
  }
  uint8_t genuine[sizeof flash];
  memcpy(genuine, flash, sizeof flash);
  /* The same store written by a device with another key, at higher sequence numbers. */
  memset(flash, 0xff, sizeof flash);
  opaygo_store_t s = fresh_store();
  opaygo_init(memory, sizeof memory);
  opaygo_set_key_hex("b29ab82edc5fbbc41ec9530f6dac86b1");
  opaygo_device_init(STARTING_CODE, BASE + 50, 0, 86400);
  opaygo_store_load(&s);
  s.seq = 1000;
  opaygo_store_save(&s);
  memcpy(flash + UNIT, genuine + UNIT, UNIT); /* slot 1: the genuine save 2; slot 0: the forged */
  long got = reboot_and_load();
  check(got == 2, "newer slot of another key skipped", got, 2);
}

/* The slot format, byte for byte (tests/device.test.ts checks the TypeScript store writes the same). */
static void slot_format(void) {
  static const char want[] =
      "4f507301010000004f50010001000000000000000000000000000000e85ff810d94b1ba79d093740000000004b993f74";
  memset(flash, 0xff, sizeof flash);
  power_on();
  opaygo_store_t s = fresh_store();
  boot(1);
  opaygo_store_load(&s);
  int rc = opaygo_store_save(&s);
  char hex[2 * SLOT + 1];
  for (unsigned i = 0; i < SLOT; i++) snprintf(hex + 2 * i, 3, "%02x", flash[i]);
  check(rc == OPAYGO_OK && strcmp(hex, want) == 0, hex, rc, 0);
}

/* Misuse is refused; an unchanged state writes nothing. */
static void refusals(void) {
  memset(flash, 0xff, sizeof flash);
  power_on();
  opaygo_store_t s = fresh_store();
  boot(BASE + 1);
  check(opaygo_store_save(&s) == OPAYGO_ERR_STORE_NOT_LOADED, "save before load", 0, 0);
  check(opaygo_store_load(NULL) == OPAYGO_ERR_ARGUMENT, "NULL store", 0, 0);
  opaygo_store_t no_write = fresh_store();
  no_write.write = NULL;
  check(opaygo_store_load(&no_write) == OPAYGO_ERR_ARGUMENT, "no write function", 0, 0);
  check(opaygo_store_load(&s) == OPAYGO_ERR_STORE_EMPTY, "blank flash", 0, 0);
  check(opaygo_store_save(&s) == OPAYGO_OK, "first save", 0, 0);
  ops = 0;
  check(opaygo_store_save(&s) == OPAYGO_OK && ops == 0, "an unchanged state is not written again", (long)ops, 0);
  opaygo_device_enter_token(1700000000u, "123456789", 9); /* invalid: the waiting period changes the state */
  ops = 0;
  check(opaygo_store_save(&s) == OPAYGO_OK && ops > 0, "a changed state is written", (long)ops, 0);
  budget = 0;
  opaygo_device_enter_token(1800000000u, "123456789", 9);
  check(opaygo_store_save(&s) == OPAYGO_ERR_STORE_IO, "flash gone", 0, 0);
  check(opaygo_store_load(&s) == OPAYGO_ERR_STORE_IO, "flash gone at load", 0, 0);
  power_on();
  opaygo_init(memory, sizeof memory);
  check(opaygo_store_load(&s) == OPAYGO_ERR_STORE_EMPTY, "load before device init: nothing verifies", 0, 0);
}

int main(void) {
  printf("opaygo state store\n");
  slot_format();
  refusals();
  for (unsigned n = 0; n <= 3; n++) cut_every_byte(n);
  for (unsigned n = 1; n <= 3; n++) flip_every_bit(n);
  save_after_fallback();
  forged_slot();
  printf("%u passed, %u failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
