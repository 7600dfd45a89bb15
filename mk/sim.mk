# The fleet simulation, the reference server, the Python reference library as a second kind of
# device, the HTML report and the server's dashboard in headless Chromium.
TEST_SUITES += test-sim
test-sim: build
	node tests/tools/node-suite.mjs test-sim build/js/tests/sim-codec.test.js build/js/tests/server.test.js build/js/tests/server-ops.test.js \
	  build/js/tests/sim.test.js build/js/tests/peer.test.js build/js/tests/report.test.js build/js/tests/openapi.test.js \
	  build/js/tests/dashboard.test.js

# docs/api.md: the reference server's routes and bodies, from its OpenAPI document (tests/tools/api-doc.ts;
# tests/openapi.test.ts checks that the page is up to date).
.PHONY: api-doc
api-doc: build
	node build/js/tests/tools/api-doc.js docs/api.md
