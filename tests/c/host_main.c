/* Host (x86-64) entry of the C harness. Usage:
 *   test-c-NAME [FOOTPRINT_FILE]   measures the footprint (bisection) and writes "required touched"
 *                                  to FOOTPRINT_FILE when given
 *   test-NAME --clamp-at FILE      (the interpreters) checks the clamp at the high-water mark FILE
 *                                  holds (the wasm2c build's footprint file) instead */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opaygo.h"
#include "suite.h"

void suite_abort(void) { exit(2); }

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "--clamp-at") == 0) {
    unsigned long required, touched;
    FILE *f = fopen(argv[2], "r");
    if (f == NULL || fscanf(f, "%lu %lu", &required, &touched) != 2) {
      fprintf(stderr, "%s: no footprint\n", argv[2]);
      return 2;
    }
    fclose(f);
    suite_check_clamp_at((uint32_t)touched);
    return suite_run(0);
  }
  int rc = suite_run(1);
  if (argc > 1) {
    FILE *f = fopen(argv[1], "w");
    if (f == NULL) return 2;
    fprintf(f, "%lu %lu\n", (unsigned long)opaygo_memory_required(), (unsigned long)suite_touched());
    fclose(f);
  }
  return rc;
}
