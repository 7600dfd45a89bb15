# RISC-V, the other MCU architecture of connected PAYGO devices (ESP32-C3 class: rv32imc), on
# qemu-system-riscv32 -M virt with picolibc (Debian: gcc-riscv64-unknown-elf,
# picolibc-riscv64-unknown-elf, qemu-system-misc).
#   make riscv       the wasm2c C library per module (build/riscv/libopaygo-{token,device,seed,full}.a),
#                    wasm3, WAMR and toywasm (mk/wamr-toywasm.mk) per module (token, device), their test
#                    and one-decode images
#   make test-riscv  (suite) the C harness over the four wasm2c libraries (every vector), then over each
#                    interpreter with the token and the device module ("measure" mode: the figures
#                    make mcu-size reads; token vectors above count 1000 a fixed sample, as on the
#                    Cortex-M3); two at a time
# picolibc has no rv32imc multilib: gcc links its rv32im build (no compressed instructions in libc),
# our code is rv32imc.
RV_DIR := build/riscv
RV_LDFLAGS := --oslib=semihost --crt0=semihost -Wl,--gc-sections \
              -Wl,--defsym=__flash=0x80000000 -Wl,--defsym=__flash_size=0x400000 -Wl,--defsym=__ram=0x80400000 \
              -Wl,--defsym=__ram_size=0x400000 -Wl,--defsym=__stack_size=0x10000
RV_QEMU := qemu-system-riscv32 -M virt -nographic -monitor none -serial none -bios none -semihosting-config enable=on,target=native
RV_MODULES := token device

# ---- the wasm2c C library: one object, opaygo.c with the translated module and the runtime shim inside ----
# $(1): module
define RV_W2C_RULES
$(RV_DIR)/w2c/api-opaygo_$(1).o: $(C_BINDING_SOURCES) $(call variant_w2c_source,$(1))
	@mkdir -p $$(@D)
	$(RV_CC) $(RV_CFLAGS) -I$(call variant_c_dir,$(1)) $(W2C_DEFS) $(C_INC) -Wall -Wextra -Werror $(call variant_cdefs,$(1)) -c bindings/c/opaygo.c -o $$@
$(RV_DIR)/libopaygo-$(1).a: $(RV_DIR)/w2c/api-opaygo_$(1).o
	rm -f $$@ && $(RV_AR) rcs $$@ $$^
$(RV_DIR)/test-c-$(1).elf: $(MCU_TEST_SOURCES) $(call variant_vectors,$(1)) $(C_TEST_HEADERS) tests/mcu/semihost.h \
        $(RV_DIR)/libopaygo-$(1).a
	$(RV_CC) $(RV_CFLAGS) $(call variant_cdefs,$(1)) $(C_INC) -Itests/c -Itests/mcu -DSUITE_WASM2C=1 $(RV_LDFLAGS) \
	  $$(filter-out tests/c/arm/startup.c,$$(filter %.c,$$^)) $(RV_DIR)/libopaygo-$(1).a -o $$@
endef
$(foreach m,$(VARIANTS),$(eval $(call RV_W2C_RULES,$(m))))
$(RV_DIR)/decode-wasm2c-%.elf: tests/mcu/chain_steps.c tests/mcu/semihost.h $(RV_DIR)/libopaygo-%.a
	$(RV_CC) $(RV_CFLAGS) $(call variant_cdefs,$*) $(C_INC) -Itests/mcu -Wall -Werror $(RV_LDFLAGS) -Wl,-Map=$@.map $< $(RV_DIR)/libopaygo-$*.a -o $@

# ---- wasm3 for rv32: the settings, heap and opcodes of mk/mcu-wasm.mk, per module ----
# $(1): module
define RV_WASM3_RULES
RV_W3_FLAGS_$(1) := $(RV_CFLAGS) $(WASM3_DEFS) -Dd_m3HasFloat=$(WASM3_FLOAT_$(1)) -Dd_m3CodePageAlignSize=$(WASM3_PAGE_$(1)) \
                    -Dd_m3FixedHeap=$(MCU_HEAP_$(1)) -DOPAYGO_WASM_STACK_BYTES=$(MCU_STACK_$(1)) -I$(WASM3_SRC) -I$(MCU_DIR)/gen/$(1) \
                    -Ibindings/c $(call variant_cdefs,$(1)) -DOPAYGO_INTERP=1
RV_W3_OBJ_$(1) := $(foreach s,$(WASM3_SOURCES),$(RV_DIR)/wasm3-$(1)/$(s).o) $(addprefix $(RV_DIR)/wasm3-$(1)/,module.o opaygo.o glue.o)
$(RV_DIR)/wasm3-$(1)/m3_compile.o: $(MCU_DIR)/gen/$(1)/m3_compile.c mk/mcu-wasm.mk
	@mkdir -p $$(@D)
	$(RV_CC) $$(RV_W3_FLAGS_$(1)) -w -c $$< -o $$@
$(RV_DIR)/wasm3-$(1)/m3_%.o: $(WASM3_SRC)/.patched mk/mcu-wasm.mk
	@mkdir -p $$(@D)
	$(RV_CC) $$(RV_W3_FLAGS_$(1)) -w -c $(WASM3_SRC)/m3_$$*.c -o $$@
$(RV_DIR)/wasm3-$(1)/module.o: $(MCU_DIR)/gen/$(1)/opaygo_module.c bindings/c/opaygo_interp.h
	@mkdir -p $$(@D)
	$(RV_CC) $$(RV_W3_FLAGS_$(1)) -Wall -Wextra -Werror -c $$< -o $$@
$(RV_DIR)/wasm3-$(1)/opaygo.o: $(C_BINDING_SOURCES) bindings/c/opaygo_interp.h $(MCU_DIR)/gen/$(1)/opaygo_exports.h
	@mkdir -p $$(@D)
	$(RV_CC) $$(RV_W3_FLAGS_$(1)) -Wall -Wextra -Werror -c bindings/c/opaygo.c -o $$@
$(RV_DIR)/wasm3-$(1)/glue.o: bindings/c/opaygo_wasm3.c bindings/c/opaygo_interp.h $(MCU_DIR)/gen/$(1)/opaygo_exports.h $(WASM3_SRC)/.patched mk/mcu-wasm.mk
	@mkdir -p $$(@D)
	$(RV_CC) $$(RV_W3_FLAGS_$(1)) -Wall -Wextra -Werror -c $$< -o $$@
$(INTERP_DIR)/rv32/libopaygo-wasm3-$(1).a: $$(RV_W3_OBJ_$(1))
	@mkdir -p $$(@D)
	rm -f $$@ && $(RV_AR) rcs $$@ $$^
IFLAGS_rv32_wasm3_$(1) := $$(RV_W3_FLAGS_$(1))
endef
$(foreach m,$(RV_MODULES),$(eval $(call RV_WASM3_RULES,$(m))))

# ---- the interpreter images (wasm3, WAMR, toywasm) ----
RV_BACKENDS := wasm3 $(INTERP_BACKENDS)
# $(1): backend, $(2): module
define RV_INTERP_IMAGES
$(RV_DIR)/test-$(1)-$(2).elf: $(MCU_TEST_SOURCES) $(call variant_vectors,$(2)) $(C_TEST_HEADERS) tests/mcu/semihost.h $(INTERP_DIR)/rv32/libopaygo-$(1)-$(2).a
	$(RV_CC) $$(IFLAGS_rv32_$(1)_$(2)) $(INTERP_SUITE_LIMIT) -Itests/c -Itests/mcu $(RV_LDFLAGS) -Wl,-Map=$$@.map \
	  $$(filter-out tests/c/arm/startup.c,$$(filter %.c,$$^)) $(INTERP_DIR)/rv32/libopaygo-$(1)-$(2).a -lm -o $$@
$(RV_DIR)/decode-$(1)-$(2).elf: tests/mcu/chain_steps.c tests/mcu/semihost.h $(INTERP_DIR)/rv32/libopaygo-$(1)-$(2).a
	$(RV_CC) $$(IFLAGS_rv32_$(1)_$(2)) -Itests/mcu -Wall -Werror $(RV_LDFLAGS) -Wl,-Map=$$@.map $$< $(INTERP_DIR)/rv32/libopaygo-$(1)-$(2).a -lm -o $$@
endef
$(foreach b,$(RV_BACKENDS),$(foreach m,$(RV_MODULES),$(eval $(call RV_INTERP_IMAGES,$(b),$(m)))))

.PHONY: riscv test-riscv
RV_TESTS := $(foreach m,$(VARIANTS),$(RV_DIR)/test-c-$(m).elf) \
            $(foreach b,$(RV_BACKENDS),$(foreach m,$(RV_MODULES),$(RV_DIR)/test-$(b)-$(m).elf))
riscv: $(RV_TESTS) $(foreach m,$(RV_MODULES),$(RV_DIR)/decode-wasm2c-$(m).elf $(foreach b,$(RV_BACKENDS),$(RV_DIR)/decode-$(b)-$(m).elf))

TEST_SUITES += test-riscv
test-riscv: riscv
	@mkdir -p build/test-results; : > build/test-results/test-riscv.log
	@status=0; python3 tests/mcu/run_parallel.py build/test-results/test-riscv.log \
	  $(foreach t,$(RV_TESTS),$(t:.elf=.measure) "timeout 600 $(RV_QEMU) -kernel $(t) -append measure") || status=1; \
	python3 tests/tools/count_results.py test-riscv build/test-results/test-riscv.log $(words $(RV_TESTS)) || status=1; exit $$status

# ---- the figures of every backend on both architectures (here: this file comes after every MCU build) ----
#   make mcu-size        prints the table and writes build/mcu/footprint.json and the tables of docs/mcu.md and
#                        README.md (tests/tools/mcu_size_report.py --docs:
#                        reads the suites' QEMU outputs where they are newer than the images, runs the rest)
#   make test-mcu-size   (suite) the same, then checks the file: every architecture x backend x module, each
#                        figure a positive number where it must be, the RAM the sum of its parts, the flash
#                        split summing to its total
.PHONY: mcu-size test-mcu-size
MCU_SIZE_IMAGES := mcu-wasm mcu-interp riscv $(foreach m,$(FIRMWARE_VARIANTS),$(MCU_DIR)/cortex-m3/decode-$(m)-wasm2c.elf)
mcu-size: $(MCU_SIZE_IMAGES)
	@python3 tests/tools/mcu_size_report.py --docs
TEST_SUITES += test-mcu-size
test-mcu-size: $(MCU_SIZE_IMAGES)
	@mkdir -p build/test-results
	@status=0; python3 tests/tools/mcu_size_report.py | tee build/test-results/test-mcu-size.log || status=1; \
	python3 tests/tools/check_footprint.py build/mcu/footprint.json | tee -a build/test-results/test-mcu-size.log || status=1; \
	python3 tests/tools/count_results.py test-mcu-size build/test-results/test-mcu-size.log 1 || status=1; exit $$status
