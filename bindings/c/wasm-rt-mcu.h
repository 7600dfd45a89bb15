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

/* Loads and stores at a 32-bit address with no offset added, for the call sites that
 * scripts/wasm2c-mcu.py rewrites (wasm2c's own helpers take every address as a u64). The bounds
 * check is the same: an access reaching past the memory the caller gave traps. */
#if UINTPTR_MAX > 0xffffffffu
#define WASM_RT_MCU_IN_BOUNDS(mem, addr, n) ((uint64_t)(addr) + (n) <= (mem)->size)
#else /* 32-bit arithmetic only */
#define WASM_RT_MCU_IN_BOUNDS(mem, addr, n) ((addr) <= (mem)->size && (mem)->size - (addr) >= (n))
#endif
#define WASM_RT_MCU_LOAD(name, stored, widened, result_type)                             \
  static inline result_type name##_a32(wasm_rt_memory_t *mem, uint32_t addr) {             \
    if (UNLIKELY(!WASM_RT_MCU_IN_BOUNDS(mem, addr, sizeof(stored)))) wasm_rt_trap(WASM_RT_TRAP_OOB); \
    stored v;                                                                            \
    wasm_rt_memcpy(&v, &mem->data[addr], sizeof(stored));                                \
    return (result_type)(widened)v;                                                      \
  }
#define WASM_RT_MCU_STORE(name, stored, value_type)                                         \
  static inline void name##_a32(wasm_rt_memory_t *mem, uint32_t addr, value_type value) {   \
    if (UNLIKELY(!WASM_RT_MCU_IN_BOUNDS(mem, addr, sizeof(stored)))) wasm_rt_trap(WASM_RT_TRAP_OOB); \
    stored v = (stored)value;                                                             \
    wasm_rt_memcpy(&mem->data[addr], &v, sizeof(stored));                                 \
  }
WASM_RT_MCU_LOAD(i32_load, uint32_t, uint32_t, uint32_t)
WASM_RT_MCU_LOAD(i64_load, uint64_t, uint64_t, uint64_t)
WASM_RT_MCU_LOAD(f32_load, float, float, float)
WASM_RT_MCU_LOAD(f64_load, double, double, double)
WASM_RT_MCU_LOAD(i32_load8_s, int8_t, int32_t, uint32_t)
WASM_RT_MCU_LOAD(i64_load8_s, int8_t, int64_t, uint64_t)
WASM_RT_MCU_LOAD(i32_load8_u, uint8_t, uint32_t, uint32_t)
WASM_RT_MCU_LOAD(i64_load8_u, uint8_t, uint64_t, uint64_t)
WASM_RT_MCU_LOAD(i32_load16_s, int16_t, int32_t, uint32_t)
WASM_RT_MCU_LOAD(i64_load16_s, int16_t, int64_t, uint64_t)
WASM_RT_MCU_LOAD(i32_load16_u, uint16_t, uint32_t, uint32_t)
WASM_RT_MCU_LOAD(i64_load16_u, uint16_t, uint64_t, uint64_t)
WASM_RT_MCU_LOAD(i64_load32_s, int32_t, int64_t, uint64_t)
WASM_RT_MCU_LOAD(i64_load32_u, uint32_t, uint64_t, uint64_t)
WASM_RT_MCU_STORE(i32_store, uint32_t, uint32_t)
WASM_RT_MCU_STORE(i64_store, uint64_t, uint64_t)
WASM_RT_MCU_STORE(f32_store, float, float)
WASM_RT_MCU_STORE(f64_store, double, double)
WASM_RT_MCU_STORE(i32_store8, uint8_t, uint32_t)
WASM_RT_MCU_STORE(i32_store16, uint16_t, uint32_t)
WASM_RT_MCU_STORE(i64_store8, uint8_t, uint64_t)
WASM_RT_MCU_STORE(i64_store16, uint16_t, uint64_t)
WASM_RT_MCU_STORE(i64_store32, uint32_t, uint64_t)

#endif
