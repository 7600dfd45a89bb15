// test-bench: the bench harness in quick mode. Checks the shape of its JSON, that every engine
// agrees, and that the byte counts are the known vector sizes. Never asserts a time.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { runBench } from "./bench.js";

const seedVector = JSON.parse(fs.readFileSync(new URL("../../../../tests/vectors/seed_scenario.json", import.meta.url), "utf8"));
let r: any;
before(async () => { r = await runBench({ quick: true, log: () => {} }); }, { timeout: 300_000 });

const isPositive = (x: unknown) => typeof x === "number" && Number.isFinite(x) && x > 0;

test("the JSON has every section", () => {
  for (const k of ["date", "machine", "http", "payload", "decode", "encode", "size", "summary"]) assert.ok(k in r, k);
  assert.ok(isPositive(r.machine.nproc));
  assert.equal(typeof r.machine.cpu, "string");
  assert.equal(r.payload.length, 4);
  assert.equal(r.decode.length, 8);
  assert.deepEqual(r.encode.map((e: any) => e.auth), ["sa", "ta", "ca", "da", "ra", "ra"]);
  assert.ok(r.size === null || typeof r.size === "object");
});

test("every engine and the reference agree (no mismatch)", () => {
  assert.deepEqual(r.summary.mismatches, []);
  assert.equal(r.summary.reference_identical, true);
});

test("seed scenario bytes are the vector's: condensed 987, simple 3817, answer 46", () => {
  const p = r.payload.find((x: any) => x.case === "seed" && x.numbers === "float");
  assert.deepEqual(seedVector.bytes, { condensed: 987, simple: 3817, answer: 46 });
  assert.equal(p.bytes.condensed, seedVector.bytes.condensed);
  assert.equal(p.bytes.simple, seedVector.bytes.simple);
  assert.equal(p.bytes.answer, seedVector.bytes.answer);
  assert.deepEqual(p.reference, { ...seedVector.bytes, cbor: null });
});

test("every case's JSON byte counts equal the reference library's", () => {
  for (const p of r.payload) {
    assert.equal(p.bytes.condensed, p.reference.condensed);
    assert.equal(p.bytes.simple, p.reference.simple);
    assert.equal(p.bytes.answer, p.reference.answer);
    assert.ok(p.bytes.cbor > 0);
  }
});

test("HTTP exchange: Host, Content-Type, Content-Length only; sizes add up", () => {
  for (const p of r.payload) {
    for (const [form, h] of Object.entries<any>(p.http)) {
      const names = h.requestHead.split("\r\n").slice(1).filter(Boolean).map((l: string) => l.split(":")[0]);
      assert.deepEqual(names, ["Host", "Content-Type", "Content-Length"]);
      const body = form === "cbor" ? p.bytes.cbor : p.bytes.condensed;
      assert.equal(h.requestHeaders, h.requestHead.length);
      assert.equal(h.request, h.requestHeaders + body);
      assert.equal(h.response, h.responseHeaders + p.bytes.answer);
      assert.equal(h.total, h.request + h.response);
      assert.match(h.requestHead, new RegExp(`Content-Length: ${body}\r\n\r\n$`));
    }
  }
  const seedInts = r.payload.find((x: any) => x.case === "seed" && x.numbers === "int_x100");
  assert.equal(r.summary.seed_exchange_cbor_int_ra_bytes, seedInts.http.cbor.total);
});

test("decode and encode records carry instructions and times", () => {
  for (const d of r.decode) {
    assert.ok([1, 100, 1000, 10000].includes(d.count));
    assert.ok(Number.isInteger(d.c.instructions) && d.c.instructions > 0);
    for (const e of ["c", "node", "wasm3", "reference_python"]) assert.ok(isPositive(d[e].seconds), `${e} ${d.kind}@${d.count}`);
  }
  for (const e of r.encode) {
    assert.ok(e.c.instructions > 0);
    for (const k of ["c", "node", "wasm3"]) assert.ok(isPositive(e[k].seconds));
  }
  assert.equal(r.encode.find((e: any) => e.auth === "ra" && !e.cbor).bytes, 987);
  assert.ok(isPositive(r.summary.c_instructions_per_chain_step));
  for (const m of ["token", "device"]) assert.ok(isPositive(r.summary.wasm3_x86_instructions_per_chain_step[m]), m);
});
