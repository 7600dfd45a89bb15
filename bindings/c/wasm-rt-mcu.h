/* wasm-rt-mcu.h: the runtime shim (wasm-rt-mcu.c) that replaces wabt's wasm-rt-impl.c. */
#ifndef WASM_RT_MCU_H
#define WASM_RT_MCU_H
#include "wasm-rt.h"

/* The next wasm_rt_allocate_memory() (made by a module's instantiate) uses this block. */
void wasm_rt_mcu_provide_memory(uint8_t *data, uint32_t size);

#endif
