# The reference server on PostgreSQL: a throwaway server (Debian's postgresql, initdb into a
# temporary directory, unix socket only) started and stopped by tests/pg-cluster.ts; the load,
# replay, crash and body tests on it, and 4 `opaygo server` processes sharing one database.
TEST_SUITES += test-postgres
test-postgres: build
	node tests/tools/node-suite.mjs test-postgres build/js/tests/postgres.test.js

# make bench-server: requests/s and points/s of the reference server, SQLite (1 process) and
# PostgreSQL (1, 2 and 4 processes on one database), side by side; build/bench-server.json.
# Not a test: nothing is timed against a threshold.
.PHONY: bench-server
bench-server: build
	node build/js/tests/bench/server-bench.js
