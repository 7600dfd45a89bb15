/* Host (x86-64) entry of the C harness. Usage: test-c-NAME [FOOTPRINT_FILE]
 * Measures the footprint and writes "required touched" to FOOTPRINT_FILE when given. */
#include <stdio.h>
#include <stdlib.h>

#include "opaygo.h"
#include "suite.h"

void suite_abort(void) { exit(2); }

int main(int argc, char **argv) {
  int rc = suite_run(1);
  if (argc > 1) {
    FILE *f = fopen(argv[1], "w");
    if (f == NULL) return 2;
    fprintf(f, "%lu %lu\n", (unsigned long)opaygo_memory_required(), (unsigned long)suite_touched());
    fclose(f);
  }
  return rc;
}
