# One place for every build and test step. `make test` is what CI runs (through .ci/run).
SHELL := /bin/bash
BIN := node_modules/.bin
AS_SOURCES := $(wildcard assembly/*.ts assembly/**/*.ts) asconfig.json
TS_SOURCES := $(shell find bindings host-sim cli tests -name '*.ts' 2>/dev/null) tsconfig.json package.json
# Strict WebAssembly MVP: every post-MVP feature that wabt knows, turned off.
MVP_ONLY := --disable-sign-extension --disable-saturating-float-to-int --disable-bulk-memory \
            --disable-multi-value --disable-reference-types --disable-mutable-globals --disable-simd

.PHONY: all build wasm js test test-random check setup sim clean deps
all: build

deps: node_modules/.package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

build: wasm js

wasm: build/opaygo-token.wasm build/opaygo-device.wasm build/opaygo.wasm

# The firmware modules (token: keypad tokens only; device: tokens and metrics) are optimised for
# size (-Oz): wasm3 runs the token chain in as many instructions as with -O2 or -O3, and the
# device .wasm is 2 KB smaller than with -O3. (The C libraries: mk/c.mk.)
build/opaygo-%.wasm: $(AS_SOURCES) | deps
	$(BIN)/asc assembly/index-$*.ts --config asconfig.json --target $*
	$(BIN)/wasm-opt --mvp-features -Oz build/asc/opaygo-$*.wasm -o $@
	wasm-validate $(MVP_ONLY) $@

build/opaygo.wasm: $(AS_SOURCES) | deps
	$(BIN)/asc assembly/index-full.ts --config asconfig.json --target full
	$(BIN)/wasm-opt --mvp-features -O3 build/asc/opaygo.wasm -o $@
	wasm-validate $(MVP_ONLY) $@

js: build/js/.done
build/js/.done: $(TS_SOURCES) | deps
	$(BIN)/tsc -p tsconfig.json
	@touch $@

# Fresh machine: install everything, build, run every suite.
check: setup
	$(MAKE) build
	$(MAKE) test

setup:
	scripts/install-deps.sh

# The main job on its embedded defaults: a fleet of simulated devices against the reference server.
sim: setup
	$(MAKE) build
	node bin/opaygo.js sim

clean:
	rm -rf build

# Test suites: each mk/*.mk adds its suite targets to TEST_SUITES. A suite target runs its tests
# and writes build/test-results/<suite>.json = {"passed":N,"failed":M}; `make test` runs them all
# (going on past a failing one) and ends with the summed line "N passed, M failed".
TEST_SUITES :=
include $(sort $(wildcard mk/*.mk))
.PHONY: $(TEST_SUITES)

test:
	@rm -rf build/test-results; mkdir -p build/test-results
	@status=0; for s in $(TEST_SUITES); do $(MAKE) --no-print-directory $$s || status=1; done; \
	  node tests/tools/summary.mjs $(TEST_SUITES) || status=1; exit $$status

# The randomized suites with a fresh seed, for developers (make check uses each test's fixed seed):
#   make test-random [SEED=S]   every randomized Node test derives its seed from S
#                               (OPAYGO_TEST_SEED, tests/helpers.ts testSeed), the fuzz smoke
#                               seeds libFuzzer with S; a failure names the seed to run again
RANDOM_SUITES := test-json test-properties test-metrics test-metrics-peer test-load test-fuzz
test-random: build
	@rm -rf build/test-results; mkdir -p build/test-results
	@seed="$(SEED)"; seed=$${seed:-$$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}; \
	  echo "test-random: SEED=$$seed (again: make test-random SEED=$$seed)"; \
	  status=0; for s in $(RANDOM_SUITES); do \
	    OPAYGO_TEST_SEED=$$seed $(MAKE) --no-print-directory $$s FUZZ_SMOKE_SEED=$$seed || status=1; done; \
	  node tests/tools/summary.mjs $(RANDOM_SUITES) || status=1; echo "test-random: SEED=$$seed"; exit $$status
