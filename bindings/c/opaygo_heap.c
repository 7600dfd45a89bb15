/* The interpreters' heap (opaygo_heap.h). Blocks lie end to end from the arena's start up to top;
 * each starts with a header: its size (header included, a multiple of 8: the largest alignment
 * the interpreters' data needs, bit 0 set while in use) and the previous block's size, so that a
 * freed block merges with free neighbours on both sides in constant time. An allocation takes the
 * first free block that fits (split when the rest can hold a block), else extends top; freeing
 * the last block lowers top. The interpreters allocate a few hundred blocks when they load the
 * module, and a few per instance: first fit over them is fast enough and the peak (the highest
 * top) is the RAM to reserve. */
#include "opaygo_heap.h"

#include <string.h>

#include "opaygo.h"
#include "opaygo_interp.h"

#ifndef OPAYGO_HEAP_BYTES
#error "OPAYGO_HEAP_BYTES: the interpreter's heap, set per module in mk/wamr-toywasm.mk"
#endif

typedef struct {
  uint32_t size; /* bytes of the block, header included; bit 0: in use */
  uint32_t prev; /* bytes of the block before it, 0 for the first */
} header_t;

#define HEADER ((uint32_t)sizeof(header_t))
#define USED 1u
#define SMALLEST (HEADER + 8u) /* a split leaves at least this */

static uint8_t arena[OPAYGO_HEAP_BYTES] __attribute__((aligned(8)));
static uint32_t top, last = UINT32_MAX; /* end of the last block; its offset (none: UINT32_MAX) */
static uint32_t limit = OPAYGO_HEAP_BYTES, peak, in_use, refusals;

static header_t *at(uint32_t offset) { return (header_t *)(void *)(arena + offset); }
static uint32_t bytes(const header_t *h) { return h->size & ~USED; }
static uint32_t offset_of(const void *block) { return (uint32_t)((const uint8_t *)block - arena) - HEADER; }

/* The block after offset sets its prev to size (when there is one). */
static void link_next(uint32_t offset, uint32_t size) {
  if (offset + size < top) at(offset + size)->prev = size;
}

/* Keeps need bytes of a free block about to be used, the rest a free block of its own (its
 * neighbour after is in use: free blocks are always merged). */
static void split(uint32_t offset, uint32_t need) {
  header_t *h = at(offset);
  uint32_t rest = h->size - need;
  if (rest < SMALLEST) return;
  h->size = need;
  header_t *r = at(offset + need);
  r->size = rest;
  r->prev = need;
  link_next(offset + need, rest);
}

static uint32_t need_for(size_t size) {
  if (size > OPAYGO_HEAP_BYTES) return UINT32_MAX;
  return ((uint32_t)size + HEADER + 7u) & ~7u;
}

static void *refuse(void) {
  refusals++;
  return NULL;
}

void *opaygo_heap_alloc(size_t size) {
  uint32_t need = need_for(size);
  if (need == UINT32_MAX) return refuse();
  for (uint32_t offset = 0; offset < top; offset += bytes(at(offset))) {
    header_t *h = at(offset);
    if (!(h->size & USED) && h->size >= need) {
      split(offset, need);
      h->size |= USED;
      in_use += bytes(h);
      return h + 1;
    }
  }
  if (need > limit - top) return refuse();
  header_t *h = at(top);
  h->size = need | USED;
  h->prev = last == UINT32_MAX ? 0 : top - last;
  last = top;
  top += need;
  if (top > peak) peak = top;
  in_use += need;
  return h + 1;
}

void opaygo_heap_free(void *block) {
  if (block == NULL) return;
  uint32_t offset = offset_of(block);
  header_t *h = at(offset);
  h->size &= ~USED;
  in_use -= h->size;
  uint32_t next = offset + h->size;
  if (next < top && !(at(next)->size & USED)) { /* (a free block is never the last) */
    h->size += at(next)->size;
    link_next(offset, h->size);
  }
  if (offset > 0 && !(at(offset - h->prev)->size & USED)) {
    uint32_t before = offset - h->prev;
    if (last == offset) last = before;
    at(before)->size += h->size;
    offset = before;
    h = at(offset);
    link_next(offset, h->size);
  }
  if (offset + h->size == top) { /* the last block: give it back to the arena */
    top = offset;
    last = offset == 0 ? UINT32_MAX : offset - h->prev;
  }
}

void *opaygo_heap_realloc(void *block, size_t size) {
  if (block == NULL) return opaygo_heap_alloc(size);
  uint32_t need = need_for(size);
  if (need == UINT32_MAX) return refuse();
  uint32_t offset = offset_of(block);
  header_t *h = at(offset);
  uint32_t have = bytes(h);
  if (need <= have) { /* shrinks only the last block: a hole inside would stay a hole */
    if (offset + have == top) {
      top = offset + need;
      h->size = need | USED;
      in_use -= have - need;
    }
    return block;
  }
  if (offset + have == top && need - have <= limit - top) { /* the last block grows in place */
    top = offset + need;
    if (top > peak) peak = top;
    h->size = need | USED;
    in_use += need - have;
    return block;
  }
  uint32_t next = offset + have;
  if (next < top && !(at(next)->size & USED) && have + at(next)->size >= need) {
    in_use -= have;
    h->size = have + at(next)->size;
    link_next(offset, h->size);
    split(offset, need);
    h->size |= USED;
    in_use += bytes(h);
    return block;
  }
  void *moved = opaygo_heap_alloc(size);
  if (moved == NULL) return NULL;
  memcpy(moved, block, have - HEADER);
  opaygo_heap_free(block);
  return moved;
}

uint32_t opaygo_heap_size(void) { return limit; }
uint32_t opaygo_heap_peak(void) { return peak; }
uint32_t opaygo_heap_in_use(void) { return in_use; }
uint32_t opaygo_heap_refusals(void) { return refusals; }

int opaygo_heap_reserve(uint32_t reserve) {
  if (reserve > limit - top) return OPAYGO_ERR_MEMORY_SIZE;
  limit -= reserve;
  return OPAYGO_OK;
}

int opaygo_heap_failure(uint32_t refusals_before) {
  return refusals != refusals_before ? OPAYGO_ERR_MEMORY_SIZE : OPAYGO_ERR_MODULE;
}

void opaygo_heap_figures(void (*figure)(const char *name, uint32_t value)) {
  figure("heap_size", limit);
  figure("heap_now", in_use);
  figure("heap_peak", peak);
}

/* The backend interface's heap calls (opaygo_interp.h), the same for every backend on the arena. */
uint32_t opaygo_interp_heap_size(void) { return limit; }
uint32_t opaygo_interp_heap_peak(void) { return peak; }
int opaygo_interp_heap_reserve(uint32_t bytes) { return opaygo_heap_reserve(bytes); }
