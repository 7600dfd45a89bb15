// The .wasm files themselves: strict MVP, no imports; the firmware modules in one page that never
// grows, the full module's server side growing its memory up to its declared maximum.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers.js";
import { SERVER_MEMORY_LIMIT } from "../bindings/server.js";

for (const name of ["opaygo-token.wasm", "opaygo-device.wasm", "opaygo-seed.wasm", "opaygo.wasm"]) {
  const file = path.join(ROOT, "build", name);
  const full = name === "opaygo.wasm";
  test(`${name}: no imports, ${full ? "one page growing up to SERVER_MEMORY_LIMIT (one memory.grow)" : "one fixed 64 KiB page, no memory.grow"}, strict MVP`, () => {
    const module = new WebAssembly.Module(fs.readFileSync(file));
    assert.deepEqual(WebAssembly.Module.imports(module), []);
    const dump = spawnSync("wasm-objdump", ["-x", "-d", file], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(dump.status, 0, dump.stderr);
    assert.match(dump.stdout, new RegExp(`memory\\[0\\] pages: initial=1 max=${full ? SERVER_MEMORY_LIMIT >> 16 : 1}\\b`));
    // the full module's only memory.grow is the server region's (assembly/server/region.ts)
    assert.equal(dump.stdout.match(/memory\.grow/g)?.length ?? 0, full ? 1 : 0);
    const validate = spawnSync("wasm-validate", [
      "--disable-sign-extension", "--disable-saturating-float-to-int", "--disable-bulk-memory",
      "--disable-multi-value", "--disable-reference-types", "--disable-mutable-globals", "--disable-simd", file,
    ], { encoding: "utf8" });
    assert.equal(validate.status, 0, validate.stderr);
  });
}

// The firmware modules have no float type or instruction, so an interpreter built without float
// support (wasm3's d_m3HasFloat 0: about 23 KB less flash) runs them.
for (const name of ["opaygo-token.wasm", "opaygo-device.wasm", "opaygo-seed.wasm"]) {
  test(`${name}: no f32 / f64 anywhere (types, globals, instructions)`, () => {
    const wat = spawnSync("wasm2wat", [path.join(ROOT, "build", name)], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(wat.status, 0, wat.stderr);
    const floats = wat.stdout.split("\n").filter((line) => /\bf(32|64)\b|\bf(32|64)\./.test(line));
    assert.deepEqual(floats.slice(0, 5), []);
  });
}
