/* Semihosting helpers of the MCU test images (QEMU, -semihosting-config enable=on). */
#ifndef MCU_SEMIHOST_H
#define MCU_SEMIHOST_H
#include <string.h>

/* One semihosting call: operation in r0, its argument block in r1; the result in r0. */
static inline int semihost_call(int op, void *arg) {
  register int r0 __asm__("r0") = op;
  register void *r1 __asm__("r1") = arg;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  return r0;
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
