# OpenPAYGO Metrics: vectors byte for byte through the Node .wasm, server side, refusals, and the
# device side of answers.
TEST_SUITES += test-metrics
test-metrics: build
	node tests/tools/node-suite.mjs test-metrics build/js/tests/metrics.test.js build/js/tests/metrics-answer.test.js build/js/tests/metrics-acc.test.js build/js/tests/metrics-regressions.test.js \
	  build/js/tests/metrics-server.test.js

# Differential tests against the reference library: needs python3 with openpaygo 0.6.3 (fails, never
# skips, without it) and the cbor-x devDependency.
TEST_SUITES += test-metrics-peer
test-metrics-peer: build
	node tests/tools/node-suite.mjs test-metrics-peer build/js/tests/metrics-peer.test.js
