# opaygo-wasm's C library @VERSION@ for a plain Makefile. Include it, then build $(OPAYGO_SOURCES)
# with $(OPAYGO_CFLAGS) like your own sources (and your code that includes opaygo.h with
# $(OPAYGO_CFLAGS) too):
#   OPAYGO_PROFILE := device        # or another profile (README.md)
#   include path/to/opaygo-c-@VERSION@/opaygo.mk
#   firmware.elf: main.o $(OPAYGO_SOURCES:.c=.o)
#   %.o: %.c ; $(CC) $(CFLAGS) $(OPAYGO_CFLAGS) -c $< -o $@
OPAYGO_DIR := $(patsubst %/,%,$(dir $(lastword $(MAKEFILE_LIST))))
OPAYGO_PROFILE ?= device
@MAKE_DEFINES@
OPAYGO_SOURCES := $(OPAYGO_DIR)/opaygo-$(OPAYGO_PROFILE).c
OPAYGO_CFLAGS := -I$(OPAYGO_DIR) $(OPAYGO_DEFINES_$(OPAYGO_PROFILE))
