# The C source release, as firmware teams take it (bindings/c/dist/README.md is its README; this
# file is read after c.mk, cortex-m.mk and mcu-wasm.mk, whose products it packs).
#   make dist-c     build/dist/opaygo-c-<version>.tar.gz and .zip (scripts/dist-c.py): per profile
#                   one amalgamated opaygo-<profile>.c (the same wasm2c output and code as the
#                   libraries of make c / make cortex-m) and opaygo.h, a CMake package, a Makefile
#                   fragment, the .wasm modules and the interpreter glue (wasm3, WAMR, toywasm: their
#                   sources are the user's, never in the archive), tests/, examples/keypad
#   make npm-dist   the same tree as dist/c/ for the npm package (package.json "files")
#   make test-dist  (suite) the checks of tests/dist/check.sh, from the archive alone with no
#                   generator on PATH
# The profiles, their sources and defines come from mk/variants.mk (FIRMWARE_VARIANTS).
DIST_VERSION := $(shell sed -n 's/^  "version": "\(.*\)",$$/\1/p' package.json)
DIST_NAME := opaygo-c-$(DIST_VERSION)
DIST_DIR := build/dist
DIST_ARCHIVE := $(DIST_DIR)/$(DIST_NAME)
# The profiles: those a device links (mk/variants.mk: each one's wasm2c output, C defines, .wasm).
DIST_PROFILES := $(FIRMWARE_VARIANTS)
# The targets whose library figures the README gives (the same code as the amalgamations).
DIST_SIZE_CPUS := cortex-m0plus cortex-m3
# What tests/ holds: the C harness, the state store test; the vectors of each profile are the token
# vectors and the device procedures (the official one among them), as C arrays.
DIST_TESTS := tests/c/suite.c tests/c/suite.h tests/c/test_vectors.h tests/c/host_main.c tests/c/store_test.c
DIST_VECTOR_FILES := tests/vectors/tokens_reference.jsonl tests/vectors/tokens_random.jsonl \
                     tests/vectors/device_procedure.jsonl tests/vectors/device_procedure_official.jsonl
# (a profile of the device, in a directory of its own, takes them as its features run them)
dist_vector_profile = $(if $(filter-out $(C_DIR),$(call variant_c_dir,$(1))),--profile $(1))
# The interpreter backends: the API source, the backend interface and the arena WAMR and toywasm
# allocate from (interp/), each backend's glue and build-time patch (interp/<backend>/; the generated
# module and export functions are per profile: mk/mcu-wasm.mk). Each interpreter's source files and
# defines go into the CMake package as mk/mcu-wasm.mk and mk/wamr-toywasm.mk build them.
DIST_INTERP := bindings/c/opaygo.c bindings/c/opaygo_interp.h bindings/c/opaygo_heap.c bindings/c/opaygo_heap.h \
               wasm3:bindings/c/opaygo_wasm3.c wasm3:scripts/patches/wasm3-parse-oom.patch \
               wamr:bindings/c/opaygo_wamr.c wamr:bindings/c/wamr/platform_internal.h wamr:scripts/patches/wamr.patch \
               toywasm:bindings/c/opaygo_toywasm.c toywasm:bindings/c/toywasm/toywasm_config.h toywasm:scripts/patches/toywasm.patch
DIST_INTERP_BUILDS = --interp-build wasm3 "$(WASM3_SOURCES:%=%.c)" "$(WASM3_DEFS)" \
                      --interp-build wamr "$(WAMR_C)" "$(WAMR_DEFS)" \
                      --interp-build toywasm "$(TOYWASM_C)" "$(filter -D%,$(TOYWASM_DEFS))"

$(DIST_DIR)/vectors/%.c: tests/c/gen_vectors.py tests/c/metrics_ops.py abi/abi.json asconfig.json $(DIST_VECTOR_FILES)
	@mkdir -p $(@D)
	python3 tests/c/gen_vectors.py $(call dist_vector_profile,$*) $@ $(DIST_VECTOR_FILES)

DIST_INPUTS := scripts/dist-c.py $(shell find bindings/c/dist -type f) LICENSE $(C_BINDING_SOURCES) $(C_DIR)/wasm-rt.h \
               $(DIST_TESTS) $(foreach f,$(DIST_INTERP),$(lastword $(subst :, ,$(f)))) tests/tools/size_report.py \
               $(foreach p,$(DIST_PROFILES),$(call variant_w2c_source,$(p)) $(call variant_wasm,$(p)) $(MCU_DIR)/gen/$(p)/opaygo_module.c \
                 $(MCU_DIR)/gen/$(p)/opaygo_exports.h $(DIST_DIR)/vectors/$(p).c \
                 $(foreach cpu,$(DIST_SIZE_CPUS),$(ARM_DIR)/$(cpu)/$(call variant_lib,$(p))))

# $(1): the tree to write (the archives beside it, .tar.gz and .zip); $(2): where each profile's
# wasm2c output is (a directory per profile), empty for make c's.
dist_c_cmd = python3 scripts/dist-c.py --version $(DIST_VERSION) --out $(1) \
  --size-libs $(foreach cpu,$(DIST_SIZE_CPUS),$(ARM_DIR)/$(cpu)) --tests $(DIST_TESTS) --interp $(DIST_INTERP) $(DIST_INTERP_BUILDS) \
  $(foreach p,$(DIST_PROFILES),--profile $(p) --module-c $(if $(2),$(2)/$(p)/$(notdir $(call variant_w2c_source,$(p))),$(call variant_w2c_source,$(p))) \
    $(foreach d,$(call variant_cdefs,$(p)),--define $(patsubst -D%,%,$(d))) --lib $(call variant_lib,$(p)) \
    --wasm $(call variant_wasm,$(p)) --wasm-gen $(MCU_DIR)/gen/$(p) \
    --vectors $(DIST_DIR)/vectors/$(p).c --wasm3 heap=$(MCU_HEAP_$(p)),stack=$(MCU_STACK_$(p)),page=$(WASM3_PAGE_$(p)),float=$(WASM3_FLOAT_$(p)) \
    $(foreach b,$(INTERP_BACKENDS),--$(b) heap=$(INTERP_HEAP_$(b)_$(p)),stack=$(INTERP_STACK_$(b)_$(p))))
# Each profile's wasm2c output made again into $(1)/<profile>/ (as mk/c.mk makes it).
dist_w2c_out = $(1)/$(2)/$(notdir $(call variant_w2c_source,$(2)))
dist_w2c_cmd = $(foreach p,$(DIST_PROFILES),mkdir -p $(1)/$(p) && \
  wasm2c $(call variant_w2c_input,$(p)) -n $(call variant_w2c_module,$(p)) -o $(call dist_w2c_out,$(1),$(p)) && \
  python3 scripts/wasm2c-mcu.py $(call variant_w2c_input,$(p)) $(call dist_w2c_out,$(1),$(p)) $(call dist_w2c_out,$(1),$(p)) &&) true

# The commit the release names (and whether the tree differs from it): rewritten when that changes,
# so that a new commit makes a new release.
DIST_COMMIT := $(shell git rev-parse HEAD 2>/dev/null) $(shell git status --porcelain --untracked-files=no 2>/dev/null | cksum)
$(DIST_DIR)/commit: dist-commit-check
	@mkdir -p $(@D)
	@echo '$(DIST_COMMIT)' | cmp -s - $@ || echo '$(DIST_COMMIT)' > $@

.PHONY: dist-c npm-dist test-dist dist-commit-check
dist-c: $(DIST_ARCHIVE).tar.gz $(DIST_ARCHIVE).zip
$(DIST_ARCHIVE).tar.gz $(DIST_ARCHIVE).zip &: $(DIST_INPUTS) $(DIST_DIR)/commit
	$(call dist_c_cmd,$(DIST_ARCHIVE))

# The npm package's dist/c/: the archive's tree, unpacked from it.
npm-dist: dist-c
	rm -rf dist/c && mkdir -p dist/c && tar xzf $(DIST_ARCHIVE).tar.gz -C dist/c --strip-components=1

# The archive made again (from wasm2c output made again, elsewhere) for the reproducibility check;
# the metrics vectors and wasm3's sources for the checks beyond the archive's own tests.
DIST_AGAIN := $(DIST_DIR)/check/again
TEST_SUITES += test-dist
test-dist: dist-c $(foreach p,$(DIST_PROFILES),$(call variant_vectors,$(p))) $(WASM3_SRC)/.patched
	@mkdir -p build/test-results
	@tests/dist/check.sh $(DIST_ARCHIVE) '$(call dist_w2c_cmd,$(DIST_AGAIN)/w2c) && $(call dist_c_cmd,$(DIST_AGAIN)/$(DIST_NAME),$(DIST_AGAIN)/w2c)' \
	  $(foreach p,$(DIST_PROFILES),$(p):$(call variant_vectors,$(p)):$(call variant_lib,$(p))) | tee build/test-results/test-dist.log; \
	python3 tests/tools/count_results.py test-dist build/test-results/test-dist.log 1

# make size: the amalgamations built for the Cortex-M0+ with the archive's own CMake (its toolchain
# file, MinSizeRel), whose text tests/tools/size_report.py sets beside the libraries'.
DIST_SIZE_BUILD := $(DIST_DIR)/size-cortex-m0plus
$(DIST_SIZE_BUILD)/.built: $(DIST_ARCHIVE).tar.gz
	rm -rf $(DIST_SIZE_BUILD) && mkdir -p $(DIST_SIZE_BUILD)/src
	tar xzf $< -C $(DIST_SIZE_BUILD)/src --strip-components=1
	cmake -S $(DIST_SIZE_BUILD)/src -B $(DIST_SIZE_BUILD)/build -DCMAKE_TOOLCHAIN_FILE=$(abspath $(DIST_SIZE_BUILD))/src/cmake/arm-none-eabi.cmake \
	  -DOPAYGO_CPU=cortex-m0plus -DCMAKE_BUILD_TYPE=MinSizeRel -DOPAYGO_TESTS=OFF > /dev/null
	cmake --build $(DIST_SIZE_BUILD)/build -j 2 > /dev/null
	touch $@

