/* Cortex-M (QEMU mps2-an385) entry of the C harness: output through semihosting. */
#include <stdio.h>
#include <stdlib.h>

#include "suite.h"

extern void initialise_monitor_handles(void);

void suite_abort(void) { exit(2); }

int main(void) {
  initialise_monitor_handles();
  int rc = suite_run(0);
  fflush(stdout);
  exit(rc);
}
