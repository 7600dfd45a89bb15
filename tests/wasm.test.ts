// The .wasm files themselves: strict MVP, no imports; the firmware modules in one page that never
// grows, the full module's server side growing its memory up to its declared maximum.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "./helpers.js";
import { ERR_METRICS_NOT_BUILT, FEATURE_ACCESSORIES, FEATURE_ANSWER_OBJECTS, FEATURE_FLOATS, FEATURE_FORMAT_OBJECT } from "../bindings/abi.js";
import { SERVER_MEMORY_LIMIT } from "../bindings/server.js";

for (const name of ["opaygo-token.wasm", "opaygo-device.wasm", "opaygo-seed.wasm", "opaygo-lean.wasm", "opaygo.wasm"]) {
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
for (const name of ["opaygo-token.wasm", "opaygo-device.wasm", "opaygo-seed.wasm", "opaygo-lean.wasm"]) {
  test(`${name}: no f32 / f64 anywhere (types, globals, instructions)`, () => {
    const wat = spawnSync("wasm2wat", [path.join(ROOT, "build", name)], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(wat.status, 0, wat.stderr);
    const floats = wat.stdout.split("\n").filter((line) => /\bf(32|64)\b|\bf(32|64)\./.test(line));
    assert.deepEqual(floats.slice(0, 5), []);
  });
}

// A feature a profile leaves out is compiled out (docs/profiles.md): the exports that are all
// feature (the rest of the ABI stays) are stubs whose whole body returns ERR_METRICS_NOT_BUILT.
const FEATURE_EXPORTS: [number, string[]][] = [
  [FEATURE_FLOATS, ["metrics_put_float"]],
  [FEATURE_FORMAT_OBJECT, ["metrics_format_object"]],
  [FEATURE_ACCESSORIES, ["metrics_accessory_add"]],
  [FEATURE_ANSWER_OBJECTS, ["metrics_answer_object_offset", "metrics_answer_object_length", "metrics_answer_string"]],
];
for (const name of ["opaygo-seed.wasm", "opaygo-lean.wasm"]) {
  test(`${name}: every export of a feature left out is a stub returning ERR_METRICS_NOT_BUILT`, () => {
    const file = path.join(ROOT, "build", name);
    const bytes = fs.readFileSync(file);
    const features = (new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports.metrics_features as () => number)();
    const wat = spawnSync("wasm2wat", [file], { encoding: "utf8", maxBuffer: 64 << 20 });
    assert.equal(wat.status, 0, wat.stderr);
    const exported = new Map([...wat.stdout.matchAll(/\(export "(\w+)" \(func (\d+)\)\)/g)].map((m) => [m[1], m[2]]));
    const body = (index: string) => wat.stdout.split("\n  (func ").find((f) => f.startsWith(`(;${index};)`))!.replace(/^[^\n]*\n/, "").trim();
    let stubs = 0;
    for (const [feature, names] of FEATURE_EXPORTS) {
      if (features & feature) continue;
      for (const e of names) {
        assert.equal(body(exported.get(e)!), `i32.const ${ERR_METRICS_NOT_BUILT})`, `${name}: ${e}`);
        stubs++;
      }
    }
    assert.ok(stubs > 0);
  });
}
