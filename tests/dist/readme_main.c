/* Runs the firmware quick start of README.md (the repository's and the archive's: its C block,
 * compiled as written, is linked with this): the platform functions it names, over RAM, and a
 * device's life: new, a token, a reboot that keeps the state, the same token again refused. */
#include <stdio.h>
#include <string.h>

#include "opaygo.h"

int paygo_boot(void);
int paygo_keypad(uint32_t now, const char *digits, size_t len);

static uint8_t flash[0x1000]; /* 0x0801f000..0x0801ffff */
static int outputs;
static unsigned passed, failed;

void reset_mcu(void) {
  printf("reset (a trap)\n");
  for (;;) {
  }
}
void outputs_on(int on) { outputs = on; }
int flash_read(void *ctx, uint32_t address, uint8_t *data, size_t len) {
  (void)ctx;
  if (address < 0x0801f000u || address - 0x0801f000u + len > sizeof flash) return -1;
  memcpy(data, flash + (address - 0x0801f000u), len);
  return 0;
}
int flash_write(void *ctx, uint32_t address, const uint8_t *data, size_t len) {
  (void)ctx;
  if (address < 0x0801f000u || address - 0x0801f000u + len > sizeof flash) return -1;
  for (size_t i = 0; i < len; i++) flash[address - 0x0801f000u + i] &= data[i];
  return 0;
}
int flash_erase(void *ctx, uint32_t address, size_t len) {
  (void)ctx;
  (void)len;
  if (address < 0x0801f000u || address >= 0x0801f000u + sizeof flash) return -1;
  memset(flash + ((address - 0x0801f000u) & ~0x7ffu), 0xff, 0x800); /* 2 KiB sectors */
  return 0;
}

static void check(int ok, const char *what) {
  if (ok) passed++;
  else failed++;
  printf("%s %s\n", ok ? "ok" : "FAIL", what);
}

int main(void) {
  memset(flash, 0xff, sizeof flash);
  check(paygo_boot() == OPAYGO_ERR_STORE_EMPTY, "a new device boots blank");
  check(paygo_keypad(1700000000u, "380589011", 9) == OPAYGO_SET_TIME && outputs, "a 1-day token turns the outputs on");
  check(paygo_boot() == OPAYGO_OK && opaygo_device_is_active(1700000000u), "a reboot keeps the credit");
  check(paygo_keypad(1700000100u, "380589011", 9) == OPAYGO_ALREADY_USED, "the same token again is refused");
  check(paygo_keypad(1700000000u + 86400u, "123456789", 9) == OPAYGO_INVALID && !outputs, "the day over, outputs off");
  printf("%u passed, %u failed\n", passed, failed);
  return failed != 0;
}
