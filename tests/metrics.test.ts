// OpenPAYGO Metrics against the reference vectors, byte for byte, and the refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { MetricsEncoder, buildAnswer, expandRequest, verifyRequest, parseLossless, rawMember, canonicalJson, canonicalRequest, Float } from "../bindings/metrics.js";
import type { JsonValue, MetricRow } from "../bindings/metrics.js";
import { Device } from "../bindings/device.js";
import { OpaygoError } from "../bindings/wasm.js";
import { TIME_VECTORS } from "./spec-time-vectors.js";

type Obj = { [k: string]: JsonValue };
const dir = new URL("../../../tests/vectors/", import.meta.url);
const lines = (name: string) => fs.readFileSync(new URL(name, dir), "utf8").split("\n").filter(Boolean);
const num = (v: JsonValue | undefined) => (v instanceof Float ? v.value : (v as number | bigint));

function encoder(v: Obj, module: "device" | "seed" | "lean" | "full" = "full"): MetricsEncoder {
  const e = new MetricsEncoder({ serialNumber: v.serial_number as string, key: v.key as string, authMethod: (v.auth_method as any) ?? null, dataFormat: v.data_format as any, module });
  if (v.timestamp != null) e.setTimestamp(num(v.timestamp));
  if (v.request_count != null) e.setRequestCount(num(v.request_count));
  e.setData(v.data as MetricRow);
  for (const r of v.historical_data as MetricRow[]) e.addHistoricalRow(r);
  return e;
}

lines("metrics_requests.jsonl").forEach((line, i) => {
  test(`metrics_requests line ${i + 1}`, () => {
    const v = parseLossless(line) as Obj;
    const exp = JSON.parse(line);
    if (exp.error) {
      assert.throws(() => { const e = encoder(v); e.condensed(); e.simple(); });
      return;
    }
    const e = encoder(v);
    assert.equal(e.condensed(), exp.condensed);
    assert.equal(e.simple(), exp.simple);
    // CBOR carries the same values: decoded back to canonical JSON it is the condensed payload
    const w = e.wasm;
    assert.equal(canonicalRequest({ body: encoder(v).cbor(), cbor: true }), exp.condensed);
    void w;
  });
});

test("seed scenario on the device module and the full module", () => {
  const text = fs.readFileSync(new URL("seed_scenario.json", dir), "utf8");
  const v = parseLossless(text) as Obj;
  const exp = JSON.parse(text);
  for (const module of ["device", "full"] as const) {
    const e = encoder(v, module);
    assert.equal(e.condensed(), exp.condensed);
    assert.equal(e.ring().rows, 30);
  }
  assert.equal(encoder(v).simple(), exp.simple);
  assert.equal(buildAnswer({ body: exp.condensed, key: exp.key, answer: { token_list: ["703181784"] } }), exp.answer);
  // a simple payload does not fit the device's 1 KiB buffer: refused, not truncated
  assert.throws(() => encoder(v, "device").simple(), /does not fit/);
});

// The seed profile (docs/profiles.md): condensed JSON and CBOR, ra, the ring, the answer; what it
// leaves out is refused with ERR_METRICS_NOT_BUILT (-38) and a message that says so.
test("seed profile: the seed scenario byte for byte, its answer applied; the features left out refused", () => {
  const text = fs.readFileSync(new URL("seed_scenario.json", dir), "utf8");
  const v = parseLossless(text) as Obj;
  const exp = JSON.parse(text);
  const e = encoder(v, "seed");
  assert.equal(e.wasm.exports.metrics_features(), 1 | 2 | 64 | (1 << 8) | (1 << 13)); // JSON, CBOR, floats; auth none and ra
  assert.equal(e.condensed(), exp.condensed);
  // CBOR: 30 rows of 2-decimal readings are doubles (9 bytes each) and overflow the 1 KiB buffer
  // (JSON is the smaller form here); 10 rows give the full module's bytes
  assert.throws(() => e.cbor(), /does not fit/);
  const short = { ...v, historical_data: (v.historical_data as JsonValue[]).slice(0, 10) };
  assert.deepEqual(encoder(short, "seed").cbor(), encoder(short, "full").cbor());
  const notBuilt = (err: unknown) => err instanceof OpaygoError && err.code === -38 && /not in this build/.test(err.message);
  assert.throws(() => e.simple(), notBuilt);
  assert.throws(() => e.addAccessory('{"sn":"A"}'), notBuilt);
  const answer = e.applyAnswer(exp.answer, 1611583100);
  assert.deepEqual(answer.tokens.map((t) => t.result), ["ACCEPTED"]);
  assert.equal(e.ring().rows, 0);
  // the answer's objects are not read (null), the signature and the tokens are
  assert.equal(answer.signed, true);
  assert.throws(() => new MetricsEncoder({ serialNumber: "X", module: "seed", authMethod: "sa", key: v.key as string }), notBuilt);
  assert.throws(() => new MetricsEncoder({ serialNumber: "X", module: "seed", dataFormat: { data_order: ["a"] } }), notBuilt);
  // a variable outside the format has only the simple form: refused when put
  const f = new MetricsEncoder({ serialNumber: "X", module: "seed", dataFormat: { id: 1, data_order: ["a"] } });
  assert.throws(() => f.setData({ a: 1, b: 2 }), (err: unknown) => err instanceof OpaygoError && err.code === -21);
  f.setData({ a: 1 });
  assert.equal(f.condensed(), '{"sn":"X","df":1,"d":[1],"hd":[]}');
});

// The lean profile (docs/profiles.md): integer readings, condensed JSON, ra, formats by id, the ring,
// the answer; floats, CBOR and the rest refused with ERR_METRICS_NOT_BUILT.
const notBuilt = (err: unknown) => err instanceof OpaygoError && err.code === -38 && /not in this build/.test(err.message);
test("lean profile: the seed scenario with integer readings byte for byte, its answer applied; the features left out refused", () => {
  const text = fs.readFileSync(new URL("seed_scenario_int.json", dir), "utf8");
  const v = parseLossless(text) as Obj;
  const exp = JSON.parse(text);
  const e = encoder(v, "lean");
  assert.equal(e.wasm.exports.metrics_features(), 1 | (1 << 13)); // JSON; auth ra
  assert.equal(e.condensed(), exp.condensed);
  assert.equal(encoder(v, "full").simple(), exp.simple);
  assert.throws(() => e.cbor(), notBuilt);
  assert.throws(() => e.simple(), notBuilt);
  assert.throws(() => e.addHistoricalRow({ battery_voltage: 13.22 }), notBuilt);
  assert.throws(() => e.addHistoricalRow({ battery_voltage: new Float(13) }), notBuilt);
  assert.equal(e.ring().rows, 30);
  // an answer holding a float (here in its extra data, which the signature covers) cannot be
  // checked without floats: refused, nothing changed
  const withFloat = buildAnswer({ body: exp.condensed, key: exp.key, answer: { token_list: ["703181784"], extra_data: { t: new Float(21.5) } } });
  assert.throws(() => e.applyAnswer(withFloat, 1611583100), notBuilt);
  assert.equal(e.ring().rows, 30);
  const answer = e.applyAnswer(exp.answer, 1611583100);
  assert.deepEqual(answer.tokens.map((t) => t.result), ["ACCEPTED"]);
  assert.equal(answer.signed, true);
  assert.equal(e.ring().rows, 0);
  for (const authMethod of [null, "sa", "ta", "ca", "da"] as const) {
    assert.throws(() => new MetricsEncoder({ serialNumber: "X", module: "lean", authMethod, key: v.key as string }), notBuilt);
  }
  assert.throws(() => new MetricsEncoder({ serialNumber: "X", module: "lean", authMethod: "ra", key: v.key as string, dataFormat: { data_order: ["a"] } }), notBuilt);
});

// The integer requests (tests/peers/make_profile_vectors.py): byte for byte on the full module; the
// lean profile does what the device module does with them (same buffers), and gives the reference's
// payload whenever its ring kept every row.
lines("metrics_requests_int.jsonl").forEach((line, i) => {
  test(`metrics_requests_int line ${i + 1}: full, device and lean modules`, () => {
    const v = parseLossless(line) as Obj;
    const exp = JSON.parse(line);
    if (exp.error) {
      assert.throws(() => { const e = encoder(v); e.condensed(); e.simple(); });
      return;
    }
    assert.equal(encoder(v).condensed(), exp.condensed);
    assert.equal(encoder(v).simple(), exp.simple);
    const run = (module: "device" | "lean") => {
      try {
        const e = encoder(v, module);
        return { out: e.condensed(), dropped: e.ring().dropped };
      } catch (err) {
        assert.ok(err instanceof OpaygoError, String(err));
        return { out: `error ${err.code}`, dropped: 0 };
      }
    };
    const lean = run("lean");
    assert.deepEqual(lean, run("device"));
    if (!lean.out.startsWith("error") && lean.dropped === 0) assert.equal(lean.out, exp.condensed);
  });
});

lines("metrics_responses.jsonl").forEach((line, i) => {
  test(`metrics_responses line ${i + 1}`, () => {
    const v = JSON.parse(line);
    assert.equal(buildAnswer({ body: v.request, key: v.key, answer: rawMember(line, "answer")! }), v.payload);
  });
});

lines("metrics_expand.jsonl").forEach((line, i) => {
  test(`metrics_expand line ${i + 1}`, () => {
    const v = JSON.parse(line);
    const got = expandRequest({ body: v.payload, dataFormat: rawMember(line, "data_format"), receivedAt: v.received_at });
    assert.equal(got, canonicalJson(rawMember(line, "simple_metrics")!));
    const r = verifyRequest({ body: v.payload, key: v.key });
    assert.equal(r.result === "unsigned" ? null : r.valid, v.auth_valid);
  });
});

test("refusals: tampering, wrong key, replay, malformed and truncated input", () => {
  const seed = JSON.parse(fs.readFileSync(new URL("seed_scenario.json", dir), "utf8"));
  const body: string = seed.condensed;
  assert.equal(verifyRequest({ body, key: seed.key }).result, "valid");
  assert.equal(verifyRequest({ body: body.replace("13.22", "13.23"), key: seed.key }).result, "bad_signature");
  assert.equal(verifyRequest({ body: body.replace("13.22", "13.220"), key: seed.key }).result, "valid"); // same value
  assert.equal(verifyRequest({ body: body.replace("[13,", "[13.0,"), key: seed.key }).result, "bad_signature"); // 13.0 is not 13
  assert.equal(verifyRequest({ body, key: "00".repeat(16) }).result, "bad_signature");
  assert.equal(verifyRequest({ body, key: seed.key, lastTimestamp: 1611583070 }).result, "replay");
  assert.equal(verifyRequest({ body, key: seed.key, lastTimestamp: 1611583069 }).result, "valid");
  assert.throws(() => verifyRequest({ body: body.slice(0, 100), key: seed.key }));
  assert.throws(() => verifyRequest({ body: "{\"sn\":1,", key: seed.key }));
  const v = parseLossless(fs.readFileSync(new URL("seed_scenario.json", dir), "utf8")) as Obj;
  const cbor = encoder(v).cbor();
  assert.equal(verifyRequest({ body: cbor, cbor: true, key: seed.key }).result, "valid");
  assert.throws(() => verifyRequest({ body: cbor.slice(0, cbor.length - 3), cbor: true, key: seed.key }));
  const e = new MetricsEncoder({ serialNumber: "X", dataFormat: { id: 1, data_order: ["a"] } });
  assert.throws(() => e.setData({ a: NaN }), /NaN/);
  e.setData({ b: 1 });
  assert.throws(() => e.condensed(), /not in the data format/);
});

test("ring: overflow drops the oldest rows; an acknowledgement releases exactly what was sent", () => {
  const e = new MetricsEncoder({ serialNumber: "X", module: "full", dataFormat: { id: 1, data_order: [], historical_data_order: ["v"], historical_data_interval: 60 } });
  for (let i = 0; i < 1200; i++) e.addHistoricalRow({ v: new Float(i + 0.25) });
  const r = e.ring();
  assert.ok(r.dropped > 0 && r.rows + r.dropped === 1200 && r.bytes <= r.capacity);
  e.condensed();
  assert.equal(e.ring().sentRows, r.rows);
});

// ---- the specification's time rules (docs/conformance.md) ------------------------------------------

TIME_VECTORS.forEach((v) => {
  test(`spec time rules: ${v.name}`, () => {
    const simple = JSON.parse(expandRequest({ body: v.payload, receivedAt: v.receivedAt }));
    assert.deepEqual(simple.historical_data.map((r: Obj) => r.timestamp), v.times);
    assert.equal(JSON.stringify(simple.historical_data), v.rows);
    // dtc and dct both come out under the simple name
    if (/"dc?tc?":/.test(v.payload)) assert.equal(simple.data_collection_timestamp, 900000);
  });
});

test("spec time rules: what cannot give a time is refused; dct beside dtc is one member twice", () => {
  const f = '{"historical_data_order":["v","relative_time"],"historical_data_interval":-60}';
  for (const hd of ['[[1,"5"]]', "[[1,[5]]]", '[{"v":1,"relative_time":{}}]']) {
    assert.throws(() => expandRequest({ body: `{"sn":"S","dfo":${f},"ts":100,"hd":${hd}}`, receivedAt: 1 }), /wrong type|shape/i, hd);
  }
  for (const pair of ['"dtc":1,"dct":2', '"dct":1,"data_collection_timestamp":2']) {
    assert.throws(() => expandRequest({ body: `{"sn":"S",${pair},"hd":[]}`, receivedAt: 1 }), /two names/, pair);
  }
});

test("spec time rules: a device sends relative_time, a negative interval and a gps pair through the encoder; the server expands them", () => {
  const format = { id: 3, data_order: ["tc", "pos"], historical_data_order: ["v", "relative_time"], historical_data_interval: -60,
    variables: { pos: { type: "gps" } } };
  const e = new MetricsEncoder({ serialNumber: "S9", key: "a29ab82edc5fbbc41ec9530f6dac86b1", authMethod: "ra", dataFormat: format, module: "device" });
  e.setTimestamp(5000);
  e.setData({ tc: 1, pos: [new Float(-0.1278), new Float(51.5074)] });
  e.addHistoricalRow({ v: 10 });
  e.addHistoricalRow({ v: 9, relative_time: -600 });
  e.addHistoricalRow({ v: 8 });
  const body = e.condensed();
  assert.equal(body.includes('"d":[1,[-0.1278,51.5074]],"hd":[[10],[9,-600],[8]]'), true, body);
  assert.equal(verifyRequest({ body, key: "a29ab82edc5fbbc41ec9530f6dac86b1" }).result, "valid");
  const simple = JSON.parse(expandRequest({ body, dataFormat: format, receivedAt: 1 }));
  assert.deepEqual(simple.historical_data, [{ v: 10, timestamp: 5000 }, { v: 9, timestamp: 4400 }, { v: 8, timestamp: 4340 }]);
  assert.deepEqual(simple.data, { token_count: 1, pos: [-0.1278, 51.5074] });
});

test("an encoder needs a module with the Metrics exports: the token module, or a device on it, is refused", () => {
  const refused = (e: unknown) => e instanceof OpaygoError && /token module has no Metrics encoder/.test(e.message);
  assert.throws(() => new MetricsEncoder({ serialNumber: "SN1", module: "token" as "device" }), refused);
  const device = new Device({ key: "a29ab82edc5fbbc41ec9530f6dac86b1", module: "token" });
  assert.throws(() => new MetricsEncoder({ serialNumber: "SN1", device }), refused);
  assert.throws(() => new MetricsEncoder({ serialNumber: "SN1", authMethod: "none" as "sa", key: "a29ab82edc5fbbc41ec9530f6dac86b1" }), /unknown auth method none/);
});
