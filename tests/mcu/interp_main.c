/* The C harness (tests/c/suite.c, unchanged) on the .wasm interpreted on a Cortex-M or RISC-V MCU under QEMU:
 * the API of bindings/c/opaygo.c over an interpreter backend (bindings/c/opaygo_interp.h).
 * The QEMU command line's -append selects what runs:
 *   (nothing)  the suite; ends with "N passed, M failed"
 *   measure    the suite, then the RAM figures (the backend's: heap stages and peak, wasm stack;
 *              the C stack high-water by painting) as "figure NAME BYTES"
 * Built with -DSUITE_WASM2C=1 (RISC-V) it runs the suite over the wasm2c library instead: no
 * interpreter, no heap.
 *   heap=N     the interpreter's heap cut to N bytes, then a fresh instance twice and one token
 *              decoded: prints "heap N: runs" or "heap N: load refused: ..."
 *              (tests/mcu/heap_refusal.py judges the runs; a fresh instance allocates nothing
 *              that stays and a call nothing at all, so a heap that runs this runs every call) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opaygo.h"
#if !SUITE_WASM2C
#include "opaygo_interp.h"
#endif
#include "semihost.h"
#include "suite.h"
#include "test_vectors.h"

void suite_abort(void) { exit(2); }

static void print_figure(const char *name, uint32_t value) { printf("figure %s %lu\n", name, (unsigned long)value); }

int main(void) {
  stack_paint();
  stdio_init();
  static char line[128];
  const char *args = semihost_args(line, sizeof line);
  int rc;
#if !SUITE_WASM2C
  if (strncmp(args, "heap=", 5) == 0) {
    uint32_t budget = (uint32_t)strtoul(args + 5, NULL, 10);
    uint32_t cut = budget < opaygo_interp_heap_size() ? opaygo_interp_heap_size() - budget : 0;
    if (opaygo_interp_heap_reserve(cut) != OPAYGO_OK) {
      printf("heap %lu: cannot reserve %lu bytes\n", (unsigned long)budget, (unsigned long)cut);
      exit(3);
    }
    static uint8_t block[OPAYGO_MEMORY_BYTES];
    opaygo_decoded_t d;
    rc = opaygo_init_unchecked(block, sizeof block);
    if (rc == OPAYGO_OK) rc = opaygo_init_unchecked(block, sizeof block);
    if (rc != OPAYGO_OK) {
      printf("heap %lu: load refused: %s (interpreter: %s)\n", (unsigned long)budget, opaygo_strerror(rc),
             opaygo_interp_last_error());
      exit(0);
    }
    opaygo_set_key_hex(token_vectors[0].key);
    int type = opaygo_token_decode(token_vectors[0].token, strlen(token_vectors[0].token), token_vectors[0].starting_code,
                                   token_vectors[0].count, 0, 0, &d);
    printf("heap %lu: %s\n", (unsigned long)budget, type == token_vectors[0].decoded_type ? "runs" : "decode differs");
    exit(type == token_vectors[0].decoded_type ? 0 : 1);
  }
#endif
  rc = suite_run(0);
  if (strcmp(args, "measure") == 0) {
#if !SUITE_WASM2C
    opaygo_interp_figures(print_figure);
#endif
    print_figure("stack_high_water", stack_high_water());
  }
  fflush(stdout);
  exit(rc);
}
