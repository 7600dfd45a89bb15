# C library over the wasm2c translation of both modules, and its host test harness.
#   make c       build/c/libopaygo-{token,device}.a, build/c/libopaygo.a (x86-64) and the test programs
#   make test-c  every token vector and device scenario through all four (metrics vectors through
#                the device, seed and full ones), memory clamped; the state store with power cuts
# The seed profile (build/c/libopaygo-seed.a) is the device library built from the seed target
# (docs/profiles.md): the same API and symbols, fewer Metrics features.
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
c: $(C_DIR)/libopaygo-token.a $(C_DIR)/libopaygo-device.a $(C_DIR)/libopaygo-seed.a $(C_DIR)/libopaygo.a $(C_DIR)/test-c-token \
   $(C_DIR)/test-c-device $(C_DIR)/test-c-seed $(C_DIR)/test-c-full

$(C_DIR)/wasm-rt.h:
	@mkdir -p $(C_DIR)
	@test -n "$(WASM_RT_H)" || { echo "wasm-rt.h not found: install wabt (scripts/install-deps.sh)"; exit 1; }
	cp $(WASM_RT_H) $@

# wasm2c's output, adapted for 32-bit MCUs by scripts/wasm2c-mcu.py (compile it with W2C_INCLUDE).
# Module names: opaygo_token, opaygo_device, opaygo (the full build, build/opaygo.wasm).
W2C_MODULE_token := opaygo_token
W2C_MODULE_device := opaygo_device
W2C_MODULE_full := opaygo
# The firmware modules for the C library are the same sources built for size (asc shrinkLevel 2,
# wasm-opt -Oz): the token chain's hash is then one shared loop rather than eight inlined rounds
# (assembly/siphash.ts, sipLink), about 1.2 KB less Cortex-M0+ text; the .wasm modules keep the
# inlined rounds, which interpreters run fastest. Same static memory, same vectors.
$(C_DIR)/opaygo-%.wasm: $(AS_SOURCES) | deps
	@mkdir -p $(C_DIR)/asc
	$(BIN)/asc $(or $(MODULE_ENTRY_$*),assembly/index-$*.ts) --config asconfig.json --target $* --shrinkLevel 2 --outFile $(C_DIR)/asc/opaygo-$*.wasm \
	  --textFile $(C_DIR)/asc/opaygo-$*.wat
	$(BIN)/wasm-opt --mvp-features -Oz $(C_DIR)/asc/opaygo-$*.wasm -o $@
	wasm-validate $(MVP_ONLY) $@
$(C_DIR)/opaygo_token_wasm.c: $(C_DIR)/opaygo-token.wasm
$(C_DIR)/opaygo_device_wasm.c: $(C_DIR)/opaygo-device.wasm
$(C_DIR)/opaygo_full_wasm.c: build/opaygo.wasm
$(C_DIR)/opaygo_%_wasm.c: scripts/wasm2c-mcu.py | $(C_DIR)/wasm-rt.h
	wasm2c $(filter %.wasm,$^) -n $(W2C_MODULE_$*) -o $@
	python3 scripts/wasm2c-mcu.py $(filter %.wasm,$^) $@ $@
# The seed module under the device's name, in a directory of its own (opaygo.c includes it by name).
$(C_DIR)/seed/opaygo_device_wasm.c: $(C_DIR)/opaygo-seed.wasm scripts/wasm2c-mcu.py | $(C_DIR)/wasm-rt.h
	@mkdir -p $(@D)
	wasm2c $< -n opaygo_device -o $@
	python3 scripts/wasm2c-mcu.py $< $@ $@
$(C_DIR)/opaygo_token_wasm.h: $(C_DIR)/opaygo_token_wasm.c
$(C_DIR)/opaygo_device_wasm.h: $(C_DIR)/opaygo_device_wasm.c
$(C_DIR)/opaygo_full_wasm.h: $(C_DIR)/opaygo_full_wasm.c

# Host objects: api-NAME.o, one per library: opaygo.c with the generated module and the runtime
# shim (wasm-rt-mcu.c) in it.
$(C_DIR)/host/api-opaygo_token.o: $(C_BINDING_SOURCES) $(C_DIR)/opaygo_token_wasm.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(W2C_DEFS) $(C_INC) -DOPAYGO_TOKEN_ONLY=1 -c bindings/c/opaygo.c -o $@
$(C_DIR)/host/api-opaygo_device.o: $(C_BINDING_SOURCES) $(C_DIR)/opaygo_device_wasm.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(W2C_DEFS) $(C_INC) -DOPAYGO_FULL=0 -c bindings/c/opaygo.c -o $@
$(C_DIR)/host/api-opaygo_seed.o: $(C_BINDING_SOURCES) $(C_DIR)/seed/opaygo_device_wasm.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(W2C_DEFS) -I$(C_DIR)/seed $(C_INC) -DOPAYGO_FULL=0 -c bindings/c/opaygo.c -o $@
$(C_DIR)/host/api-opaygo_full.o: $(C_BINDING_SOURCES) $(C_DIR)/opaygo_full_wasm.c
	@mkdir -p $(@D)
	$(HOST_CC) $(HOST_CFLAGS) $(W2C_DEFS) $(C_INC) -DOPAYGO_FULL=1 -c bindings/c/opaygo.c -o $@

$(C_DIR)/libopaygo-token.a: $(C_DIR)/host/api-opaygo_token.o
	rm -f $@ && ar rcs $@ $^
$(C_DIR)/libopaygo-device.a: $(C_DIR)/host/api-opaygo_device.o
	rm -f $@ && ar rcs $@ $^
$(C_DIR)/libopaygo-seed.a: $(C_DIR)/host/api-opaygo_seed.o
	rm -f $@ && ar rcs $@ $^
$(C_DIR)/libopaygo.a: $(C_DIR)/host/api-opaygo_full.o
	rm -f $@ && ar rcs $@ $^

# The vectors as C arrays, so that no target needs a JSON parser.
C_VECTORS := tests/vectors/tokens_reference.jsonl tests/vectors/tokens_random.jsonl tests/vectors/device_procedure.jsonl \
             tests/vectors/device_procedure_official.jsonl \
             tests/vectors/metrics_requests.jsonl tests/vectors/metrics_responses.jsonl \
             tests/vectors/metrics_expand.jsonl tests/vectors/seed_scenario.json
$(C_DIR)/test_vectors.c: tests/c/gen_vectors.py tests/c/metrics_ops.py abi/abi.json $(C_VECTORS)
	@mkdir -p $(C_DIR)
	python3 tests/c/gen_vectors.py $@ $(C_VECTORS)
$(C_DIR)/seed/test_vectors.c: tests/c/gen_vectors.py tests/c/metrics_ops.py abi/abi.json asconfig.json $(C_VECTORS)
	@mkdir -p $(@D)
	python3 tests/c/gen_vectors.py --profile seed $@ $(C_VECTORS)

C_TEST_SOURCES := tests/c/suite.c tests/c/host_main.c $(C_DIR)/test_vectors.c
C_TEST_HEADERS := tests/c/suite.h tests/c/test_vectors.h bindings/c/opaygo.h bindings/c/opaygo_abi.h
$(C_DIR)/test-c-token: $(C_TEST_SOURCES) $(C_TEST_HEADERS) $(C_DIR)/libopaygo-token.a
	$(HOST_CC) $(HOST_CFLAGS) -Itests/c $(C_INC) -DOPAYGO_TOKEN_ONLY=1 $(C_TEST_SOURCES) $(C_DIR)/libopaygo-token.a -o $@
$(C_DIR)/test-c-device: $(C_TEST_SOURCES) $(C_TEST_HEADERS) $(C_DIR)/libopaygo-device.a
	$(HOST_CC) $(HOST_CFLAGS) -Itests/c $(C_INC) -DOPAYGO_FULL=0 $(C_TEST_SOURCES) $(C_DIR)/libopaygo-device.a -o $@
$(C_DIR)/test-c-seed: $(filter-out $(C_DIR)/test_vectors.c,$(C_TEST_SOURCES)) $(C_DIR)/seed/test_vectors.c $(C_TEST_HEADERS) $(C_DIR)/libopaygo-seed.a
	$(HOST_CC) $(HOST_CFLAGS) -Itests/c $(C_INC) -DOPAYGO_FULL=0 $(filter %.c %.a,$^) -o $@
$(C_DIR)/test-c-full: $(C_TEST_SOURCES) $(C_TEST_HEADERS) $(C_DIR)/libopaygo.a
	$(HOST_CC) $(HOST_CFLAGS) -Itests/c $(C_INC) -DOPAYGO_FULL=1 $(C_TEST_SOURCES) $(C_DIR)/libopaygo.a -o $@

# The state store over an emulated flash with power cuts (tests/c/store_test.c), on the token and
# device libraries.
$(C_DIR)/test-store-token: tests/c/store_test.c $(C_DIR)/libopaygo-token.a
	$(HOST_CC) $(HOST_CFLAGS) $(C_INC) -DOPAYGO_TOKEN_ONLY=1 $^ -o $@
$(C_DIR)/test-store-device: tests/c/store_test.c $(C_DIR)/libopaygo-device.a
	$(HOST_CC) $(HOST_CFLAGS) $(C_INC) $^ -o $@

# Each program ends with "N passed, M failed"; the suite sums both into its result file.
TEST_SUITES += test-c
test-c: $(C_DIR)/test-c-token $(C_DIR)/test-c-device $(C_DIR)/test-c-seed $(C_DIR)/test-c-full $(C_DIR)/test-store-token \
        $(C_DIR)/test-store-device
	@mkdir -p build/test-results
	@status=0; : > build/test-results/test-c.log; \
	for t in token device seed full; do \
	  timeout 300 $(C_DIR)/test-c-$$t $(C_DIR)/footprint-$$t.txt | tee -a build/test-results/test-c.log || status=1; \
	done; \
	for t in token device; do timeout 300 $(C_DIR)/test-store-$$t | tail -1 | tee -a build/test-results/test-c.log || status=1; done; \
	python3 tests/tools/count_results.py test-c build/test-results/test-c.log 6 || status=1; exit $$status
