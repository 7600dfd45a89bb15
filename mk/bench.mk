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
