# make size: one table of code and RAM sizes (wasm, x86-64, Cortex-M0+/M4, rv32imc; the source
# release's amalgamations built with its own CMake for the Cortex-M0+), also build/size.json and the
# tables of docs/sizes.md and docs/profiles.md (between their <!-- size:begin --> and <!-- size:end --> marks).
.PHONY: size
# The harness measures the linear memory the workload really touches.
$(C_DIR)/footprint-%.txt: $(C_DIR)/test-c-%
	$< $@ > /dev/null

size: wasm c cortex-m $(foreach m,$(VARIANTS),build/riscv/libopaygo-$(m).a) $(foreach v,$(VARIANTS),$(C_DIR)/footprint-$(v).txt) $(DIST_SIZE_BUILD)/.built
	@python3 tests/tools/size_report.py
