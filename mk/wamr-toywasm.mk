# The .wasm on WAMR's classic interpreter and on toywasm, beside wasm3 (mk/mcu-wasm.mk): the same C API
# (bindings/c/opaygo.c with -DOPAYGO_INTERP=1) over bindings/c/opaygo_wamr.c or opaygo_toywasm.c, the
# module a const array in flash (scripts/gen_wasm_module.py), everything the interpreter allocates in
# one static arena (bindings/c/opaygo_heap.c, OPAYGO_HEAP_BYTES per backend and module).
#   make mcu-interp          the interpreters built once per CPU (Cortex-M3, rv32imc, x86-64) from their
#                            pinned sources (scripts/fetch_interp.py: ../shared/vendor/ or upstream,
#                            checked, patched by scripts/patches/{wamr,toywasm}.patch, never committed),
#                            the per-module libraries and the test images
#   make test-mcu-wamr       (suites) every module (token, seed, device) on the Cortex-M3 under QEMU:
#   make test-mcu-toywasm    token vectors up to a bounded count plus a fixed sample of the higher ones
#                            (tests/c/suite.c, SUITE_COUNT_LIMIT), the official procedure, the state blob,
#                            the Metrics vectors; then the heap-budget sweep of each image
#                            (tests/mcu/heap_refusal.py); and every vector on x86-64 (full module too),
#                            the clamp checked at the wasm2c build's high-water mark
#   make test-fuzz-interp    (suite) the fuzz corpora replayed through every backend on x86-64 (wasm3, WAMR,
#                            toywasm), each input's results and memory compared with the wasm2c build's
#                            (tests/fuzz/differential.py)
INTERP_DIR := build/interp
INTERP_BACKENDS := wamr toywasm
WAMR_SRC := $(INTERP_DIR)/src/wamr
TOYWASM_SRC := $(INTERP_DIR)/src/toywasm

# The sources, fetched and patched once (the stamp is written after the patch).
$(INTERP_DIR)/src/%/.fetched: scripts/fetch_interp.py scripts/patches/%.patch
	python3 scripts/fetch_interp.py $* $(INTERP_DIR)/src/$*
	touch $@
# make test-dist builds the source release on each backend from these sources (tests/dist/check.sh)
test-dist: $(WAMR_SRC)/.fetched $(TOYWASM_SRC)/.fetched

# ---- WAMR: the classic interpreter, WebAssembly 1.0 only, our platform layer (bindings/c/wamr/).
# Its cache of block addresses (in the exec env, on the heap) has 8 entries, not 64: 1,344 bytes less
# RAM ----
WAMR_C := core/iwasm/common/wasm_runtime_common.c core/iwasm/common/wasm_native.c core/iwasm/common/wasm_exec_env.c \
          core/iwasm/common/wasm_memory.c core/iwasm/common/wasm_loader_common.c core/iwasm/common/wasm_blocking_op.c \
          core/iwasm/common/wasm_c_api.c core/iwasm/interpreter/wasm_loader.c core/iwasm/interpreter/wasm_runtime.c \
          core/iwasm/interpreter/wasm_interp_classic.c core/shared/utils/bh_assert.c core/shared/utils/bh_common.c \
          core/shared/utils/bh_hashmap.c core/shared/utils/bh_list.c core/shared/utils/bh_log.c core/shared/utils/bh_vector.c \
          core/shared/utils/bh_leb128.c core/shared/utils/bh_bitmap.c core/shared/mem-alloc/mem_alloc.c \
          core/shared/mem-alloc/ems/ems_alloc.c core/shared/mem-alloc/ems/ems_hmu.c core/shared/mem-alloc/ems/ems_kfc.c \
          core/shared/mem-alloc/ems/ems_gc.c
WAMR_DEFS := -DBH_MALLOC=wasm_runtime_malloc -DBH_FREE=wasm_runtime_free -DWASM_ENABLE_INTERP=1 -DWASM_ENABLE_FAST_INTERP=0 \
             -DWASM_ENABLE_AOT=0 -DWASM_ENABLE_JIT=0 -DWASM_ENABLE_LIBC_BUILTIN=0 -DWASM_ENABLE_LIBC_WASI=0 \
             -DWASM_ENABLE_BULK_MEMORY=0 -DWASM_ENABLE_REF_TYPES=0 -DWASM_ENABLE_SHARED_MEMORY=0 -DWASM_ENABLE_MULTI_MODULE=0 \
             -DWASM_ENABLE_MINI_LOADER=0 -DWASM_DISABLE_HW_BOUND_CHECK=1 -DWASM_DISABLE_STACK_HW_BOUND_CHECK=1 \
             -DWASM_DISABLE_WAKEUP_BLOCKING_OP=1 -DWASM_ENABLE_SIMD=0 -DWASM_ENABLE_LOG=0 -DWASM_ENABLE_TAIL_CALL=0 \
             -DWASM_ENABLE_MEMORY64=0 -DBLOCK_ADDR_CACHE_SIZE=8
WAMR_INC := $(addprefix -I$(WAMR_SRC)/,core/iwasm/include core/iwasm/common core/iwasm/interpreter core/shared/utils \
              core/shared/mem-alloc core/shared/platform/include core) -Ibindings/c/wamr
# (WAMR calls native functions through one assembly routine per architecture; the modules import none)
WAMR_ASM_cortex-m3 := core/iwasm/common/arch/invokeNative_thumb.s
WAMR_ASM_rv32 := core/iwasm/common/arch/invokeNative_riscv.S
WAMR_ASM_x86 := core/iwasm/common/arch/invokeNative_em64.s
WAMR_TARGET_cortex-m3 := -DBUILD_TARGET_THUMB
WAMR_TARGET_rv32 := -DBUILD_TARGET_RISCV32_ILP32
WAMR_TARGET_x86 := -DBUILD_TARGET_X86_64

# ---- toywasm: its core library less its POSIX parts (log, files, non-blocking I/O, reports: the
# glue has what it needs of them), our option header (bindings/c/toywasm/toywasm_config.h), its
# allocations renamed to our arena; asserts off, as in its release build. Its instruction table
# (lib/insn.c) is built per module with only the module's opcodes (scripts/toywasm_opcodes.py).
# Compiled with clang: toywasm's dispatch chains its instruction functions with tail calls where
# the compiler has musttail (clang, not gcc 12), which measured 14,265 instead of 33,731 Cortex-M3
# instructions per token chain step. Cells of 8 bytes (TOYWASM_USE_SMALL_CELLS off): 58,820 with
# small cells (gcc), where each i64 local goes through a cell index, and 9 KB more flash. ----
TOYWASM_C := $(addprefix lib/,bitmap.c cconv.c cell.c context.c decode.c endian.c escape.c exec.c exec_insn_subr.c expr.c \
             expr_parser.c host_instance.c idalloc.c import_object.c instance.c leb128.c list.c load_context.c mem.c \
             module.c name.c options.c restart.c slist.c timeutil.c type.c util.c validation.c vec.c)
TOYWASM_CELLS ?= 0
TOYWASM_DEFS := -DNDEBUG -DOPAYGO_TOYWASM_SMALL_CELLS=$(TOYWASM_CELLS) -fshort-enums
TOYWASM_INC := -Ibindings/c/toywasm -I$(TOYWASM_SRC)/lib
TOYWASM_ALLOC := -Dmalloc=opaygo_heap_alloc -Drealloc=opaygo_heap_realloc -Dfree=opaygo_heap_free

# ---- the CPUs: Cortex-M3 (mps2-an385 under QEMU), rv32imc (mk/riscv.mk), x86-64 (native tests) ----
INTERP_CPUS := cortex-m3 rv32 x86
ICC_cortex-m3 := $(ARM_CC)
# (clang for toywasm: newlib's headers; its stdatomic.h wants stdint.h first)
TCC_cortex-m3 := clang --target=thumbv7m-none-eabi --sysroot=/usr/lib/arm-none-eabi -include stdint.h
IAR_cortex-m3 := $(ARM_AR)
ICFLAGS_cortex-m3 := -mcpu=cortex-m3 -mthumb -Os -ffunction-sections -fdata-sections $(C_STD)
# rv32imc with picolibc (mk/wasm-riscv.mk has the rest of the RISC-V builds)
RV_CC := riscv64-unknown-elf-gcc
RV_AR := riscv64-unknown-elf-ar
RV_CFLAGS := -march=rv32imc -mabi=ilp32 -Os -ffunction-sections -fdata-sections --specs=picolibc.specs $(C_STD)
ICC_rv32 := $(RV_CC)
IAR_rv32 := $(RV_AR)
ICFLAGS_rv32 := $(RV_CFLAGS)
TCC_rv32 := clang --target=riscv32-unknown-elf -isystem /usr/lib/picolibc/riscv64-unknown-elf/include
# (rv32imc has no atomic instructions and picolibc no libatomic: toywasm's own single-thread
# fallback, __STDC_NO_ATOMICS__)
TCFLAGS_rv32 := -march=rv32imc -mabi=ilp32 -Os -ffunction-sections -fdata-sections $(C_STD) -D__STDC_NO_ATOMICS__=1
ICC_x86 := $(HOST_CC)
TCC_x86 := clang
IAR_x86 := ar
ICFLAGS_x86 := -O2 -ffunction-sections -fdata-sections $(C_STD)

# $(1): CPU, $(2): backend (WAMR, TOYWASM), $(3): source (relative to the backend's tree), $(4): extra flags
define INTERP_OBJ_RULE
$(INTERP_DIR)/$(1)/$(call lc,$(2))/$(basename $(notdir $(3))).o: $($(2)_SRC)/.fetched $(wildcard bindings/c/$(call lc,$(2))/*.h)
	@mkdir -p $$(@D)
	$(if $(filter WAMR,$(2)),$(ICC_$(1)) $(ICFLAGS_$(1)),$(TCC_$(1)) $(or $(TCFLAGS_$(1)),$(ICFLAGS_$(1)))) $($(2)_DEFS) $(if $(filter WAMR,$(2)),$(WAMR_TARGET_$(1))) $($(2)_INC) $(4) -w \
	  -c $($(2)_SRC)/$(3) -o $$@
endef
lc = $(subst WAMR,wamr,$(subst TOYWASM,toywasm,$(1)))

# $(1): CPU. The interpreters, once per CPU.
define INTERP_CPU_RULES
WAMR_OBJ_$(1) := $(foreach s,$(WAMR_C) $(WAMR_ASM_$(1)),$(INTERP_DIR)/$(1)/wamr/$(basename $(notdir $(s))).o)
TOYWASM_OBJ_$(1) := $(foreach s,$(TOYWASM_C),$(INTERP_DIR)/$(1)/toywasm/$(basename $(notdir $(s))).o)
$(foreach s,$(WAMR_C) $(WAMR_ASM_$(1)),$(eval $(call INTERP_OBJ_RULE,$(1),WAMR,$(s),)))
$(foreach s,$(filter-out %/mem.c %/escape.c,$(TOYWASM_C)),$(eval $(call INTERP_OBJ_RULE,$(1),TOYWASM,$(s),)))
$(foreach s,$(filter %/mem.c %/escape.c,$(TOYWASM_C)),$(eval $(call INTERP_OBJ_RULE,$(1),TOYWASM,$(s),$(TOYWASM_ALLOC))))
endef
$(foreach cpu,$(INTERP_CPUS),$(eval $(call INTERP_CPU_RULES,$(cpu))))

# ---- per module: the API, the glue, the arena, the module array (build/mcu/gen/<module>/: mk/mcu-wasm.mk) ----
# The heap (bytes) each backend needs per module on a 32-bit MCU, its peak plus about 10%, rounded up
# to 256 (make mcu-size measures the peak; a smaller heap makes opaygo_init refuse cleanly); x86-64
# gets twice as much heap and wasm stack (8-byte pointers).
INTERP_HEAP_wamr_token := 11264
INTERP_HEAP_wamr_device := 60416
INTERP_HEAP_wamr_seed := 53760
INTERP_HEAP_wamr_lean := 43520
INTERP_HEAP_wamr_full := 92160
INTERP_HEAP_toywasm_token := 6144
INTERP_HEAP_toywasm_device := 37376
INTERP_HEAP_toywasm_seed := 33536
INTERP_HEAP_toywasm_lean := 27648
INTERP_HEAP_toywasm_full := 67072
# The wasm stack per module: WAMR's (frames and operands, on its heap); toywasm's room for the stacks
# a call grows on its heap, checked free at each instantiation. Each the deepest any input takes it
# plus about 25%, rounded up to 512: the suite's nesting check (tests/c/suite.c: values nested to
# MAX_DEPTH, one recursive call per level) on the Cortex-M3, on x86-64 for the full module (make
# mcu-size: wasm_stack_used).
INTERP_STACK_wamr_token := 1536
INTERP_STACK_wamr_device := 7168
INTERP_STACK_wamr_seed := 4608
INTERP_STACK_wamr_lean := 4608
INTERP_STACK_wamr_full := 10752
INTERP_STACK_toywasm_token := 1024
INTERP_STACK_toywasm_device := 4096
INTERP_STACK_toywasm_seed := 3072
INTERP_STACK_toywasm_lean := 3072
INTERP_STACK_toywasm_full := 3584
INTERP_HEAP_SCALE_cortex-m3 := 1
INTERP_HEAP_SCALE_rv32 := 1
INTERP_HEAP_SCALE_x86 := 2
INTERP_INC_wamr := $(WAMR_INC)
INTERP_INC_toywasm := $(TOYWASM_INC)
INTERP_GLUE_DEFS_wamr = $(WAMR_DEFS) $(WAMR_TARGET_$(1))
INTERP_GLUE_DEFS_toywasm = $(TOYWASM_DEFS)

# $(1): CPU, $(2): backend, $(3): module
define INTERP_LIB_RULES
IFLAGS_$(1)_$(2)_$(3) := $(ICFLAGS_$(1)) $(call variant_cdefs,$(3)) -DOPAYGO_INTERP=1 -Ibindings/c -I$(MCU_DIR)/gen/$(3) \
                         -DOPAYGO_HEAP_BYTES=$$$$(( $(INTERP_HEAP_SCALE_$(1)) * $(INTERP_HEAP_$(2)_$(3)) )) \
                         -DOPAYGO_WASM_STACK_BYTES=$$$$(( $(INTERP_HEAP_SCALE_$(1)) * $(INTERP_STACK_$(2)_$(3)) ))
IOBJ_$(1)_$(2)_$(3) := $(addprefix $(INTERP_DIR)/$(1)/$(2)-$(3)/,opaygo.o glue.o heap.o module.o $(if $(filter toywasm,$(2)),insn.o))
$(INTERP_DIR)/$(1)/$(2)-$(3)/opaygo.o: $(C_BINDING_SOURCES) bindings/c/opaygo_interp.h $(MCU_DIR)/gen/$(3)/opaygo_exports.h
	@mkdir -p $$(@D)
	$(ICC_$(1)) $$(IFLAGS_$(1)_$(2)_$(3)) -Wall -Wextra -Werror -c bindings/c/opaygo.c -o $$@
$(INTERP_DIR)/$(1)/$(2)-$(3)/glue.o: bindings/c/opaygo_$(2).c bindings/c/opaygo_interp.h bindings/c/opaygo_heap.h mk/wamr-toywasm.mk \
                                     $(MCU_DIR)/gen/$(3)/opaygo_exports.h $($(call uc,$(2))_SRC)/.fetched $(wildcard bindings/c/$(2)/*.h)
	@mkdir -p $$(@D)
	$(ICC_$(1)) $$(IFLAGS_$(1)_$(2)_$(3)) $(call INTERP_GLUE_DEFS_$(2),$(1)) $(INTERP_INC_$(2)) -Wall -Wextra -Werror -c $$< -o $$@
$(INTERP_DIR)/$(1)/$(2)-$(3)/heap.o: bindings/c/opaygo_heap.c bindings/c/opaygo_heap.h mk/wamr-toywasm.mk
	@mkdir -p $$(@D)
	$(ICC_$(1)) $$(IFLAGS_$(1)_$(2)_$(3)) -Wall -Wextra -Werror -c $$< -o $$@
$(INTERP_DIR)/$(1)/$(2)-$(3)/module.o: $(MCU_DIR)/gen/$(3)/opaygo_module.c bindings/c/opaygo_interp.h
	@mkdir -p $$(@D)
	$(ICC_$(1)) $$(IFLAGS_$(1)_$(2)_$(3)) -Wall -Wextra -Werror -c $$< -o $$@
$(INTERP_DIR)/$(1)/libopaygo-$(2)-$(3).a: $$(IOBJ_$(1)_$(2)_$(3)) $$($(call uc,$(2))_OBJ_$(1))
	rm -f $$@ && $(IAR_$(1)) rcs $$@ $$^
endef
uc = $(subst wamr,WAMR,$(subst toywasm,TOYWASM,$(1)))
# $(1): CPU, $(2): module. toywasm's instruction table for the module.
define TOYWASM_INSN_RULE
$(INTERP_DIR)/$(1)/toywasm-$(2)/insn.o: $(MCU_DIR)/gen/$(2)/toywasm/insn.c bindings/c/toywasm/toywasm_config.h
	@mkdir -p $$(@D)
	$(TCC_$(1)) $(or $(TCFLAGS_$(1)),$(ICFLAGS_$(1))) $(TOYWASM_DEFS) $(TOYWASM_INC) -w -c $$< -o $$@
endef
$(MCU_DIR)/gen/%/toywasm/insn.c: $(MCU_DIR)/gen/%/opaygo_module.c scripts/toywasm_opcodes.py scripts/wasm3_opcodes.py $(TOYWASM_SRC)/.fetched
	python3 scripts/toywasm_opcodes.py $(call variant_wasm,$*) $(TOYWASM_SRC)/lib $(@D)
# (the profiles a device links: mk/variants.mk)
INTERP_MCU_MODULES := $(FIRMWARE_VARIANTS)
$(foreach b,$(INTERP_BACKENDS),$(foreach m,$(INTERP_MCU_MODULES),$(eval $(call INTERP_LIB_RULES,cortex-m3,$(b),$(m)))))
$(foreach b,$(INTERP_BACKENDS),$(foreach m,$(INTERP_MCU_MODULES) full,$(eval $(call INTERP_LIB_RULES,x86,$(b),$(m)))))
$(foreach m,$(INTERP_MCU_MODULES),$(eval $(call TOYWASM_INSN_RULE,cortex-m3,$(m))))
$(foreach b,$(INTERP_BACKENDS),$(foreach m,token device,$(eval $(call INTERP_LIB_RULES,rv32,$(b),$(m)))))
$(foreach m,token device,$(eval $(call TOYWASM_INSN_RULE,rv32,$(m))))
$(foreach m,$(INTERP_MCU_MODULES) full,$(eval $(call TOYWASM_INSN_RULE,x86,$(m))))

# ---- the test images ----
# Cortex-M3: the harness (every vector class; token vectors above SUITE_COUNT_LIMIT only a fixed sample:
# tests/c/suite.c) and the one-decode firmware (flash, instructions per chain step).
INTERP_SUITE_LIMIT := -DSUITE_COUNT_LIMIT=1000
# $(1): backend, $(2): module
define INTERP_M3_IMAGES
$(INTERP_DIR)/cortex-m3/test-$(1)-$(2).elf: $(MCU_TEST_SOURCES) $(call variant_vectors,$(2)) $(C_TEST_HEADERS) \
        tests/mcu/semihost.h tests/c/arm/cortex-m.ld $(INTERP_DIR)/cortex-m3/libopaygo-$(1)-$(2).a
	$(ARM_CC) $$(IFLAGS_cortex-m3_$(1)_$(2)) $(INTERP_SUITE_LIMIT) -Itests/c -Itests/mcu --specs=nano.specs --specs=rdimon.specs $(MCU_LDFLAGS) \
	  -Wl,-Map=$$@.map $$(filter %.c,$$^) $(INTERP_DIR)/cortex-m3/libopaygo-$(1)-$(2).a -lc -lm -lrdimon -lgcc -o $$@
$(INTERP_DIR)/cortex-m3/decode-$(1)-$(2).elf: tests/mcu/chain_steps.c tests/mcu/semihost.h tests/c/arm/startup.c tests/c/arm/cortex-m.ld \
        $(INTERP_DIR)/cortex-m3/libopaygo-$(1)-$(2).a
	$(ARM_CC) $$(IFLAGS_cortex-m3_$(1)_$(2)) -Itests/mcu -Wall -Werror --specs=nano.specs $(MCU_LDFLAGS) -Wl,-Map=$$@.map \
	  tests/c/arm/startup.c $$< $(INTERP_DIR)/cortex-m3/libopaygo-$(1)-$(2).a -lc -lm -lgcc -o $$@
endef
$(foreach b,$(INTERP_BACKENDS),$(foreach m,$(INTERP_MCU_MODULES),$(eval $(call INTERP_M3_IMAGES,$(b),$(m)))))

# x86-64: every vector, the footprint measured by bisection (an access past the clamp traps).
# $(1): backend, $(2): module
define INTERP_X86_IMAGES
$(INTERP_DIR)/x86/test-$(1)-$(2): $(C_TEST_SOURCES) $(call variant_vectors,$(2)) \
        $(C_TEST_HEADERS) $(INTERP_DIR)/x86/libopaygo-$(1)-$(2).a
	$(HOST_CC) $$(IFLAGS_x86_$(1)_$(2)) -Itests/c -Wall -Werror -Wl,--gc-sections $$(filter %.c,$$^) $(INTERP_DIR)/x86/libopaygo-$(1)-$(2).a -lm -o $$@
endef
$(foreach b,$(INTERP_BACKENDS),$(foreach m,$(INTERP_MCU_MODULES) full,$(eval $(call INTERP_X86_IMAGES,$(b),$(m)))))

.PHONY: mcu-interp
mcu-interp: $(addprefix mcu-interp-,$(INTERP_BACKENDS))

# (the interpreters on x86-64 check their clamp at the wasm2c build's high-water mark,
# build/c/footprint-<module>.txt: mk/size.mk)

# ---- the suites ----
# Each: the four modules on x86-64 (every vector; the clamp at the wasm2c build's high-water mark),
# the three firmware modules on the Cortex-M3 under QEMU in "measure" mode (the suite, then the RAM
# figures), the heap-budget sweep of each image; two at a time (tests/mcu/run_parallel.py keeps each
# output beside its image: build/interp/x86/<backend>-<module>.out, build/interp/cortex-m3/
# test-<backend>-<module>.{measure,heap}, which make mcu-size reads).
INTERP_HEAP_BUDGETS := 16 512 2048 4096 8192 16384 32768 65536
# $(1): backend
define INTERP_SUITE
.PHONY: mcu-interp-$(1) test-mcu-$(1)
mcu-interp-$(1): $(foreach m,$(INTERP_MCU_MODULES),$(INTERP_DIR)/cortex-m3/test-$(1)-$(m).elf $(INTERP_DIR)/cortex-m3/decode-$(1)-$(m).elf) \
                 $(foreach m,$(INTERP_MCU_MODULES) full,$(INTERP_DIR)/x86/test-$(1)-$(m))
TEST_SUITES += test-mcu-$(1)
test-mcu-$(1): mcu-interp-$(1) $(foreach m,$(INTERP_MCU_MODULES) full,$(C_DIR)/footprint-$(m).txt)
	@mkdir -p build/test-results; : > build/test-results/test-mcu-$(1).log
	@status=0; python3 tests/mcu/run_parallel.py build/test-results/test-mcu-$(1).log \
	  $(foreach m,$(INTERP_MCU_MODULES) full,$(INTERP_DIR)/x86/$(1)-$(m).out \
	    "timeout 600 $(INTERP_DIR)/x86/test-$(1)-$(m) --clamp-at $(C_DIR)/footprint-$(m).txt") \
	  $(foreach m,$(INTERP_MCU_MODULES),$(INTERP_DIR)/cortex-m3/test-$(1)-$(m).measure \
	    "timeout 600 $(MCU_QEMU) -kernel $(INTERP_DIR)/cortex-m3/test-$(1)-$(m).elf -append measure") \
	  $(foreach m,$(INTERP_MCU_MODULES),$(INTERP_DIR)/cortex-m3/test-$(1)-$(m).heap \
	    "python3 tests/mcu/heap_refusal.py $(INTERP_DIR)/cortex-m3/test-$(1)-$(m).elf $(INTERP_HEAP_$(1)_$(m)) $(INTERP_HEAP_BUDGETS) -- $(MCU_QEMU)") \
	  || status=1; \
	python3 tests/tools/count_results.py test-mcu-$(1) build/test-results/test-mcu-$(1).log 10 || status=1; exit $$$$status
endef
$(foreach b,$(INTERP_BACKENDS),$(eval $(call INTERP_SUITE,$(b))))

# ---- the fuzz differential: each fuzz target as a plain program over each backend (x86-64) ----
DIFF_DIR := build/fuzz/diff
DIFF_CFLAGS := -O2 -Wl,--gc-sections $(C_STD) $(W2C_DEFS) -Ibindings/c -I$(C_DIR) -Itests/fuzz -DFUZZ_DIFF=1 -Wall -Wextra -Werror
DIFF_MODULE_token := device
DIFF_MODULE_state := device
DIFF_MODULE_request := device
DIFF_MODULE_request_full := full
DIFF_MODULE_server := full
DIFF_MODULE_json := full
DIFF_MODULE_cbor := full
DIFF_W2C_NAME_device := opaygo_device
DIFF_W2C_NAME_full := opaygo
DIFF_W2C_WASM_device := $(C_DIR)/opaygo-device.wasm
DIFF_W2C_WASM_full := build/opaygo.wasm
# wasm3 on x86-64 as a library (its bench objects, mk/mcu-wasm.mk, for the device and full modules)
$(eval $(call W3X_RULES,full))
# $(1): module (device, full)
define DIFF_MODULE_RULES
$(DIFF_DIR)/gen-wasm2c-$(1)/opaygo_exports.h: $(DIFF_W2C_WASM_$(1)) scripts/gen_wasm_module.py
	python3 scripts/gen_wasm_module.py $$< $$(@D) --wasm2c $(DIFF_W2C_NAME_$(1))
$(DIFF_DIR)/obj/$(1)_wasm.o: $(C_DIR)/opaygo_$(1)_wasm.c $(C_DIR)/wasm-rt.h bindings/c/wasm-rt-mcu.h
	@mkdir -p $$(@D)
	$(HOST_CC) -O2 $(C_STD) $(W2C_DEFS) $(W2C_INCLUDE) -Ibindings/c -I$(C_DIR) -w -c $$< -o $$@
$(INTERP_DIR)/x86/libopaygo-wasm3-$(1).a: $$(W3X_OBJ_$(1)) bindings/c/opaygo_wasm3.c $(MCU_DIR)/gen/$(1)/opaygo_module.c $(MCU_DIR)/gen/$(1)/opaygo_exports.h
	@mkdir -p $(INTERP_DIR)/x86/wasm3-$(1)
	gcc $$(W3X_FLAGS_$(1)) -Wall -Wextra -Werror -c bindings/c/opaygo_wasm3.c -o $(INTERP_DIR)/x86/wasm3-$(1)/glue.o
	gcc $$(W3X_FLAGS_$(1)) -Wall -Wextra -Werror -c $(MCU_DIR)/gen/$(1)/opaygo_module.c -o $(INTERP_DIR)/x86/wasm3-$(1)/module.o
	rm -f $$@ && ar rcs $$@ $$(W3X_OBJ_$(1)) $(INTERP_DIR)/x86/wasm3-$(1)/glue.o $(INTERP_DIR)/x86/wasm3-$(1)/module.o
endef
$(foreach m,device full,$(eval $(call DIFF_MODULE_RULES,$(m))))
$(DIFF_DIR)/obj/wasm-rt-mcu.o: bindings/c/wasm-rt-mcu.c bindings/c/wasm-rt-mcu.h $(C_DIR)/wasm-rt.h
	@mkdir -p $(@D)
	$(HOST_CC) -O2 $(C_STD) $(W2C_DEFS) -Ibindings/c -I$(C_DIR) -Wall -Wextra -Werror -c $< -o $@
# $(1): target
define DIFF_TARGET_RULES
$(DIFF_DIR)/wasm2c/fuzz_$(1): tests/fuzz/$(patsubst %_full,%,fuzz_$(1)).c tests/fuzz/replay_main.c tests/fuzz/harness.h \
        $(DIFF_DIR)/gen-wasm2c-$(DIFF_MODULE_$(1))/opaygo_exports.h $(DIFF_DIR)/obj/$(DIFF_MODULE_$(1))_wasm.o $(DIFF_DIR)/obj/wasm-rt-mcu.o
	@mkdir -p $$(@D)
	$(HOST_CC) $(DIFF_CFLAGS) -DFUZZ_FULL=$(if $(filter full,$(DIFF_MODULE_$(1))),1,0) -I$(DIFF_DIR)/gen-wasm2c-$(DIFF_MODULE_$(1)) \
	  -include $$< tests/fuzz/replay_main.c $$(filter %.o,$$^) -o $$@
$(foreach b,wasm3 $(INTERP_BACKENDS),$(DIFF_DIR)/$(b)/fuzz_$(1)): $(DIFF_DIR)/%/fuzz_$(1): tests/fuzz/$(patsubst %_full,%,fuzz_$(1)).c \
        tests/fuzz/replay_main.c tests/fuzz/harness.h $(INTERP_DIR)/x86/libopaygo-%-$(DIFF_MODULE_$(1)).a
	@mkdir -p $$(@D)
	$(HOST_CC) $(DIFF_CFLAGS) -DFUZZ_INTERP=1 -DFUZZ_FULL=$(if $(filter full,$(DIFF_MODULE_$(1))),1,0) -I$(MCU_DIR)/gen/$(DIFF_MODULE_$(1)) \
	  -include $$< tests/fuzz/replay_main.c $(INTERP_DIR)/x86/libopaygo-$$*-$(DIFF_MODULE_$(1)).a -lm -o $$@
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call DIFF_TARGET_RULES,$(t))))

.PHONY: fuzz-interp test-fuzz-interp
fuzz-interp: $(foreach b,wasm2c wasm3 $(INTERP_BACKENDS),$(foreach t,$(FUZZ_TARGETS),$(DIFF_DIR)/$(b)/fuzz_$(t))) fuzz-seeds
TEST_SUITES += test-fuzz-interp
test-fuzz-interp: fuzz-interp
	@mkdir -p build/test-results
	@status=0; timeout 1800 python3 tests/fuzz/differential.py $(DIFF_DIR) wasm3 $(INTERP_BACKENDS) -- $(FUZZ_TARGETS) \
	  | tee build/test-results/test-fuzz-interp.log || status=1; \
	python3 tests/tools/count_results.py test-fuzz-interp build/test-results/test-fuzz-interp.log 1 || status=1; exit $$status
