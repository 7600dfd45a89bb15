# The C library over the wasm2c translation of each profile's module (mk/variants.mk), and its
# host test harness.
#   make c       build/c/<each profile's library> (x86-64) and the test programs build/c/test-c-<profile>
#   make test-c  every token vector and device scenario through every library (metrics vectors
#                through those with Metrics, as each profile's features run them), memory clamped;
#                the state store with power cuts (tests/c/store_test.c)
# A profile of the device (seed: build/c/libopaygo-seed.a) is the device library built from its
# asconfig.json target (docs/profiles.md): the same API and symbols, fewer Metrics features.
C_DIR := build/c
# wabt's runtime header, copied next to the generated code so cross compilers find it too.
WASM_RT_H := $(firstword $(wildcard /usr/include/wasm-rt.h /usr/local/include/wasm-rt.h /usr/src/wasm2c/wasm-rt.h))
# Explicit bounds checks on every access (no guard pages, no signal handler); no call depth counter:
# the modules recurse only down to MAX_DEPTH levels (bindings/c/wasm-rt-mcu.c).
W2C_DEFS := -DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0 -DWASM_RT_USE_STACK_DEPTH_COUNT=0 -DNDEBUG
# Generated code compiled on its own (fuzz targets) sees our runtime header first: its 32-bit
# address helpers (scripts/wasm2c-mcu.py) and its memory copies on cores without unaligned access.
# The libraries compile it inside opaygo.c, which includes that header itself.
W2C_INCLUDE := -include wasm-rt-mcu.h
C_STD := -std=gnu11
C_INC := -Ibindings/c -I$(C_DIR)
HOST_CC ?= gcc
HOST_CFLAGS := -O2 $(C_STD) -Wall -Wextra -Werror
C_BINDING_SOURCES := bindings/c/opaygo.c bindings/c/opaygo.h bindings/c/opaygo_abi.h bindings/c/wasm-rt-mcu.c bindings/c/wasm-rt-mcu.h

.PHONY: c test-c
c: $(foreach v,$(VARIANTS),$(C_DIR)/$(call variant_lib,$(v)) $(C_DIR)/test-c-$(v))

$(C_DIR)/wasm-rt.h:
	@mkdir -p $(C_DIR)
	@test -n "$(WASM_RT_H)" || { echo "wasm-rt.h not found: install wabt (scripts/install-deps.sh)"; exit 1; }
	cp $(WASM_RT_H) $@

# The firmware modules for the C library are the same sources built for size (asc shrinkLevel 2,
# wasm-opt -Oz): the token chain's hash is then one shared loop rather than eight inlined rounds
# (assembly/siphash.ts, sipLink), about 1.2 KB less Cortex-M0+ text; the .wasm modules keep the
# inlined rounds, which interpreters run fastest. Same static memory, same vectors.
$(C_DIR)/opaygo-%.wasm: $(AS_SOURCES) | deps
	@mkdir -p $(C_DIR)/asc
	$(BIN)/asc $(call variant_entry,$*) --config asconfig.json --target $* --shrinkLevel 2 --outFile $(C_DIR)/asc/opaygo-$*.wasm \
	  --textFile $(C_DIR)/asc/opaygo-$*.wat
	$(BIN)/wasm-opt --mvp-features -Oz $(C_DIR)/asc/opaygo-$*.wasm -o $@
	wasm-validate $(MVP_ONLY) $@

# The vectors as C arrays, so that no target needs a JSON parser; a profile of the device takes
# them as its features run them (tests/c/gen_vectors.py --profile).
C_VECTORS := tests/vectors/tokens_reference.jsonl tests/vectors/tokens_random.jsonl tests/vectors/device_procedure.jsonl \
             tests/vectors/device_procedure_official.jsonl \
             tests/vectors/metrics_requests.jsonl tests/vectors/metrics_responses.jsonl \
             tests/vectors/metrics_expand.jsonl tests/vectors/seed_scenario.json \
             tests/vectors/metrics_requests_int.jsonl tests/vectors/seed_scenario_int.json
$(C_DIR)/test_vectors.c: tests/c/gen_vectors.py tests/c/metrics_ops.py abi/abi.json $(C_VECTORS)
	@mkdir -p $(C_DIR)
	python3 tests/c/gen_vectors.py $@ $(C_VECTORS)
$(C_DIR)/%/test_vectors.c: tests/c/gen_vectors.py tests/c/metrics_ops.py abi/abi.json asconfig.json $(C_VECTORS)
	@mkdir -p $(@D)
	python3 tests/c/gen_vectors.py --profile $* $@ $(C_VECTORS)

# Per profile (mk/variants.mk): wasm2c's output, adapted for 32-bit MCUs by scripts/wasm2c-mcu.py
# (compile it with W2C_INCLUDE); the host objects: api-opaygo_<profile>.o (opaygo.c with the
# generated module and the runtime shim, wasm-rt-mcu.c, in it), the library; the test program.
C_TEST_SOURCES := tests/c/suite.c tests/c/host_main.c
C_TEST_HEADERS := tests/c/suite.h tests/c/test_vectors.h bindings/c/opaygo.h bindings/c/opaygo_abi.h
define C_RULES
$(call variant_w2c_source,$(1)): $(call variant_w2c_input,$(1)) scripts/wasm2c-mcu.py | $(C_DIR)/wasm-rt.h
	@mkdir -p $$(@D)
	wasm2c $$< -n $(call variant_w2c_module,$(1)) -o $$@
	python3 scripts/wasm2c-mcu.py $$< $$@ $$@
$(basename $(call variant_w2c_source,$(1))).h: $(call variant_w2c_source,$(1))
$(C_DIR)/host/api-opaygo_$(1).o: $(C_BINDING_SOURCES) $(call variant_w2c_source,$(1))
	@mkdir -p $$(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(W2C_DEFS) -I$(call variant_c_dir,$(1)) $(C_INC) $(call variant_cdefs,$(1)) -c bindings/c/opaygo.c -o $$@
$(C_DIR)/$(call variant_lib,$(1)): $(C_DIR)/host/api-opaygo_$(1).o
	rm -f $$@ && ar rcs $$@ $$^
$(C_DIR)/test-c-$(1): $(C_TEST_SOURCES) $(call variant_vectors,$(1)) $(C_TEST_HEADERS) $(C_DIR)/$(call variant_lib,$(1))
	$(HOST_CC) $(HOST_CFLAGS) -Itests/c $(C_INC) $(call variant_cdefs,$(1)) $$(filter %.c %.a,$$^) -o $$@
endef
$(foreach v,$(VARIANTS),$(eval $(call C_RULES,$(v))))

# The state store over an emulated flash with power cuts (tests/c/store_test.c), on the token and
# device libraries.
STORE_TEST_VARIANTS := token device
$(foreach v,$(STORE_TEST_VARIANTS),$(eval $(C_DIR)/test-store-$(v): tests/c/store_test.c $(C_DIR)/$(call variant_lib,$(v)) ; \
  $(HOST_CC) $(HOST_CFLAGS) $(C_INC) $(call variant_cdefs,$(v)) $$^ -o $$@))

# Each program ends with "N passed, M failed"; the suite sums both into its result file.
TEST_SUITES += test-c
test-c: $(foreach v,$(VARIANTS),$(C_DIR)/test-c-$(v)) $(foreach v,$(STORE_TEST_VARIANTS),$(C_DIR)/test-store-$(v))
	@mkdir -p build/test-results
	@status=0; : > build/test-results/test-c.log; \
	for t in $(VARIANTS); do \
	  timeout 300 $(C_DIR)/test-c-$$t $(C_DIR)/footprint-$$t.txt | tee -a build/test-results/test-c.log || status=1; \
	done; \
	for t in $(STORE_TEST_VARIANTS); do timeout 300 $(C_DIR)/test-store-$$t | tail -n 1 | tee -a build/test-results/test-c.log || status=1; done; \
	python3 tests/tools/count_results.py test-c build/test-results/test-c.log $(words $(VARIANTS) $(STORE_TEST_VARIANTS)) || status=1; exit $$status
