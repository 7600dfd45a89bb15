# Byte layer (assembly/json, assembly/cbor): differential tests against Python's json and cbor2.
TEST_SUITES += test-json

.PHONY: test-json json-vectors
test-json: build/opaygo.wasm build/js/.done
	node tests/tools/node-suite.mjs test-json build/js/tests/json-diff.test.js

# Regenerates the committed vectors (needs python3 with cbor2).
json-vectors:
	python3 tests/peers/make_json_vectors.py --seed 1 --out tests/vectors/json_canonical.jsonl
