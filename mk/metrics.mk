# OpenPAYGO Metrics: vectors byte for byte through the Node .wasm, server side, refusals, and the
# device side of answers.
TEST_SUITES += test-metrics
test-metrics: build
	node tests/tools/node-suite.mjs test-metrics build/js/tests/metrics.test.js build/js/tests/metrics-answer.test.js build/js/tests/metrics-acc.test.js
