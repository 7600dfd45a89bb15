# Coverage-guided fuzzing of the C build (wasm2c output + runtime shim) with libFuzzer, ASan and
# UBSan. Targets: tests/fuzz/fuzz_*.c (a trap in the module aborts: it is a bug).
#   make fuzz-build               the fuzz binaries in build/fuzz/
#   make fuzz [FUZZ_TIME=300]     every target for FUZZ_TIME seconds, FUZZ_JOBS at a time
#   make test-fuzz                CI smoke: regressions replayed, then every target for a fixed
#                                 number of executions (FUZZ_SMOKE_RUNS: about 45 s each on an idle
#                                 2 cores), two at a time, each with a fixed libFuzzer seed (from
#                                 FUZZ_SMOKE_SEED and the target's name) and a fresh corpus
#                                 (build/fuzz/run-corpus/), so every machine, fast or slow, runs
#                                 as many inputs from the same start; it fails on crashes only
# make fuzz keeps its corpus (build/fuzz/corpus/) and a random seed (FUZZ_SEED=S fixes one).
# Both write build/fuzz-stats.json (executions, corpus, seed, crashes per target); crashing inputs
# land in build/fuzz/crashes/<target>/ (commit each under tests/fuzz/regressions/<target>/).
FUZZ_CC ?= clang
FUZZ_DIR := build/fuzz
FUZZ_TIME ?= 300
FUZZ_SMOKE_RUNS ?= token=60000 state=800000 request=40000 request_full=20000 server=20000 json=50000 cbor=120000
FUZZ_SMOKE_SEED ?= 1
FUZZ_SEED ?=
FUZZ_JOBS ?= 2
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS := -g -O1 -std=gnu11 $(FUZZ_SAN) $(W2C_DEFS) -Ibindings/c -I$(C_DIR) -Itests/fuzz
FUZZ_DEVICE_TARGETS := token state request
FUZZ_FULL_TARGETS := request_full server json cbor
FUZZ_TARGETS := $(FUZZ_DEVICE_TARGETS) $(FUZZ_FULL_TARGETS)
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_TARGETS))

.PHONY: fuzz-build fuzz fuzz-seeds test-fuzz
fuzz-build: $(FUZZ_BINS) fuzz-seeds

$(FUZZ_DIR)/obj/%_wasm.o: $(C_DIR)/%_wasm.c $(C_DIR)/wasm-rt.h bindings/c/wasm-rt-mcu.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(W2C_INCLUDE) -fsanitize=fuzzer-no-link -w -c $< -o $@
$(FUZZ_DIR)/obj/wasm-rt-mcu.o: bindings/c/wasm-rt-mcu.c bindings/c/wasm-rt-mcu.h $(C_DIR)/wasm-rt.h
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -Wall -Wextra -Werror -c $< -o $@

FUZZ_DEPS := tests/fuzz/harness.h $(FUZZ_DIR)/obj/wasm-rt-mcu.o bindings/c/opaygo_abi.h
$(addprefix $(FUZZ_DIR)/fuzz_,$(FUZZ_DEVICE_TARGETS)): $(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(FUZZ_DIR)/obj/opaygo_device_wasm.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wall -Wextra -Werror -DFUZZ_FULL=0 $< $(FUZZ_DIR)/obj/opaygo_device_wasm.o $(FUZZ_DIR)/obj/wasm-rt-mcu.o -o $@
$(FUZZ_DIR)/fuzz_request_full: tests/fuzz/fuzz_request.c $(FUZZ_DEPS) $(FUZZ_DIR)/obj/opaygo_full_wasm.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wall -Wextra -Werror -DFUZZ_FULL=1 $< $(FUZZ_DIR)/obj/opaygo_full_wasm.o $(FUZZ_DIR)/obj/wasm-rt-mcu.o -o $@
$(addprefix $(FUZZ_DIR)/fuzz_,server json cbor): $(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DEPS) $(FUZZ_DIR)/obj/opaygo_full_wasm.o
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Wall -Wextra -Werror -DFUZZ_FULL=1 $< $(FUZZ_DIR)/obj/opaygo_full_wasm.o $(FUZZ_DIR)/obj/wasm-rt-mcu.o -o $@

# Seed corpora from the vectors (generated, never committed).
fuzz-seeds: $(FUZZ_DIR)/seeds/.done
$(FUZZ_DIR)/seeds/.done: tests/fuzz/make_corpus.py $(wildcard tests/vectors/*.jsonl)
	rm -rf $(FUZZ_DIR)/seeds
	python3 tests/fuzz/make_corpus.py $(FUZZ_DIR)/seeds
	@touch $@

fuzz: fuzz-build
	python3 tests/fuzz/run.py --time $(FUZZ_TIME) --jobs $(FUZZ_JOBS) $(if $(FUZZ_SEED),--seed $(FUZZ_SEED)) $(FUZZ_TARGETS)

TEST_SUITES += test-fuzz
test-fuzz:
	@mkdir -p build/test-results
	@$(MAKE) --no-print-directory fuzz-build || { echo '{"passed":0,"failed":$(words $(FUZZ_TARGETS))}' > build/test-results/test-fuzz.json; exit 1; }
	python3 tests/fuzz/run.py $(addprefix --runs ,$(FUZZ_SMOKE_RUNS)) --jobs 2 --seed $(FUZZ_SMOKE_SEED) --fresh-corpus --suite test-fuzz $(FUZZ_TARGETS)

# Device invariants and adversarial inputs through the .wasm in Node (seeded, bounded).
# tests/refusal-state.test.ts also reads an unoptimised build of each module (build/probe/KIND.wat):
# the compiler's names of every mutable global and static area, for its whole-state snapshots.
TEST_SUITES += test-properties
PROBE_WAT := $(foreach v,$(VARIANTS),build/probe/$(v).wat)
build/probe/%.wat: $(AS_SOURCES) | deps
	@mkdir -p $(@D)
	$(BIN)/asc $(call variant_entry,$*) --config asconfig.json --target $* -O0 --outFile build/probe/$*.wasm --textFile $@
test-properties: build $(PROBE_WAT)
	node tests/tools/node-suite.mjs test-properties build/js/tests/properties.test.js build/js/tests/robustness.test.js \
	  build/js/tests/refusal-state.test.js
