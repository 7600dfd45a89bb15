# OpenPAYGO Metrics: vectors byte for byte through the Node .wasm, server side, refusals.
TEST_SUITES += test-metrics
test-metrics: build
	node tests/tools/node-suite.mjs test-metrics build/js/tests/metrics.test.js
