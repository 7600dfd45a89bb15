# The reference server on PostgreSQL: a throwaway server (Debian's postgresql, initdb into a
# temporary directory, unix socket only) started and stopped by tests/pg-cluster.ts; the load,
# replay, crash and body tests on it, and 4 `opaygo server` processes sharing one database.
TEST_SUITES += test-postgres
test-postgres: build
	node tests/tools/node-suite.mjs test-postgres build/js/tests/postgres.test.js

# make bench-server: the reference server's uploads per second, CPU per upload and PostgreSQL round
# trips per upload (seed-sized uploads; SQLite with 1 process, PostgreSQL with 1, 2 and 4 on one
# database), and a 1 MiB backlog's time and peak memory; build/bench-server.json. Not a test.
# BASELINE=<commit>: that commit's server measured in the same run, beside this build's (built once
# in build/baseline/<commit>/, a git worktree of this repository).
.PHONY: bench-server
BASELINE_DIR = build/baseline/$(BASELINE)
bench-server: build
	@if [ -n "$(BASELINE)" ] && [ ! -f $(BASELINE_DIR)/build/js/cli/main.js ]; then \
	  rm -rf $(BASELINE_DIR) && git worktree add --detach $(BASELINE_DIR) $(BASELINE) && \
	  (cd $(BASELINE_DIR) && npm ci --no-audit --no-fund --loglevel=error && $(MAKE) build); fi
	$(if $(BASELINE),OPAYGO_BENCH_BASELINE=$(abspath $(BASELINE_DIR))/bin/opaygo.js OPAYGO_BENCH_BASELINE_NAME=$(BASELINE)) node build/js/tests/bench/server-bench.js --write-docs
