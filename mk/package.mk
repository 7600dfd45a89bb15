# The npm package as users get it (tests/package.test.ts): npm pack, install the tarball into
# scratch projects (registry only), use it from TypeScript, plain ESM, npx opaygo and AssemblyScript,
# and the C source release in its dist/c/ (make npm-dist) from C.
TEST_SUITES += test-package
.PHONY: test-package
test-package: build wasm3-wasi npm-dist
	node tests/tools/node-suite.mjs test-package build/js/tests/package.test.js
