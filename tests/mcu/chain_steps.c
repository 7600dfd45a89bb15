/* Instructions per token chain step on a Cortex-M or RISC-V under QEMU -icount shift=0 (one
 * instruction, one nanosecond of virtual time): an invalid token decoded at last counts 1000 and
 * 10000, timed with SysTick on the core clock (Cortex-M) or the retired-instruction counter
 * (RISC-V), the slope over the 9000 extra chain steps. The ticks are turned into instructions by a
 * loop of known length (2 instructions per turn). Also the smallest firmware that decodes a token:
 * its flash is the cost of the decoder, its C stack (painted) what a decode needs (make mcu-size).
 * Built over wasm3 (build/mcu/<cpu>/decode-*.elf) and over the wasm2c library
 * (decode-*-wasm2c.elf): the same program, the same API. No stdio: it reports through bare
 * semihosting calls (semihost.h), so the image holds what a firmware needs and nothing else. */
#include <string.h>

#include "opaygo.h"
#include "semihost.h"

#define INVALID_TOKEN "123456789"
#define KEY "a29ab82edc5fbbc41ec9530f6dac86b1"

static uint8_t memory[OPAYGO_MEMORY_BYTES] __attribute__((aligned(8)));

void opaygo_trap_handler(int code) {
  semihost_figure("trap", (unsigned long)-code);
  semihost_exit(2);
}

/* wasm3 calls abort() on an internal error; newlib's would bring signals and malloc with it. */
void abort(void) {
  semihost_write("abort\n");
  semihost_exit(3);
}

#if !defined(__riscv)
/* No C library heap in this firmware: the interpreters allocate from their own arena
 * (bindings/c/opaygo_heap.c). WAMR formats its load errors with snprintf, which links newlib's
 * malloc; it never gets memory here. */
void *_sbrk(int increment) {
  (void)increment;
  return (void *)-1;
}
#endif

#if defined(__riscv)
static uint32_t counter_base;
static void counter_start(void) { __asm__ volatile("rdinstret %0" : "=r"(counter_base)); }
static uint32_t counter_elapsed(void) {
  uint32_t now;
  __asm__ volatile("rdinstret %0" : "=r"(now));
  return now - counter_base;
}
#define TWO_INSTRUCTION_LOOP "1: addi %0, %0, -1\n bnez %0, 1b" /* (a register constraint: "r") */
#define LOOP_REG "+r"
#else
#define SYST_CSR (*(volatile uint32_t *)0xe000e010u)
#define SYST_RVR (*(volatile uint32_t *)0xe000e014u)
#define SYST_CVR (*(volatile uint32_t *)0xe000e018u)
static void counter_start(void) {
  SYST_CSR = 0;
  SYST_RVR = 0xffffffu;
  SYST_CVR = 0;
  SYST_CSR = 5u; /* enabled, core clock, no interrupt */
}
static uint32_t counter_elapsed(void) { return 0xffffffu - SYST_CVR; } /* < 2^24 ticks */
#define TWO_INSTRUCTION_LOOP ".syntax unified\n1: subs %0, %0, #1\n bne 1b"
#define LOOP_REG "+l"
#endif

static uint32_t decode_ticks(uint32_t count, int *type) {
  opaygo_decoded_t d;
  counter_start();
  *type = opaygo_token_decode(INVALID_TOKEN, strlen(INVALID_TOKEN), 0, count, 0, 0, &d);
  return counter_elapsed();
}

int main(void) {
  stack_paint();
  if (opaygo_init(memory, sizeof memory) != OPAYGO_OK || opaygo_set_key_hex(KEY) != OPAYGO_OK) {
    semihost_write("init failed\n");
    semihost_exit(1);
  }
  int type;
  decode_ticks(1, &type);
  /* A loop of 2 instructions (subs, bne) per turn. */
  uint32_t turns = 1000000u;
  counter_start();
  __asm__ volatile(TWO_INSTRUCTION_LOOP : LOOP_REG(turns) : : "cc");
  uint32_t loop = counter_elapsed();
  int t1, t2;
  uint32_t a = decode_ticks(1000, &t1), b = decode_ticks(10000, &t2);
  if (t1 != OPAYGO_INVALID || t2 != OPAYGO_INVALID) {
    semihost_write("decode did not say INVALID\n");
    semihost_exit(1);
  }
  /* Raw ticks: tests/tools/mcu_size_report.py does the division. */
  semihost_figure("loop_instructions", 2000000);
  semihost_figure("loop_ticks", loop);
  semihost_figure("decode_1000_ticks", a);
  semihost_figure("decode_10000_ticks", b);
  semihost_figure("stack_high_water", stack_high_water());
  semihost_exit(0);
}
