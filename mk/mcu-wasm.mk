# The .wasm as microcontroller firmware: the modules interpreted by wasm3 on a Cortex-M.
#   make mcu-wasm        wasm3 0.5.0 (fetched at build time from the pinned pywasm3 sdist, patched by
#                        scripts/patches/wasm3-parse-oom.patch), built per module for Cortex-M0+, M3 and M4; the QEMU images
#                        build/mcu/cortex-m3/test-{token,device,seed,full}.elf (tests/c/suite.c over the C
#                        API of bindings/c/opaygo.c on wasm3: bindings/c/opaygo_wasm3.c, the .wasm a const
#                        array in flash, scripts/gen_wasm_module.py) and
#                        build/mcu/<cpu>/decode-{token,device,seed}.elf (one decode: flash figures,
#                        instructions per chain step)
#   make test-mcu-wasm3  (suite) the four images on qemu-system-arm -M mps2-an385 (in "measure" mode,
#                        kept as build/mcu/cortex-m3/test-*.measure), then the heap refusal of each
#                        (tests/mcu/heap_refusal.py, kept as test-*.heap): wasm3's heap cut to budgets
#                        below what the module needs must be refused cleanly; the opcode refusal
#                        (wasm3 built for another module)
#   make mcu-size        the flash / RAM / instructions table of every backend (mk/wasm-riscv.mk)
MCU_DIR := build/mcu
WASM3_VERSION := 0.5.0
WASM3_SHA256 := 5a47c8a39f7f6ae71b3316b2e5d86c9d0db6e771a65f09a86e4d4aa3a19aefcc
WASM3_SRC := $(MCU_DIR)/src/pywasm3-$(WASM3_VERSION)/wasm3
WASM3_SOURCES := m3_bind m3_code m3_compile m3_core m3_emit m3_env m3_exec m3_function m3_info m3_module m3_parse
MCU_CPUS := cortex-m0plus cortex-m3 cortex-m4
# wasm3 for a microcontroller: a small per-function stack (128 slots: the token decoder does not
# compile with 64), no error texts built up at run time, heap blocks aligned to 8 bytes (the
# largest alignment a Cortex-M access needs; wasm3's default 16 wastes 8 bytes a block on
# average); floats only for the full build: the token and device modules have no float
# instruction (about 23 KB less flash). The fixed heap (d_m3FixedHeap, a bump allocator) is per
# module: see MCU_HEAP_*.
WASM3_DEFS := -Dd_m3MaxFunctionStackHeight=128 -Dd_m3VerboseErrorMessages=0 -Dd_m3FixedHeapAlign=8
# Code pages (d_m3CodePageAlignSize), the smallest heap that runs measured on the Cortex-M3
# (make mcu-size): 1 KiB pages leave less unused at page ends than 512 bytes for the Metrics
# modules (seed 2.5 KB less heap, full 6.5 KB less), and waste more than that for the token
# module, whose compiled code is smaller (224 bytes more); 2 KiB pages save the seed 1 KB more
# and cost the token 4 KB.
WASM3_PAGE_token := 512
WASM3_PAGE_device := 1024
WASM3_PAGE_seed := 1024
WASM3_PAGE_lean := 1024
WASM3_PAGE_full := 1024
WASM3_FLOAT_token := 0
WASM3_FLOAT_device := 0
WASM3_FLOAT_seed := 0
WASM3_FLOAT_lean := 0
WASM3_FLOAT_full := 1
# wasm3's value stack per module (on its heap): the deepest any input takes it plus about 25%,
# rounded up to 512 bytes. The deepest is the suite's nesting check (tests/c/suite.c: values
# nested to MAX_DEPTH, where the JSON and CBOR readers recurse once per level); make mcu-size
# prints it as wasm_stack_used. A stack too small traps (OPAYGO_INTERP_TRAP_STACK).
MCU_STACK_token := 1536
MCU_STACK_device := 7168
MCU_STACK_seed := 6144
MCU_STACK_lean := 5120
MCU_STACK_full := 23552
# wasm3's heap per module: its high-water mark, every function of the module compiled (the
# backend compiles them all at load) and the value stack allocated (make mcu-size: heap_peak_bytes),
# plus about 10%, rounded up to 1 KiB. A smaller heap makes opaygo_init refuse
# (OPAYGO_ERR_MEMORY_SIZE); no call can run out of heap.
MCU_HEAP_token := 20480
MCU_HEAP_device := 120832
MCU_HEAP_seed := 108544
MCU_HEAP_lean := 80896
MCU_HEAP_full := 280576
MCU_CFLAGS := -Os -ffunction-sections -fdata-sections -mthumb $(C_STD)
MCU_LDFLAGS := -Wl,--gc-sections -T tests/c/arm/cortex-m.ld -nostartfiles

.PHONY: mcu-wasm test-mcu-wasm3
mcu-wasm: $(foreach m,$(VARIANTS),$(MCU_DIR)/cortex-m3/test-$(m).elf) \
          $(foreach cpu,$(MCU_CPUS),$(foreach m,$(FIRMWARE_VARIANTS),$(MCU_DIR)/$(cpu)/decode-$(m).elf))

# The sources, never committed: the sdist's wasm3/ directory, checked against its hash, patched.
$(WASM3_SRC)/.patched: scripts/patches/wasm3-parse-oom.patch
	rm -rf $(MCU_DIR)/src && mkdir -p $(MCU_DIR)/src
	python3 -m pip download --quiet --no-binary :all: --no-deps pywasm3==$(WASM3_VERSION) -d $(MCU_DIR)/src
	echo "$(WASM3_SHA256)  $(MCU_DIR)/src/pywasm3-$(WASM3_VERSION).tar.gz" | sha256sum -c --quiet
	tar xzf $(MCU_DIR)/src/pywasm3-$(WASM3_VERSION).tar.gz -C $(MCU_DIR)/src
	patch --quiet -d $(MCU_DIR)/src/pywasm3-$(WASM3_VERSION) -p0 < scripts/patches/wasm3-parse-oom.patch
	touch $@

# The module as a const array and one C function per export (any interpreter backend).
$(foreach m,$(VARIANTS),$(eval $(MCU_DIR)/gen/$(m)/opaygo_module.c: $(call variant_wasm,$(m))))
$(MCU_DIR)/gen/%/opaygo_module.c: scripts/gen_wasm_module.py
	python3 scripts/gen_wasm_module.py $(filter %.wasm,$^) $(@D)
$(MCU_DIR)/gen/%/opaygo_exports.h: $(MCU_DIR)/gen/%/opaygo_module.c
	@test -f $@

# wasm3 for the module it ships with: its opcode table keeps only the opcodes the module uses, so
# the interpreter's code for the others is left out of the firmware (scripts/wasm3_opcodes.py;
# a module using an opcode left out is refused at load, never mid-call).
$(MCU_DIR)/gen/%/m3_compile.c: $(MCU_DIR)/gen/%/opaygo_module.c scripts/wasm3_opcodes.py $(WASM3_SRC)/.patched
	python3 scripts/wasm3_opcodes.py $(call variant_wasm,$*) $(WASM3_SRC)/m3_compile.c $@

# $(1): CPU, $(2): module. wasm3 (its float setting, heap and opcodes are the module's), the module
# array, the API over wasm3, as one library.
define MCU_LIB_RULES
MCU_OBJ_$(1)_$(2) := $(foreach s,$(WASM3_SOURCES),$(MCU_DIR)/$(1)/$(2)/$(s).o) $(MCU_DIR)/$(1)/$(2)/module.o \
                     $(MCU_DIR)/$(1)/$(2)/opaygo.o $(MCU_DIR)/$(1)/$(2)/opaygo_wasm3.o
MCU_FLAGS_$(1)_$(2) := -mcpu=$(1) $(MCU_CFLAGS) $(WASM3_DEFS) -Dd_m3HasFloat=$(WASM3_FLOAT_$(2)) -Dd_m3CodePageAlignSize=$(WASM3_PAGE_$(2)) \
                       -Dd_m3FixedHeap=$(MCU_HEAP_$(2)) -DOPAYGO_WASM_STACK_BYTES=$(MCU_STACK_$(2)) -I$(WASM3_SRC) -I$(MCU_DIR)/gen/$(2) -Ibindings/c -Itests/mcu \
                       $(call variant_cdefs,$(2)) -DOPAYGO_INTERP=1
$(MCU_DIR)/$(1)/$(2)/m3_compile.o: $(MCU_DIR)/gen/$(2)/m3_compile.c mk/mcu-wasm.mk
	@mkdir -p $$(@D)
	$(ARM_CC) $$(MCU_FLAGS_$(1)_$(2)) -w -c $$< -o $$@
$(MCU_DIR)/$(1)/$(2)/m3_%.o: $(WASM3_SRC)/.patched mk/mcu-wasm.mk
	@mkdir -p $$(@D)
	$(ARM_CC) $$(MCU_FLAGS_$(1)_$(2)) -w -c $(WASM3_SRC)/m3_$$*.c -o $$@
$(MCU_DIR)/$(1)/$(2)/module.o: $(MCU_DIR)/gen/$(2)/opaygo_module.c bindings/c/opaygo_interp.h
	@mkdir -p $$(@D)
	$(ARM_CC) $$(MCU_FLAGS_$(1)_$(2)) -Wall -Wextra -Werror -c $$< -o $$@
$(MCU_DIR)/$(1)/$(2)/opaygo.o: $(C_BINDING_SOURCES) $(MCU_DIR)/gen/$(2)/opaygo_exports.h bindings/c/opaygo_interp.h
	@mkdir -p $$(@D)
	$(ARM_CC) $$(MCU_FLAGS_$(1)_$(2)) -Wall -Wextra -Werror -c bindings/c/opaygo.c -o $$@
$(MCU_DIR)/$(1)/$(2)/opaygo_wasm3.o: bindings/c/opaygo_wasm3.c bindings/c/opaygo_interp.h bindings/c/opaygo.h bindings/c/opaygo_abi.h \
                                      $(MCU_DIR)/gen/$(2)/opaygo_exports.h $(WASM3_SRC)/.patched mk/mcu-wasm.mk
	@mkdir -p $$(@D)
	$(ARM_CC) $$(MCU_FLAGS_$(1)_$(2)) -Wall -Wextra -Werror -c $$< -o $$@
$(MCU_DIR)/$(1)/libopaygo-wasm3-$(2).a: $$(MCU_OBJ_$(1)_$(2))
	rm -f $$@ && $(ARM_AR) rcs $$@ $$^
# One decode (instructions per chain step, flash of a minimal firmware).
$(MCU_DIR)/$(1)/decode-$(2).elf: tests/mcu/chain_steps.c tests/mcu/semihost.h tests/c/arm/startup.c tests/c/arm/cortex-m.ld $(MCU_DIR)/$(1)/libopaygo-wasm3-$(2).a
	$(ARM_CC) $$(MCU_FLAGS_$(1)_$(2)) -Wall -Werror --specs=nano.specs $(MCU_LDFLAGS) -Wl,-Map=$$@.map \
	  tests/c/arm/startup.c $$< $(MCU_DIR)/$(1)/libopaygo-wasm3-$(2).a -lc -lgcc -o $$@
endef
$(foreach cpu,$(MCU_CPUS),$(foreach m,$(FIRMWARE_VARIANTS),$(eval $(call MCU_LIB_RULES,$(cpu),$(m)))))
$(eval $(call MCU_LIB_RULES,cortex-m3,full))

# The same wasm3 sources, settings and API on x86-64 (gcc -O2), under the bench driver: make bench
# counts wasm3's instructions per chain step there with callgrind. Its heap and value stack are
# twice the MCU's (pointers are 8 bytes here).
W3X_DIR := build/wasm3-x86
# $(1): module (token, device)
define W3X_RULES
W3X_FLAGS_$(1) := -O2 $(C_STD) $(WASM3_DEFS) -Dd_m3HasFloat=$(WASM3_FLOAT_$(1)) -Dd_m3CodePageAlignSize=$(WASM3_PAGE_$(1)) -Dd_m3FixedHeap=$$$$(( 2 * $(MCU_HEAP_$(1)) )) \
                  -DOPAYGO_WASM_STACK_BYTES=$$$$(( 2 * $(MCU_STACK_$(1)) )) -I$(WASM3_SRC) -I$(MCU_DIR)/gen/$(1) -Ibindings/c \
                  $(call variant_cdefs,$(1)) -DOPAYGO_INTERP=1
W3X_OBJ_$(1) := $(foreach s,$(WASM3_SOURCES),$(W3X_DIR)/$(1)/$(s).o)
$(W3X_DIR)/$(1)/m3_%.o: $(WASM3_SRC)/.patched mk/mcu-wasm.mk
	@mkdir -p $$(@D)
	gcc $$(W3X_FLAGS_$(1)) -w -c $(WASM3_SRC)/m3_$$*.c -o $$@
$(W3X_DIR)/bench-driver-$(1): tests/bench/bench_driver.c $(C_BINDING_SOURCES) bindings/c/opaygo_wasm3.c bindings/c/opaygo_interp.h \
                              $(MCU_DIR)/gen/$(1)/opaygo_module.c $(MCU_DIR)/gen/$(1)/opaygo_exports.h $$(W3X_OBJ_$(1))
	gcc $$(W3X_FLAGS_$(1)) -Wall -Wextra -Werror tests/bench/bench_driver.c bindings/c/opaygo.c bindings/c/opaygo_wasm3.c \
	  $(MCU_DIR)/gen/$(1)/opaygo_module.c $$(W3X_OBJ_$(1)) -lm -o $$@
endef
$(foreach m,token device,$(eval $(call W3X_RULES,$(m))))
.PHONY: wasm3-x86
wasm3-x86: $(W3X_DIR)/bench-driver-token $(W3X_DIR)/bench-driver-device

# The C harness on wasm3: tests/c/suite.c unchanged, the profile's vectors compiled in (mk/c.mk).
MCU_TEST_SOURCES := tests/c/suite.c tests/mcu/interp_main.c tests/c/arm/startup.c
define MCU_TEST_RULE
$(MCU_DIR)/cortex-m3/test-$(1).elf: $(MCU_TEST_SOURCES) $(call variant_vectors,$(1)) $(C_TEST_HEADERS) tests/mcu/semihost.h tests/c/arm/cortex-m.ld $(MCU_DIR)/cortex-m3/libopaygo-wasm3-$(1).a
	$(ARM_CC) $$(MCU_FLAGS_cortex-m3_$(1)) -Itests/c --specs=nano.specs --specs=rdimon.specs $(MCU_LDFLAGS) -Wl,-Map=$$@.map \
	  $(MCU_TEST_SOURCES) $(call variant_vectors,$(1)) $(MCU_DIR)/cortex-m3/libopaygo-wasm3-$(1).a -lc -lm -lrdimon -lgcc -o $$@
endef
$(foreach m,$(VARIANTS),$(eval $(call MCU_TEST_RULE,$(m))))

# wasm3 built for the token module's opcodes, given the seed module: the load must be refused
# cleanly (OPAYGO_ERR_MODULE), never run or crash. The seed image's objects, the token's table.
MCU_MISMATCH_OBJ := $(filter-out %/m3_compile.o,$(MCU_OBJ_cortex-m3_seed)) $(MCU_DIR)/cortex-m3/mismatch/m3_compile.o
$(MCU_DIR)/cortex-m3/mismatch/m3_compile.o: $(MCU_DIR)/gen/token/m3_compile.c
	@mkdir -p $(@D)
	$(ARM_CC) $(MCU_FLAGS_cortex-m3_seed) -w -c $< -o $@
$(MCU_DIR)/cortex-m3/mismatch.elf: $(MCU_TEST_SOURCES) $(call variant_vectors,seed) $(C_TEST_HEADERS) tests/mcu/semihost.h tests/c/arm/cortex-m.ld $(MCU_MISMATCH_OBJ)
	$(ARM_CC) $(MCU_FLAGS_cortex-m3_seed) -Itests/c --specs=nano.specs --specs=rdimon.specs $(MCU_LDFLAGS) \
	  $(MCU_TEST_SOURCES) $(call variant_vectors,seed) $(MCU_MISMATCH_OBJ) -lc -lm -lrdimon -lgcc -o $@

# The heap refusal: wasm3's heap cut to these budgets (bytes), each image: every run must end
# cleanly, "runs" from the smallest heap that runs (found by bisection) and "load refused" below
# it, never a crash. The budgets fall in wasm3's environment and runtime, the module's parse and
# its compilation (make mcu-size prints where each stage ends).
MCU_HEAP_BUDGETS := 16 512 1024 2048 3072 4096 5120 6144 8192 10240 12288 16384 65536 98304 196608
MCU_QEMU := qemu-system-arm -M mps2-an385 -cpu cortex-m3 -nographic -monitor none -serial none \
            -semihosting-config enable=on,target=native
TEST_SUITES += test-mcu-wasm3
test-mcu-wasm3: mcu-wasm $(MCU_DIR)/cortex-m3/mismatch.elf $(MCU_DIR)/cortex-m3/decode-token-wasm2c.elf \
                $(MCU_DIR)/cortex-m3/decode-device-wasm2c.elf
	@mkdir -p build/test-results
	@status=0; : > build/test-results/test-mcu-wasm3.log; \
	for t in $(VARIANTS); do \
	  timeout 300 $(MCU_QEMU) -kernel $(MCU_DIR)/cortex-m3/test-$$t.elf -append measure > $(MCU_DIR)/cortex-m3/test-$$t.measure || status=1; \
	  cat $(MCU_DIR)/cortex-m3/test-$$t.measure | tee -a build/test-results/test-mcu-wasm3.log; \
	done; \
	for p in $(foreach m,$(VARIANTS),$(m):$(MCU_HEAP_$(m))); do \
	  python3 tests/mcu/heap_refusal.py $(MCU_DIR)/cortex-m3/test-$${p%%:*}.elf $${p#*:} $(MCU_HEAP_BUDGETS) -- $(MCU_QEMU) \
	    > $(MCU_DIR)/cortex-m3/test-$${p%%:*}.heap || status=1; \
	  cat $(MCU_DIR)/cortex-m3/test-$${p%%:*}.heap | tee -a build/test-results/test-mcu-wasm3.log; \
	done; \
	out=$$(timeout 300 $(MCU_QEMU) -kernel $(MCU_DIR)/cortex-m3/mismatch.elf -append heap=$(MCU_HEAP_seed)); rc=$$?; echo "$$out"; \
	if [ $$rc = 0 ] && echo "$$out" | grep -q ": load refused: OPAYGO_ERR_MODULE "; then r="1 passed, 0 failed"; else r="0 passed, 1 failed"; fi; \
	{ echo "opcode refusal: wasm3 built for the token module, given the seed module"; echo "$$r"; } | tee -a build/test-results/test-mcu-wasm3.log; \
	python3 tests/tools/count_results.py test-mcu-wasm3 build/test-results/test-mcu-wasm3.log $(words $(VARIANTS) $(VARIANTS) mismatch) || status=1; exit $$status

# Instructions per chain step, wasm3 and wasm2c on the same Cortex-M3 (the wasm2c image: the same
# program over build/arm/cortex-m3/libopaygo-<module>.a).
$(MCU_DIR)/cortex-m3/decode-%-wasm2c.elf: tests/mcu/chain_steps.c tests/mcu/semihost.h tests/c/arm/startup.c tests/c/arm/cortex-m.ld $(ARM_DIR)/cortex-m3/libopaygo-%.a
	@mkdir -p $(@D)
	$(ARM_CC) -mcpu=cortex-m3 $(ARM_CFLAGS) $(call variant_cdefs,$*) -Itests/mcu -Wall -Werror --specs=nano.specs \
	  $(MCU_LDFLAGS) -Wl,-Map=$@.map tests/c/arm/startup.c $< $(ARM_DIR)/cortex-m3/libopaygo-$*.a -lc -lgcc -o $@

