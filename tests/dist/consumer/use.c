/* The consumer projects' program: the official procedure's first tokens through whichever profile
 * it is linked with, and the memory contract of opaygo.h as that profile's callers see it. */
#include <stdio.h>
#include <string.h>

#include "opaygo.h"

static uint8_t memory[OPAYGO_MEMORY_BYTES];

void opaygo_trap_handler(int code) {
  printf("trap %d\n", code);
  for (;;) {
  }
}

int main(void) {
  static const char *const tokens[] = {"123456789", "380589011", "302249011", "302249011"};
  static const int want[] = {OPAYGO_INVALID, OPAYGO_SET_TIME, OPAYGO_ADD_TIME, OPAYGO_ALREADY_USED};
  int failed = 0;
  if (opaygo_init(memory, sizeof memory) != OPAYGO_OK || opaygo_set_key_hex("bc41ec9530f6dac86b1a29ab82edc5fb") != OPAYGO_OK ||
      opaygo_device_init(516959010, 1, OPAYGO_DEVICE_NO_WAITING_PERIOD, 86400) != OPAYGO_OK)
    failed++;
  /* The profile's callers reserve what it needs, and not far more. */
  if (opaygo_memory_required() > sizeof memory || sizeof memory - opaygo_memory_required() > 64) failed++;
  for (unsigned i = 0; i < 4; i++) {
    int r = opaygo_device_enter_token(1700000000u, tokens[i], strlen(tokens[i]));
    if (r != want[i]) {
      printf("%s: %s, want %s\n", tokens[i], opaygo_strerror(r), opaygo_strerror(want[i]));
      failed++;
    }
  }
  if (opaygo_device_seconds_left(1700000000u) != 2 * 86400u) failed++;
  printf("%s profile (%lu bytes of memory): %d passed, %d failed\n", OPAYGO_TOKEN_ONLY ? "token" : "device",
         (unsigned long)sizeof memory, failed ? 0 : 1, failed ? 1 : 0);
  return failed != 0;
}
