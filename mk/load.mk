# The reference server under load and faults: 200 devices at once, concurrent replays, SIGKILL and
# restart on the same SQLite file, oversized / slow / garbage bodies, constant-time signature checks;
# and what an operator trusts it with (tests/fleet-suite.ts): payments, replay state, exact data, backlogs;
# the --csv-dir files (tests/csv-dir.test.ts).
TEST_SUITES += test-load
test-load: build
	node tests/tools/node-suite.mjs test-load build/js/tests/load.test.js build/js/tests/faults.test.js build/js/tests/signature.test.js \
	  build/js/tests/fleet.test.js build/js/tests/csv-dir.test.js
