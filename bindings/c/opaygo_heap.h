/* opaygo_heap.h: the heap of the WAMR and toywasm backends: one static arena of OPAYGO_HEAP_BYTES
 * (set per module at build time), first fit, blocks merged when freed. Everything the interpreter
 * allocates lives in it (the module's structures, a RAM copy of the module where the interpreter
 * needs one, the instance, its stacks and its linear memory), so the firmware's RAM for the
 * interpreter is fixed at link time and an allocation that does not fit fails cleanly (NULL), never
 * takes the firmware's own heap. */
#ifndef OPAYGO_HEAP_H
#define OPAYGO_HEAP_H
#include <stddef.h>
#include <stdint.h>

void *opaygo_heap_alloc(size_t size);
void *opaygo_heap_realloc(void *block, size_t size);
void opaygo_heap_free(void *block);

/* The arena's size, the most of it ever spanned (the RAM the interpreter needed: blocks in use,
 * the holes between them and their headers), bytes in use now, allocations refused so far. */
uint32_t opaygo_heap_size(void);
uint32_t opaygo_heap_peak(void);
uint32_t opaygo_heap_in_use(void);
uint32_t opaygo_heap_refusals(void);
/* Takes bytes off the arena's end for good (the heap-budget tests: a smaller heap in the same
 * image); OPAYGO_ERR_MEMORY_SIZE when they are in use. */
int opaygo_heap_reserve(uint32_t bytes);
/* What a failed load or instantiation was: OPAYGO_ERR_MEMORY_SIZE when an allocation was refused
 * since refusals_before (opaygo_heap_refusals()), else OPAYGO_ERR_MODULE. */
int opaygo_heap_failure(uint32_t refusals_before);
/* The arena's figures (opaygo_interp_figures): heap_size, heap_now, heap_peak. */
void opaygo_heap_figures(void (*figure)(const char *name, uint32_t value));
#endif
