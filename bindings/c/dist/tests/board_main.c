/* The C harness on a board (examples/keypad/startup.c: semihosting, exit when main returns): the
 * vectors and the official procedure through suite.c, without the host's footprint search. */
#include <stdlib.h>

#include "suite.h"

void suite_abort(void) { exit(2); }

int main(void) { return suite_run(0); }
