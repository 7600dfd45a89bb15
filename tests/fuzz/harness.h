/* harness.h: shared by the libFuzzer targets in tests/fuzz/. Each target drives one wasm2c
 * module directly (the Z_* functions of build/c/opaygo_*_wasm.h) over its own memory block,
 * with the runtime shim bindings/c/wasm-rt-mcu.c (explicit bounds checks). The module is written
 * never to trap on any input, so a trap here aborts: libFuzzer records it as a crash.
 * Build with -DFUZZ_FULL=1 for opaygo.wasm, 0 for opaygo-device.wasm.
 * The differential (tests/fuzz/differential.py) builds the same targets with -DFUZZ_DIFF=1 over
 * the exports of scripts/gen_wasm_module.py: on an interpreter backend (-DFUZZ_INTERP=1,
 * bindings/c/opaygo_interp.h) or on the wasm2c module (its --wasm2c wrappers); every export's
 * result goes into a hash (fz_trace), which tests/fuzz/replay_main.c prints per input with a
 * hash of the linear memory. */
#ifndef OPAYGO_FUZZ_HARNESS_H
#define OPAYGO_FUZZ_HARNESS_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opaygo_abi.h" /* the result and error codes (OPAYGO_*) */

#if FUZZ_DIFF
/* FNV-1a over every export's name and result, in call order. */
static uint64_t fz_trace_hash;
static inline void fz_trace(const char *name, const void *result, size_t size) {
  for (const char *c = name; *c; c++) fz_trace_hash = (fz_trace_hash ^ (uint8_t)*c) * 0x100000001b3ull;
  for (size_t i = 0; i < size; i++) fz_trace_hash = (fz_trace_hash ^ ((const uint8_t *)result)[i]) * 0x100000001b3ull;
}
#define OPAYGO_EXPORT_TRACE(name, result, size) fz_trace(name, result, size)
#if FUZZ_INTERP
#include "opaygo_interp.h"
#elif FUZZ_FULL
#include "wasm-rt-mcu.h"
#include "opaygo_full_wasm.h"
#else
#include "wasm-rt-mcu.h"
#include "opaygo_device_wasm.h"
#endif
#include "opaygo_exports.h"
typedef opaygo_instance_t fz_instance_t;
#define FZ(name) opaygo_wasm_##name
#if FUZZ_FULL
#define FZ_INIT_MODULE Z_opaygo_init_module
#define FZ_INSTANTIATE Z_opaygo_instantiate
#else
#define FZ_INIT_MODULE Z_opaygo_device_init_module
#define FZ_INSTANTIATE Z_opaygo_device_instantiate
#endif
#elif FUZZ_FULL
#include "wasm-rt-mcu.h"
#include "opaygo_full_wasm.h"
typedef Z_opaygo_instance_t fz_instance_t;
#define FZ(name) Z_opaygoZ_##name
#define FZ_INIT_MODULE Z_opaygo_init_module
#define FZ_INSTANTIATE Z_opaygo_instantiate
#else
#include "wasm-rt-mcu.h"
#include "opaygo_device_wasm.h"
typedef Z_opaygo_device_instance_t fz_instance_t;
#define FZ(name) Z_opaygo_deviceZ_##name
#define FZ_INIT_MODULE Z_opaygo_device_init_module
#define FZ_INSTANTIATE Z_opaygo_device_instantiate
#endif

static fz_instance_t fz_inst;
#if FUZZ_DIFF
/* The differential: every backend in the module's first page, where the interpreters keep it. */
#define FZ_BLOCK_BYTES 65536u
#else
/* The full build's server side grows its memory within the block: 1 MiB lets it. */
#define FZ_BLOCK_BYTES (FUZZ_FULL ? 1u << 20 : 65536u)
#endif
static uint8_t fz_block[FZ_BLOCK_BYTES];
static uint8_t *fz_mem = fz_block; /* the linear memory: the block, or the interpreter's */
static uint32_t fz_mem_size;
#define CALL(name, ...) FZ(name)(&fz_inst, ##__VA_ARGS__)

/* Aborts with a message: what a failed invariant inside a target does. */
#define FZ_ASSERT(cond, ...)                                            \
  do {                                                                  \
    if (!(cond)) {                                                      \
      fprintf(stderr, "fuzz invariant failed: %s (%s:%d): ", #cond, __FILE__, __LINE__); \
      fprintf(stderr, __VA_ARGS__);                                     \
      fputc('\n', stderr);                                              \
      abort();                                                          \
    }                                                                   \
  } while (0)

void opaygo_trap_handler(int trap_code) {
  fprintf(stderr, "opaygo module trapped: code %d (the module must never trap)\n", trap_code);
  abort();
}

/* Fresh instance over exactly the bytes the module needs (memory_used(): the device build gets
 * its real footprint, so any access past its static buffers traps), or the whole block (the full
 * build: its first page, which the server side grows into the rest). */
static inline void fz_instantiate(int full_page) {
#if FUZZ_INTERP
  fz_mem_size = full_page ? 65536u : CALL(memory_used);
  if (fz_mem_size == 0 || fz_mem_size > 65536u || opaygo_interp_instantiate(fz_mem_size, &fz_mem) != 0) abort();
#else
  static int module_ready;
  if (!module_ready) {
    wasm_rt_init();
    FZ_INIT_MODULE();
    module_ready = 1;
  }
  fz_mem_size = full_page ? FZ_BLOCK_BYTES : CALL(memory_used);
  if (fz_mem_size == 0 || fz_mem_size > FZ_BLOCK_BYTES) abort();
  wasm_rt_mcu_provide_memory(fz_mem, fz_mem_size);
  FZ_INSTANTIATE(&fz_inst);
#endif
}

static inline void fz_put(uint32_t addr, const void *src, size_t len) {
  if (addr > fz_mem_size || len > fz_mem_size - addr) abort();
  memcpy(fz_mem + addr, src, len);
}
static inline const uint8_t *fz_at(uint32_t addr, size_t len) {
  if (addr > fz_mem_size || len > fz_mem_size - addr) abort();
  return fz_mem + addr;
}

/* Little input reader: missing bytes read as zero. */
typedef struct {
  const uint8_t *p;
  size_t n;
} fz_in_t;
static inline uint32_t fz_u8(fz_in_t *in) {
  if (in->n == 0) return 0;
  in->n--;
  return *in->p++;
}
static inline uint32_t fz_u16(fz_in_t *in) { uint32_t a = fz_u8(in); return a | fz_u8(in) << 8; }
static inline uint32_t fz_u32(fz_in_t *in) { uint32_t a = fz_u16(in); return a | fz_u16(in) << 16; }
static inline uint64_t fz_u64(fz_in_t *in) { uint64_t a = fz_u32(in); return a | (uint64_t)fz_u32(in) << 32; }
/* A length as the host might pass it: mostly small, sometimes negative, zero or huge. */
static inline uint32_t fz_len(fz_in_t *in) {
  uint32_t b = fz_u8(in);
  switch (b) {
    case 0xff: return 0xffffffffu;      /* -1 */
    case 0xfe: return 0x80000000u;      /* INT32_MIN */
    case 0xfd: return 0x7fffffffu;      /* INT32_MAX */
    case 0xfc: return fz_u32(in);       /* anything */
    case 0xfb: return 65536u;
    default: return b;
  }
}
#endif
