/* Semihosting helpers and the little else that differs between the MCU test images' CPUs (QEMU,
 * -semihosting-config enable=on): Cortex-M (mps2-an385, newlib with rdimon) and RISC-V (virt,
 * picolibc with its semihosting crt0). */
#ifndef MCU_SEMIHOST_H
#define MCU_SEMIHOST_H
#include <stdint.h>
#include <string.h>

#if defined(__riscv)
/* One semihosting call: operation in a0, its argument block in a1; the result in a0 (the
 * breakpoint between the two marker shifts, uncompressed). */
static inline int semihost_call(int op, void *arg) {
  register int a0 __asm__("a0") = op;
  register void *a1 __asm__("a1") = arg;
  __asm__ volatile(".option push\n.option norvc\nslli x0, x0, 0x1f\nebreak\nsrai x0, x0, 7\n.option pop"
                   : "+r"(a0) : "r"(a1) : "memory");
  return a0;
}
extern uint32_t __stack[]; /* the initial stack pointer (picolibc.ld) */
#define STACK_TOP ((uint32_t *)__stack)
static inline uint32_t *stack_pointer(void) {
  uint32_t *sp;
  __asm__ volatile("mv %0, sp" : "=r"(sp));
  return sp;
}
static inline void stdio_init(void) {} /* picolibc's semihosting stdio needs no set-up */
#else
/* One semihosting call: operation in r0, its argument block in r1; the result in r0. */
static inline int semihost_call(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
}
extern uint32_t _estack[]; /* the initial stack pointer (tests/c/arm/cortex-m.ld) */
#define STACK_TOP _estack
static inline uint32_t *stack_pointer(void) {
  uint32_t *sp;
  __asm__ volatile("mov %0, sp" : "=r"(sp));
  return sp;
}
extern void initialise_monitor_handles(void);
static inline void stdio_init(void) { initialise_monitor_handles(); } /* newlib's rdimon */
#endif

/* Stack high-water by painting: the STACK_PAINT bytes below the initial stack pointer are filled
 * with a pattern at start (stack_paint, first thing in main); the lowest word that changed is the
 * deepest the stack went. */
#define STACK_PAINT (48u * 1024u)
#define STACK_PATTERN 0xa5c3e1f7u
static inline __attribute__((always_inline)) void stack_paint(void) {
  for (uint32_t *p = STACK_TOP - STACK_PAINT / 4, *sp = stack_pointer(); p < sp - 16; p++) *p = STACK_PATTERN;
}
static inline uint32_t stack_high_water(void) {
  uint32_t *p = STACK_TOP - STACK_PAINT / 4;
  while (p < STACK_TOP && *p == STACK_PATTERN) p++;
  return (uint32_t)((uint8_t *)STACK_TOP - (uint8_t *)p);
}

/* The command line QEMU passes (-kernel FILE -append ARGS gives "FILE ARGS"): the text after the
 * first space, "" when none. */
static inline const char *semihost_args(char *buf, int size) {
  struct {
    char *text;
    int size;
  } block = {buf, size - 1};
  if (semihost_call(0x15, &block) != 0) return ""; /* SYS_GET_CMDLINE */
  buf[block.size] = '\0';
  const char *space = strchr(buf, ' ');
  return space != NULL ? space + 1 : "";
}

/* Output and exit straight through semihosting, without newlib's stdio: the decode images
 * (chain_steps.c) measure a firmware's flash, and a firmware has its own way to report. */
/* To the host's standard output (":tt" opened for writing; SYS_WRITE0 would go to QEMU's stderr). */
static inline void semihost_write(const char *text) {
  static int out = -1;
  if (out < 0) {
    struct { const char *name; int mode, length; } open = {":tt", 4, 3}; /* mode 4: "w" */
    out = semihost_call(0x01, &open);                                      /* SYS_OPEN */
  }
  struct { int handle; const char *data; int length; } write = {out, text, (int)strlen(text)};
  semihost_call(0x05, &write); /* SYS_WRITE */
}

/* "figure NAME VALUE\n", the line tests/tools/mcu_size_report.py reads. */
static inline void semihost_figure(const char *name, unsigned long value) {
  char digits[12];
  int n = sizeof digits - 1;
  digits[n] = '\0';
  do {
    digits[--n] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  semihost_write("figure ");
  semihost_write(name);
  semihost_write(" ");
  semihost_write(digits + n);
  semihost_write("\n");
}

static inline __attribute__((noreturn)) void semihost_exit(int code) {
  /* SYS_EXIT with ADP_Stopped_ApplicationExit and the code (the 32-bit form takes one word: QEMU
   * exits with 0 for ApplicationExit, 1 for anything else) */
  semihost_call(0x18, (void *)(code == 0 ? 0x20026 : 0x20024)); /* SYS_EXIT: ApplicationExit / RunTimeErrorUnknown */
  for (;;) {
  }
}
#endif
