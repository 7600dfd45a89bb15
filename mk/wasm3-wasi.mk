# wasm3 in Node: the wasm3 interpreter (C sources of the pinned pywasm3 sdist, fetched at build
# time, never committed) and our glue (bindings/wasm3/glue.c) compiled to a wasm32-wasi reactor
# with Debian's clang, lld, wasi-libc and wasm32 compiler-rt builtins. bindings/wasm3.ts runs it
# through node:wasi; `opaygo device run --engine wasm3` and tests/wasm3-node.test.ts use it.
#   make wasm3-wasi       build/wasm3-wasi/wasm3.wasm
#   make test-wasm3-node  token vectors, device procedures and state blobs on it, beside the Node engine
WASM3_WASI_DIR := build/wasm3-wasi
WASM3_WASI_SDIST := pywasm3-0.5.0
WASM3_WASI_SDIST_SHA256 := 5a47c8a39f7f6ae71b3316b2e5d86c9d0db6e771a65f09a86e4d4aa3a19aefcc
WASM3_WASI_SRC := $(WASM3_WASI_DIR)/src/$(WASM3_WASI_SDIST)/wasm3
WASI_CC ?= clang
# No debug info and relative paths only: the same sources give the same bytes on any machine.
# -mtail-call: wasm3's operations end in tail calls; as real ones (WebAssembly tail calls, on by
# default since Node 20) the interpreter's stack stays flat and the vector run takes ~40% less time.
WASI_CFLAGS := --target=wasm32-wasi -mtail-call -O2 -g0 -std=gnu11 -DNASSERTS -DNDEBUG -Dd_m3RecordBacktraces=0 \
               -fno-stack-protector -ffile-prefix-map=$(CURDIR)/= -Wno-everything
WASI_LDFLAGS := -mexec-model=reactor -Wl,-z,stack-size=262144 -Wl,--strip-all
# clang runs any `wasm-opt` it finds on PATH after an optimised wasm32 link. Under `npm pack` (its
# prepack builds this) npm puts node_modules/.bin first, where binaryen's wasm-opt refuses wasm3's
# tail calls: the link runs with node_modules/.bin taken out of PATH, whoever calls make.
WASI_PATH := $(shell printf '%s' "$$PATH" | tr ':' '\n' | grep -v '/node_modules/\.bin$$' | paste -sd: -)

.PHONY: wasm3-wasi
wasm3-wasi: $(WASM3_WASI_DIR)/wasm3.wasm

$(WASM3_WASI_SRC)/wasm3.h:
	@mkdir -p $(WASM3_WASI_DIR)/src
	python3 -m pip download --quiet --no-binary :all: --no-deps pywasm3==0.5.0 -d $(WASM3_WASI_DIR)/src
	echo "$(WASM3_WASI_SDIST_SHA256)  $(WASM3_WASI_DIR)/src/$(WASM3_WASI_SDIST).tar.gz" | sha256sum -c --quiet
	tar -xzf $(WASM3_WASI_DIR)/src/$(WASM3_WASI_SDIST).tar.gz -C $(WASM3_WASI_DIR)/src
	@touch $@

$(WASM3_WASI_DIR)/wasm3.wasm: bindings/wasm3/glue.c mk/wasm3-wasi.mk $(WASM3_WASI_SRC)/wasm3.h
	cd $(WASM3_WASI_SRC) && PATH='$(WASI_PATH)' $(WASI_CC) $(WASI_CFLAGS) -I. $(WASI_LDFLAGS) \
	  -o $(abspath $@) $$(ls *.c | LC_ALL=C sort) $(CURDIR)/bindings/wasm3/glue.c
	wasm-validate --enable-tail-call $@

TEST_SUITES += test-wasm3-node
.PHONY: test-wasm3-node
test-wasm3-node: build wasm3-wasi
	node tests/tools/node-suite.mjs test-wasm3-node build/js/tests/wasm3-node.test.js
