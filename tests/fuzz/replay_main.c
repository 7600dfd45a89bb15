/* The fuzz targets as plain programs for the differential across backends (tests/fuzz/
 * differential.py): each file named on the command line goes through LLVMFuzzerTestOneInput once;
 * then "NAME TRACE MEMORY" is printed, TRACE the hash of every export's name and result in call
 * order (harness.h, FUZZ_DIFF), MEMORY a hash of the linear memory. A failed invariant or a trap
 * aborts, as under libFuzzer. Built with -DFUZZ_DIFF=1 and the target's file first in the same
 * translation unit (-include tests/fuzz/fuzz_NAME.c): they share harness.h's state. */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t input[1 << 20];

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (f == NULL) {
      fprintf(stderr, "%s: cannot open\n", argv[i]);
      return 2;
    }
    size_t n = fread(input, 1, sizeof input, f);
    fclose(f);
    fz_trace_hash = 0xcbf29ce484222325ull;
    fz_mem_size = 0;
    LLVMFuzzerTestOneInput(input, n);
    uint64_t memory = 0xcbf29ce484222325ull;
    for (uint32_t k = 0; k < fz_mem_size; k++) memory = (memory ^ fz_mem[k]) * 0x100000001b3ull;
    const char *name = strrchr(argv[i], '/');
    printf("%s %016llx %016llx\n", name != NULL ? name + 1 : argv[i], (unsigned long long)fz_trace_hash,
           (unsigned long long)memory);
  }
  return 0;
}
