/* wasm-rt-mcu.h: the runtime shim (wasm-rt-mcu.c) that replaces wabt's wasm-rt-impl.c. */
#ifndef WASM_RT_MCU_H
#define WASM_RT_MCU_H
#include "wasm-rt.h"

/* The next wasm_rt_allocate_memory() (made by a module's instantiate) uses this block. */
void wasm_rt_mcu_provide_memory(uint8_t *data, uint32_t size);

/* The generated code is compiled with -include wasm-rt-mcu.h. Its loads and stores copy through
 * wasm_rt_memcpy (any address may be unaligned); on a core without unaligned access (Cortex-M0,
 * M0+) GCC makes each a call to libc's memcpy, about 140 bytes of newlib-nano for copies of at
 * most 8 bytes. A byte loop does the same in a few instructions. */
#if defined(__arm__) && !defined(__ARM_FEATURE_UNALIGNED)
static inline void wasm_rt_mcu_copy(void *dest, const void *src, size_t n) {
  uint8_t *d = (uint8_t *)dest;
  const uint8_t *s = (const uint8_t *)src;
  while (n-- > 0) *d++ = *s++;
}
#undef wasm_rt_memcpy
#define wasm_rt_memcpy(dest, src, n) \
  ((n) == 1 ? (void)(*(uint8_t *)(dest) = *(const uint8_t *)(src)) : wasm_rt_mcu_copy(dest, src, n))
#endif

#endif
