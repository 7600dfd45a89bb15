# Cortex-M builds of the device library (arm-none-eabi-gcc) and the QEMU test.
#   make cortex-m   build/arm/{cortex-m0plus,cortex-m4}/libopaygo-{token,device,seed}.a,
#                   build/arm/{cortex-m0plus,cortex-m4}/{token-decode,device-all,baseline}.elf
#                   (token-decode links the token library: its text is the cost of decoding alone;
#                   device-all links every function of the device library)
#   make qemu-test  (suite test-qemu) the C harness on a Cortex-M3 (qemu-system-arm -M mps2-an385)
#                   over all four libraries, metrics vectors included (about 1.65 MB of the 4 MB
#                   flash, 100 KB of RAM)
ARM_CC := arm-none-eabi-gcc
ARM_AR := arm-none-eabi-ar
ARM_DIR := build/arm
ARM_CFLAGS := -Os -ffunction-sections -fdata-sections -fno-tree-loop-distribute-patterns -mthumb $(C_STD) $(W2C_DEFS) $(C_INC)
ARM_LDFLAGS := -Wl,--gc-sections -T tests/c/arm/cortex-m.ld
ARM_CPUS := cortex-m0plus cortex-m3 cortex-m4

.PHONY: cortex-m qemu-test test-qemu
cortex-m: $(foreach cpu,cortex-m0plus cortex-m4,$(ARM_DIR)/$(cpu)/libopaygo-token.a $(ARM_DIR)/$(cpu)/libopaygo-device.a \
            $(ARM_DIR)/$(cpu)/libopaygo-seed.a) \
          $(foreach cpu,cortex-m0plus cortex-m4,$(ARM_DIR)/$(cpu)/token-decode.elf $(ARM_DIR)/$(cpu)/device-all.elf \
            $(ARM_DIR)/$(cpu)/baseline.elf)

# $(1): CPU, $(2): module (token, device, seed or full). One object: the API with the generated
# module and the runtime shim in it. (The seed's module is build/c/seed/opaygo_device_wasm.c: mk/c.mk.)
W2C_SOURCE_seed := $(C_DIR)/seed/opaygo_device_wasm.c
define ARM_LIB_RULES
$(ARM_DIR)/$(1)/api-opaygo_$(2).o: $(C_BINDING_SOURCES) $(or $(W2C_SOURCE_$(2)),$(C_DIR)/opaygo_$(2)_wasm.c)
	@mkdir -p $$(@D)
	$(ARM_CC) -mcpu=$(1) $(ARM_API_INC_$(2)) $(ARM_CFLAGS) -Wall -Wextra -Werror $(ARM_API_DEFS_$(2)) -c bindings/c/opaygo.c -o $$@
$(ARM_DIR)/$(1)/libopaygo-$(2).a: $(ARM_DIR)/$(1)/api-opaygo_$(2).o
	rm -f $$@ && $(ARM_AR) rcs $$@ $$^
endef
ARM_API_DEFS_token := -DOPAYGO_TOKEN_ONLY=1
ARM_API_DEFS_device := -DOPAYGO_FULL=0
ARM_API_DEFS_seed := -DOPAYGO_FULL=0
ARM_API_INC_seed := -I$(C_DIR)/seed
ARM_API_DEFS_full := -DOPAYGO_FULL=1

define ARM_CPU_RULES
$(call ARM_LIB_RULES,$(1),token)
$(call ARM_LIB_RULES,$(1),device)
$(call ARM_LIB_RULES,$(1),seed)
# Bare-metal images: our start-up, newlib-nano only for memcpy (wasm2c's unaligned loads and
# stores on cores without unaligned access), libgcc for 64-bit division. Both link the token
# library (baseline.elf takes nothing from it).
$(ARM_DIR)/$(1)/%.elf: tests/c/arm/%.c tests/c/arm/startup.c tests/c/arm/cortex-m.ld $(ARM_DIR)/$(1)/libopaygo-token.a
	$(ARM_CC) -mcpu=$(1) $(ARM_CFLAGS) -DOPAYGO_TOKEN_ONLY=1 -Wall -Werror --specs=nano.specs -nostartfiles $(ARM_LDFLAGS) \
	  tests/c/arm/startup.c $$< $(ARM_DIR)/$(1)/libopaygo-token.a -lc -lgcc -o $$@
# device-all.elf links every function of the device library (what it costs a firmware, libgcc
# and newlib-nano included).
$(ARM_DIR)/$(1)/device-all.elf: tests/c/arm/device-all.c tests/c/arm/startup.c tests/c/arm/cortex-m.ld $(ARM_DIR)/$(1)/libopaygo-device.a
	$(ARM_CC) -mcpu=$(1) $(ARM_CFLAGS) -DOPAYGO_FULL=0 -Wall -Werror --specs=nano.specs -nostartfiles $(ARM_LDFLAGS) \
	  tests/c/arm/startup.c $$< $(ARM_DIR)/$(1)/libopaygo-device.a -lc -lgcc -o $$@
endef
$(foreach cpu,$(ARM_CPUS),$(eval $(call ARM_CPU_RULES,$(cpu))))

# The harness for QEMU: each build's API (token and device libraries, the full module), newlib with
# semihosting (rdimon) for printf and exit; vectors compiled in.
QEMU_DIR := $(ARM_DIR)/qemu
QEMU_CPU := cortex-m3
$(eval $(call ARM_LIB_RULES,$(QEMU_CPU),full))
QEMU_FLAGS := -mcpu=$(QEMU_CPU) $(ARM_CFLAGS) -Itests/c --specs=rdimon.specs -nostartfiles $(ARM_LDFLAGS)
QEMU_TEST_SOURCES := tests/c/suite.c tests/c/arm/qemu_main.c tests/c/arm/startup.c $(C_DIR)/test_vectors.c

$(QEMU_DIR)/test-token.elf: $(QEMU_TEST_SOURCES) $(C_TEST_HEADERS) tests/c/arm/cortex-m.ld $(ARM_DIR)/$(QEMU_CPU)/libopaygo-token.a
	@mkdir -p $(@D)
	$(ARM_CC) $(QEMU_FLAGS) -DOPAYGO_TOKEN_ONLY=1 $(QEMU_TEST_SOURCES) $(ARM_DIR)/$(QEMU_CPU)/libopaygo-token.a -lc -lrdimon -lgcc -o $@
$(QEMU_DIR)/test-device.elf: $(QEMU_TEST_SOURCES) $(C_TEST_HEADERS) tests/c/arm/cortex-m.ld $(ARM_DIR)/$(QEMU_CPU)/libopaygo-device.a
	@mkdir -p $(@D)
	$(ARM_CC) $(QEMU_FLAGS) -DOPAYGO_FULL=0 $(QEMU_TEST_SOURCES) $(ARM_DIR)/$(QEMU_CPU)/libopaygo-device.a -lc -lrdimon -lgcc -o $@
$(QEMU_DIR)/test-seed.elf: $(filter-out $(C_DIR)/test_vectors.c,$(QEMU_TEST_SOURCES)) $(C_DIR)/seed/test_vectors.c $(C_TEST_HEADERS) tests/c/arm/cortex-m.ld $(ARM_DIR)/$(QEMU_CPU)/libopaygo-seed.a
	@mkdir -p $(@D)
	$(ARM_CC) $(QEMU_FLAGS) -DOPAYGO_FULL=0 $(filter %.c,$^) $(ARM_DIR)/$(QEMU_CPU)/libopaygo-seed.a -lc -lrdimon -lgcc -o $@
$(QEMU_DIR)/test-full.elf: $(QEMU_TEST_SOURCES) $(C_TEST_HEADERS) tests/c/arm/cortex-m.ld $(ARM_DIR)/$(QEMU_CPU)/libopaygo-full.a
	@mkdir -p $(@D)
	$(ARM_CC) $(QEMU_FLAGS) -DOPAYGO_FULL=1 $(QEMU_TEST_SOURCES) $(ARM_DIR)/$(QEMU_CPU)/libopaygo-full.a -lc -lrdimon -lgcc -o $@

QEMU_RUN := timeout 600 qemu-system-arm -M mps2-an385 -cpu $(QEMU_CPU) -nographic -monitor none -serial none \
            -semihosting-config enable=on,target=native -kernel
TEST_SUITES += test-qemu
qemu-test: test-qemu
test-qemu: $(QEMU_DIR)/test-token.elf $(QEMU_DIR)/test-device.elf $(QEMU_DIR)/test-seed.elf $(QEMU_DIR)/test-full.elf
	@mkdir -p build/test-results
	@status=0; : > build/test-results/test-qemu.log; \
	for t in token device seed full; do \
	  $(QEMU_RUN) $(QEMU_DIR)/test-$$t.elf | tee -a build/test-results/test-qemu.log || status=1; \
	done; \
	python3 tests/tools/count_results.py test-qemu build/test-results/test-qemu.log 4 || status=1; exit $$status
