/* platform_internal.h: the bare-metal platform of WAMR's classic interpreter for the opaygo backend
 * (bindings/c/opaygo_wamr.c implements its functions). WAMR includes this header by name from the
 * platform directory on the include path. One thread, no OS: the types WAMR's platform headers
 * name exist, and nothing behind them. */
#ifndef _PLATFORM_INTERNAL_H
#define _PLATFORM_INTERNAL_H

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef BH_PLATFORM_OPAYGO_BARE_METAL
#define BH_PLATFORM_OPAYGO_BARE_METAL
#endif

#define BH_APPLET_PRESERVED_STACK_SIZE (2 * BH_KB)
#define BH_THREAD_DEFAULT_PRIORITY 0

typedef int korp_tid;
typedef int korp_mutex;
typedef int korp_sem;
typedef int korp_cond;
typedef int korp_thread;
typedef int korp_rwlock;

typedef int os_file_handle;
typedef void *os_dir_stream;
typedef int os_raw_file_handle;
typedef int os_poll_file_handle;
typedef unsigned int os_nfds_t;
typedef int os_timespec;

static inline os_file_handle os_get_invalid_handle(void) { return -1; }

/* Linear memory is not rounded up to pages (wasm_allocate_linear_memory aligns its size to this):
 * a memory cut below its 64 KiB page holds exactly the bytes asked for. */
static inline int os_getpagesize(void) { return 1; }

#endif
