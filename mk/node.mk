# Node tests of the bindings, the CLI and the .wasm files.
TEST_SUITES += test-node
test-node: build
	node tests/tools/node-suite.mjs test-node build/js/tests/token.test.js build/js/tests/device.test.js \
	  build/js/tests/cli.test.js build/js/tests/wasm.test.js build/js/tests/vectors.test.js \
	  build/js/tests/abi.test.js
