/* The C harness shared by the host and the Cortex-M (QEMU) test programs. */
#ifndef SUITE_H
#define SUITE_H
#include <stdint.h>

/* Runs every check; prints "N passed, M failed"; returns 0 when all passed. */
int suite_run(int measure_footprint);
/* Before suite_run(0): check the clamp at this known high-water mark instead of measuring it. */
void suite_check_clamp_at(uint32_t touched);
/* Bytes of linear memory the workload touched (set when the footprint was measured). */
uint32_t suite_touched(void);
/* Provided by the platform: stop now (a trap outside a check). */
void suite_abort(void);
#endif
