# as-pect: unit tests of AssemblyScript internals, tests/assembly/*.spec.ts (config: as-pect.config.js,
# as-pect.asconfig.json). Compiled with as-pect's own runtime, not the strict-MVP build flags.
TEST_SUITES += test-aspect

.PHONY: test-aspect
test-aspect: | deps
	node tests/tools/aspect-suite.mjs test-aspect
