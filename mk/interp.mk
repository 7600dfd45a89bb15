# Every profile's .wasm on real interpreters: wasm3 (pywasm3) and wasmi (crates.io, built here with a
# small Rust driver). Each suite runs the token vectors, the device procedure and the metrics
# vectors (tests/c/metrics_ops.py call lists: requests on the device and full modules, server side
# on opaygo.wasm; opaygo-token.wasm has no metrics).
WASMI_DRIVER := build/wasmi-driver/release/opaygo-wasmi-driver
INTERP_WASM := $(foreach v,$(VARIANTS),$(call variant_wasm,$(v)))

$(WASMI_DRIVER): tests/interp/wasmi-driver/Cargo.toml tests/interp/wasmi-driver/Cargo.lock tests/interp/wasmi-driver/src/main.rs
	CARGO_TARGET_DIR=build/wasmi-driver cargo build --release --locked --quiet --manifest-path tests/interp/wasmi-driver/Cargo.toml

TEST_SUITES += test-wasm3 test-wasmi
.PHONY: test-wasm3 test-wasmi
test-wasm3: wasm
	@mkdir -p build/test-results
	@timeout 300 python3 tests/interp/run_vectors.py wasm3 $(INTERP_WASM) | tee build/test-results/test-wasm3.log; \
	python3 tests/tools/count_results.py test-wasm3 build/test-results/test-wasm3.log 1

test-wasmi: wasm $(WASMI_DRIVER)
	@mkdir -p build/test-results
	@timeout 300 python3 tests/interp/run_vectors.py wasmi $(INTERP_WASM) | tee build/test-results/test-wasmi.log; \
	python3 tests/tools/count_results.py test-wasmi build/test-results/test-wasmi.log 1
