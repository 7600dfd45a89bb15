// The .wasm files themselves: strict MVP, no imports, one page that never grows.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers.js";

for (const name of ["opaygo-token.wasm", "opaygo-device.wasm", "opaygo-seed.wasm", "opaygo-lean.wasm", "opaygo.wasm"]) {
  const file = path.join(ROOT, "build", name);
  test(`${name}: no imports, one fixed 64 KiB page, no memory.grow, strict MVP`, () => {
    const module = new WebAssembly.Module(fs.readFileSync(file));
    assert.deepEqual(WebAssembly.Module.imports(module), []);
    const dump = spawnSync("wasm-objdump", ["-x", "-d", file], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(dump.status, 0, dump.stderr);
    assert.match(dump.stdout, /memory\[0\] pages: initial=1 max=1/);
    assert.doesNotMatch(dump.stdout, /memory\.grow/);
    const validate = spawnSync("wasm-validate", [
      "--disable-sign-extension", "--disable-saturating-float-to-int", "--disable-bulk-memory",
      "--disable-multi-value", "--disable-reference-types", "--disable-mutable-globals", "--disable-simd", file,
    ], { encoding: "utf8" });
    assert.equal(validate.status, 0, validate.stderr);
  });
}

// The firmware modules have no float type or instruction, so an interpreter built without float
// support (wasm3's d_m3HasFloat 0: about 23 KB less flash) runs them.
for (const name of ["opaygo-token.wasm", "opaygo-device.wasm", "opaygo-seed.wasm", "opaygo-lean.wasm"]) {
  test(`${name}: no f32 / f64 anywhere (types, globals, instructions)`, () => {
    const wat = spawnSync("wasm2wat", [path.join(ROOT, "build", name)], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(wat.status, 0, wat.stderr);
    const floats = wat.stdout.split("\n").filter((line) => /\bf(32|64)\b|\bf(32|64)\./.test(line));
    assert.deepEqual(floats.slice(0, 5), []);
  });
}
