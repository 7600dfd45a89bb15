/* Semihosting helpers of the MCU test images (QEMU, -semihosting-config enable=on). */
#ifndef MCU_SEMIHOST_H
#define MCU_SEMIHOST_H
#include <string.h>

/* The command line QEMU passes (-kernel FILE -append ARGS gives "FILE ARGS"): the text after the
 * first space, "" when none. */
static inline const char *semihost_args(char *buf, int size) {
  struct {
    char *text;
    int size;
  } block = {buf, size - 1};
  register int op __asm__("r0") = 0x15; /* SYS_GET_CMDLINE */
  register void *arg __asm__("r1") = &block;
  __asm__ volatile("bkpt 0xab" : "+r"(op) : "r"(arg) : "memory");
  if (op != 0) return "";
  buf[block.size] = '\0';
  const char *space = strchr(buf, ' ');
  return space != NULL ? space + 1 : "";
}
#endif
