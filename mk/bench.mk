# make bench: payload bytes, token decode and request encoding cost (native C under callgrind and
# clock_gettime, Node, wasm3, the reference Python library), sizes; one table, build/bench.json,
# docs/performance.md. Not a test: nothing is timed
# against a threshold. test-bench runs it in quick mode and checks the JSON shape and byte counts.
.PHONY: bench test-bench
bench: build c size wasm3-x86
	node build/js/tests/bench/bench.js

TEST_SUITES += test-bench
test-bench: build c wasm3-x86
	node tests/tools/node-suite.mjs test-bench build/js/tests/bench/bench.test.js

# make bench-codec [BASELINE=DIR]: the server codec's cost per seed upload (instructions under
# callgrind: the whole upload in Node, the module's calls in C; CPU time in Node), where it goes,
# and 1 MiB / 4 MiB backlogs (time, memory); build/bench-codec.json and the table in docs/codec.md.
# BASELINE: another checkout, built with make build/c/libopaygo.a, whose module is measured beside.
.PHONY: bench-codec
bench-codec: build build/c/libopaygo.a
	node build/js/tests/bench/codec-bench.js --write-docs $(if $(BASELINE),--baseline $(BASELINE))
