/* A keypad PAYGO device on a bare Cortex-M (QEMU's mps2-an385 here): tokens typed on its keypad
 * turn its outputs on for the credit they carry, and its state survives power cuts in the two-slot
 * store. Build it with the archive's CMake (README.md), run it with
 *   qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none \
 *     -semihosting-config enable=on,target=native -kernel keypad.elf -append "ARGS"
 * ARGS: flash=FILE (the flash's contents, kept on the host between runs: a run is a power cycle),
 * t=SECONDS (the clock at boot), then what is typed: token digits, or +SECONDS as time passes.
 * On a real device: your keypad, your RTC, and the three flash functions over your part's flash
 * driver; opaygo_trap_handler resets the MCU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opaygo.h"

/* Provisioned at the factory (this is the official test procedure's device). */
#define KEY_HEX "bc41ec9530f6dac86b1a29ab82edc5fb"
#define STARTING_CODE 516959010u
#define FIRST_COUNT 1u

/* ---- flash: two erase sectors of NOR flash (erase sets 0xFF, a write only clears bits) ------- */
#define SECTOR 1024u
static uint8_t flash[2 * SECTOR];
static const char *flash_file;

static void flash_persist(void) { /* the host file is this emulation's non-volatile memory */
  FILE *f = fopen(flash_file, "wb");
  if (f != NULL) {
    fwrite(flash, 1, sizeof flash, f);
    fclose(f);
  }
}

static int flash_read(void *ctx, uint32_t address, uint8_t *data, size_t len) {
  (void)ctx;
  if (address > sizeof flash || len > sizeof flash - address) return -1;
  memcpy(data, flash + address, len);
  return 0;
}

static int flash_write(void *ctx, uint32_t address, const uint8_t *data, size_t len) {
  (void)ctx;
  if (address > sizeof flash || len > sizeof flash - address) return -1;
  for (size_t i = 0; i < len; i++) flash[address + i] &= data[i];
  flash_persist();
  return 0;
}

static int flash_erase(void *ctx, uint32_t address, size_t len) {
  (void)ctx;
  uint32_t first = address / SECTOR, last = (uint32_t)(address + len - 1) / SECTOR;
  if (len == 0 || last >= sizeof flash / SECTOR) return -1;
  memset(flash + first * SECTOR, 0xff, (last - first + 1) * SECTOR);
  flash_persist();
  return 0;
}

static opaygo_store_t store = {flash_read, flash_write, flash_erase, NULL, {0, SECTOR}, 0, 0, 0};

/* ---- the codec ------------------------------------------------------------------------------ */
static uint8_t opaygo_memory[OPAYGO_MEMORY_BYTES];

void opaygo_trap_handler(int code) { /* never happens; a firmware resets here */
  printf("trap %d\n", code);
  exit(4);
}

/* The command line QEMU gives (-append), through semihosting's SYS_GET_CMDLINE. */
static char *command_line(void) {
  static char text[512];
  struct {
    char *text;
    int size;
  } block = {text, sizeof text - 1};
  register int r0 __asm__("r0") = 0x15;
  register void *r1 __asm__("r1") = &block;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  if (r0 != 0) return "";
  text[block.size] = '\0';
  char *args = strchr(text, ' '); /* after the program's name */
  return args != NULL ? args + 1 : "";
}

static void report(uint32_t now) {
  printf("  count %lu, ", (unsigned long)opaygo_device_count());
  if (opaygo_device_payg_disabled()) printf("PAYG disabled, ");
  else printf("credit %lu s, ", (unsigned long)opaygo_device_seconds_left(now));
  printf("outputs %s\n", opaygo_device_is_active(now) ? "on" : "off");
}

int main(void) {
  uint32_t now = 0;
  char *args = command_line();
  for (char *word = strtok(args, " "); word != NULL; word = strtok(NULL, " ")) {
    if (strncmp(word, "flash=", 6) == 0) {
      flash_file = word + 6;
      FILE *f = fopen(flash_file, "rb");
      if (f == NULL || fread(flash, 1, sizeof flash, f) != sizeof flash) memset(flash, 0xff, sizeof flash);
      if (f != NULL) fclose(f);
      /* Boot: the codec, the provisioned key and starting code, then the state kept in flash. */
      if (opaygo_init(opaygo_memory, sizeof opaygo_memory) != OPAYGO_OK || opaygo_set_key_hex(KEY_HEX) != OPAYGO_OK ||
          opaygo_device_init(STARTING_CODE, FIRST_COUNT, 0, 86400) != OPAYGO_OK)
        return 1;
      int rc = opaygo_store_load(&store);
      printf("boot: %s\n", rc == OPAYGO_OK ? "state loaded" : rc == OPAYGO_ERR_STORE_EMPTY ? "new device" : opaygo_strerror(rc));
    } else if (flash_file == NULL) {
      printf("flash=FILE first\n");
      return 1;
    } else if (strncmp(word, "t=", 2) == 0) {
      now = (uint32_t)strtoul(word + 2, NULL, 10);
      report(now);
    } else if (word[0] == '+') {
      now += (uint32_t)strtoul(word + 1, NULL, 10);
    } else {
      int result = opaygo_device_enter_token(now, word, strlen(word));
      /* Saved after every entry: a refused one can start a waiting period (a blocked one writes
       * nothing, the state being the same). */
      int saved = opaygo_store_save(&store);
      printf("%s: %s%s\n", word, opaygo_strerror(result), saved == OPAYGO_OK ? "" : ", not saved (flash error)");
      report(now);
    }
  }
  return 0;
}
