# Cortex-M builds of the device library (arm-none-eabi-gcc) and the QEMU test.
#   make cortex-m   build/arm/{cortex-m0plus,cortex-m4}/ the firmware profiles' libraries (mk/variants.mk),
#                   build/arm/{cortex-m0plus,cortex-m4}/{token-decode,device-all,baseline}.elf
#                   (token-decode links the token library: its text is the cost of decoding alone;
#                   device-all links every function of the device library)
#   make qemu-test  (suite test-qemu) the C harness on a Cortex-M3 (qemu-system-arm -M mps2-an385)
#                   over every profile's library, metrics vectors included (about 1.65 MB of the 4 MB
#                   flash; 100 KB of RAM, and 700 KB for the full library, whose server side grows into a 512 KB block)
ARM_CC := arm-none-eabi-gcc
ARM_AR := arm-none-eabi-ar
ARM_DIR := build/arm
ARM_CFLAGS := -Os -ffunction-sections -fdata-sections -fno-tree-loop-distribute-patterns -mthumb $(C_STD) $(W2C_DEFS) $(C_INC)
ARM_LDFLAGS := -Wl,--gc-sections -T tests/c/arm/cortex-m.ld
ARM_CPUS := cortex-m0plus cortex-m3 cortex-m4

.PHONY: cortex-m qemu-test test-qemu
cortex-m: $(foreach cpu,cortex-m0plus cortex-m4,$(foreach v,$(FIRMWARE_VARIANTS),$(ARM_DIR)/$(cpu)/$(call variant_lib,$(v)))) \
          $(foreach cpu,cortex-m0plus cortex-m4,$(ARM_DIR)/$(cpu)/token-decode.elf $(ARM_DIR)/$(cpu)/device-all.elf \
            $(ARM_DIR)/$(cpu)/baseline.elf)

# $(1): CPU, $(2): profile (mk/variants.mk). One object: the API with the generated module and the
# runtime shim in it (mk/c.mk).
define ARM_LIB_RULES
$(ARM_DIR)/$(1)/api-opaygo_$(2).o: $(C_BINDING_SOURCES) $(call variant_w2c_source,$(2))
	@mkdir -p $$(@D)
	$(ARM_CC) -mcpu=$(1) -I$(call variant_c_dir,$(2)) $(ARM_CFLAGS) -Wall -Wextra -Werror $(call variant_cdefs,$(2)) -c bindings/c/opaygo.c -o $$@
$(ARM_DIR)/$(1)/$(call variant_lib,$(2)): $(ARM_DIR)/$(1)/api-opaygo_$(2).o
	rm -f $$@ && $(ARM_AR) rcs $$@ $$^
endef

define ARM_CPU_RULES
# Bare-metal images: our start-up, newlib-nano only for memcpy (wasm2c's unaligned loads and
# stores on cores without unaligned access), libgcc for 64-bit division. Both link the token
# library (baseline.elf takes nothing from it).
$(ARM_DIR)/$(1)/%.elf: tests/c/arm/%.c tests/c/arm/startup.c tests/c/arm/cortex-m.ld $(ARM_DIR)/$(1)/$(call variant_lib,token)
	$(ARM_CC) -mcpu=$(1) $(ARM_CFLAGS) $(call variant_cdefs,token) -Wall -Werror --specs=nano.specs -nostartfiles $(ARM_LDFLAGS) \
	  tests/c/arm/startup.c $$< $(ARM_DIR)/$(1)/$(call variant_lib,token) -lc -lgcc -o $$@
# device-all.elf links every function of the device library (what it costs a firmware, libgcc
# and newlib-nano included).
$(ARM_DIR)/$(1)/device-all.elf: tests/c/arm/device-all.c tests/c/arm/startup.c tests/c/arm/cortex-m.ld $(ARM_DIR)/$(1)/$(call variant_lib,device)
	$(ARM_CC) -mcpu=$(1) $(ARM_CFLAGS) $(call variant_cdefs,device) -Wall -Werror --specs=nano.specs -nostartfiles $(ARM_LDFLAGS) \
	  tests/c/arm/startup.c $$< $(ARM_DIR)/$(1)/$(call variant_lib,device) -lc -lgcc -o $$@
endef
$(foreach cpu,$(ARM_CPUS),$(eval $(call ARM_CPU_RULES,$(cpu)))$(foreach v,$(FIRMWARE_VARIANTS),$(eval $(call ARM_LIB_RULES,$(cpu),$(v)))))

# The harness for QEMU: each profile's library (the full one too), newlib with semihosting (rdimon)
# for printf and exit; the profile's vectors compiled in.
QEMU_DIR := $(ARM_DIR)/qemu
QEMU_CPU := cortex-m3
$(eval $(call ARM_LIB_RULES,$(QEMU_CPU),full))
QEMU_FLAGS := -mcpu=$(QEMU_CPU) $(ARM_CFLAGS) -Itests/c --specs=rdimon.specs -nostartfiles $(ARM_LDFLAGS)
QEMU_TEST_SOURCES := tests/c/suite.c tests/c/arm/qemu_main.c tests/c/arm/startup.c
define QEMU_TEST_RULE
$(QEMU_DIR)/test-$(1).elf: $(QEMU_TEST_SOURCES) $(call variant_vectors,$(1)) $(C_TEST_HEADERS) tests/c/arm/cortex-m.ld $(ARM_DIR)/$(QEMU_CPU)/$(call variant_lib,$(1))
	@mkdir -p $$(@D)
	$(ARM_CC) $(QEMU_FLAGS) $(call variant_cdefs,$(1)) $$(filter %.c,$$^) $(ARM_DIR)/$(QEMU_CPU)/$(call variant_lib,$(1)) -lc -lrdimon -lgcc -o $$@
endef
$(foreach v,$(VARIANTS),$(eval $(call QEMU_TEST_RULE,$(v))))

QEMU_RUN := timeout 600 qemu-system-arm -M mps2-an385 -cpu $(QEMU_CPU) -nographic -monitor none -serial none \
            -semihosting-config enable=on,target=native -kernel
TEST_SUITES += test-qemu
qemu-test: test-qemu
test-qemu: $(foreach v,$(VARIANTS),$(QEMU_DIR)/test-$(v).elf)
	@mkdir -p build/test-results
	@status=0; : > build/test-results/test-qemu.log; \
	for t in $(VARIANTS); do \
	  $(QEMU_RUN) $(QEMU_DIR)/test-$$t.elf | tee -a build/test-results/test-qemu.log || status=1; \
	done; \
	python3 tests/tools/count_results.py test-qemu build/test-results/test-qemu.log $(words $(VARIANTS)) || status=1; exit $$status
