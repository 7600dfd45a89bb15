# The build variants: one row per profile (docs/profiles.md), the one place that names what each
# profile builds. The Makefile (the .wasm), mk/c.mk (the C libraries on x86-64), mk/cortex-m.mk
# (the same on Cortex-M) and mk/mcu-wasm.mk (the .wasm on wasm3) make their rules from it. A
# profile's asconfig.json target has the profile's name.
#   entry          the AssemblyScript entry file (its export list)
#   .wasm          the module, in build/
#   opt            wasm-opt's level for it
#   C define       which C API bindings/c/opaygo.c compiles (token only, device, full)
#   wasm2c input   the .wasm the C library translates, in build/ (c/: the size build, mk/c.mk)
#   wasm2c module  the module's name in the generated C (a profile of the device keeps the device's
#                  name, so that opaygo.c compiles unchanged)
#   wasm2c source  the generated C, in build/c/ (a profile of the device in a directory of its
#                  own, with its vectors: build/c/<profile>/test_vectors.c, mk/c.mk)
#   C library      the library's file name (build/c/, build/arm/<cpu>/)
#
#                  entry                      .wasm               opt  C define               wasm2c input          wasm2c module  wasm2c source              C library
VARIANT_token  := assembly/index-token.ts   opaygo-token.wasm   -Oz  -DOPAYGO_TOKEN_ONLY=1  c/opaygo-token.wasm   opaygo_token   opaygo_token_wasm.c        libopaygo-token.a
VARIANT_device := assembly/index-device.ts  opaygo-device.wasm  -Oz  -DOPAYGO_FULL=0        c/opaygo-device.wasm  opaygo_device  opaygo_device_wasm.c       libopaygo-device.a
VARIANT_seed   := assembly/index-device.ts  opaygo-seed.wasm    -Oz  -DOPAYGO_FULL=0        c/opaygo-seed.wasm    opaygo_device  seed/opaygo_device_wasm.c  libopaygo-seed.a
VARIANT_lean   := assembly/index-device.ts  opaygo-lean.wasm    -Oz  -DOPAYGO_FULL=0        c/opaygo-lean.wasm    opaygo_device  lean/opaygo_device_wasm.c  libopaygo-lean.a
VARIANT_full   := assembly/index-full.ts    opaygo.wasm         -O3  -DOPAYGO_FULL=1        opaygo.wasm           opaygo         opaygo_full_wasm.c         libopaygo.a
VARIANTS := token device seed lean full
# The profiles a device links: the C libraries for every Cortex-M, wasm3 built for every Cortex-M.
# The full build (server side, generation) runs on the Cortex-M3 under QEMU only.
FIRMWARE_VARIANTS := token device seed lean

variant_entry = $(word 1,$(VARIANT_$(1)))
variant_wasm = build/$(word 2,$(VARIANT_$(1)))
# its file name without .wasm: asc writes build/asc/<stem>.wasm (asconfig.json) and <stem>.d.ts
variant_stem = $(basename $(word 2,$(VARIANT_$(1))))
variant_opt = $(word 3,$(VARIANT_$(1)))
variant_cdefs = $(word 4,$(VARIANT_$(1)))
variant_w2c_input = build/$(word 5,$(VARIANT_$(1)))
variant_w2c_module = $(word 6,$(VARIANT_$(1)))
variant_w2c_source = build/c/$(word 7,$(VARIANT_$(1)))
variant_lib = $(word 8,$(VARIANT_$(1)))
# Where the generated module is: opaygo.c includes it by name, so a profile of the device is
# compiled with its own directory first on the include path.
variant_c_dir = $(patsubst %/,%,$(dir $(call variant_w2c_source,$(1))))
# The C harness's vectors for the profile: build/c/test_vectors.c (every feature), or next to the
# profile's own generated source (its features: tests/c/gen_vectors.py --profile).
variant_vectors = $(call variant_c_dir,$(1))/test_vectors.c
