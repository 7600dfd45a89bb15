// The sim's codec adapter (host-sim/codec.ts) without HTTP: a device's module and the server
// functions on opaygo.wasm, end to end. The codec itself has its own vector suites.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DeviceCodec, DataFormat, Encoding, encodeAnswer, expandRequest, readRequest, verifyAuth } from "../host-sim/codec.js";
import { MetricsEncoder, expandRequest as expandWasm } from "../bindings/metrics.js";
import { generateToken, startingCodeOf } from "../bindings/token.js";

const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const T0 = 1736121600;
const NAMES = ["battery_voltage", "battery_current", "panel_voltage", "output_1_current", "output_2_current"];
const FORMAT: DataFormat = {
  id: 4, data_order: ["token_count", "tampered", "firmware_version"], historical_data_interval: 120, historical_data_order: NAMES,
};
const SCALED: DataFormat = { ...FORMAT, variables: Object.fromEntries(NAMES.map((n) => [n, { scale_factor: 0.01 }])) };

function device(encoding: Encoding, format = FORMAT, scaled?: Record<string, number>) {
  return new DeviceCodec({ serial: "SHS0001", key: KEY, startingCode: startingCodeOf(KEY), count: 1, format, auth: "ra", encoding, floatVariables: NAMES, scaled });
}
const reading = (i: number) => ({ battery_voltage: (1231 + (i % 50)) / 100, battery_current: -1.25, panel_voltage: i % 3 ? 18.02 : 0, output_1_current: 0.35, output_2_current: 0 });

for (const [encoding, format, scaled] of [
  ["condensed", FORMAT, undefined], ["simple", FORMAT, undefined], ["cbor", FORMAT, undefined],
  ["cbor", SCALED, Object.fromEntries(NAMES.map((n) => [n, 0.01]))],
] as const) {
  test(`${encoding}${scaled ? " x100" : ""}: rows oldest first with dtc, verified, expanded to the readings at their times, answer applied`, () => {
    const dev = device(encoding, format, scaled);
    dev.setStatus({ token_count: dev.tokenCount(), tampered: false, firmware_version: "1.14.2" });
    let t = T0;
    for (let i = 0; i < 200 && dev.fits(2); i++) dev.record((t = T0 + i * 120), reading(i));
    const n = dev.pendingRows();
    assert.equal(dev.dropped, 0, "the request buffer fills before the ring");
    assert.ok(n >= (encoding === "simple" ? 4 : scaled ? 30 : 15), `${n} rows fit`);
    dev.setStatus({ token_count: dev.tokenCount(), tampered: false, firmware_version: "1.14.2" });
    const out = dev.encodeRequest(t);
    assert.ok(out.body.length <= dev.capacity);
    const req = readRequest(out.body, encoding === "cbor" ? "cbor" : "json");
    assert.equal(req.timestamp, t, "ts is the newest row's time");
    assert.deepEqual(verifyAuth(req, KEY, t - 1, null), { ok: true });
    assert.deepEqual(verifyAuth(req, KEY, t, null), { ok: false, reason: `replay: timestamp ${t} is not after ${t}` });
    const x = expandRequest(req, format, 0);
    assert.deepEqual(x.rows.map((r) => r.timestamp), Array.from({ length: n }, (_, i) => T0 + i * 120));
    assert.deepEqual(x.rows.map((r) => r.values), Array.from({ length: n }, (_, i) => reading(i)));
    assert.equal(x.tokenCount, 1);

    // a row recorded after the send is kept when the answer releases the sent ones
    dev.record(t + 120, reading(n));
    const token = generateToken({ key: KEY, startingCode: startingCodeOf(KEY), count: 1, type: "ADD_TIME", value: 3 });
    const a = encodeAnswer(KEY, req, { tokens: [token.token], settings: { upload_interval: 7200 }, activeUntil: null });
    const applied = dev.applyAnswer(a.body, a.contentType, t);
    assert.equal(applied.signatureOk, true);
    assert.deepEqual(applied.tokens.map((k) => [k.result, k.value]), [["ACCEPTED", 3]]);
    assert.deepEqual(applied.settings, { upload_interval: 7200 });
    assert.equal(dev.secondsLeft(t), 3 * 86400);
    assert.equal(dev.pendingRows(), 1);
    assert.equal(dev.dropped, 0);
  });
}

test("a payload that does not fit is refused, never truncated; the rows stay; a forged answer changes nothing", () => {
  const dev = device("simple");
  for (let i = 0; i < 20; i++) dev.record(T0 + i * 120, reading(i));
  assert.equal(dev.fits(0), false);
  assert.throws(() => dev.encodeRequest(T0 + 9999), (e: any) => e.code === -20);
  assert.equal(dev.pendingRows(), 20);

  const c = device("condensed");
  c.record(T0, reading(0));
  const req = readRequest(c.encodeRequest(T0).body, "json");
  const other = encodeAnswer("00112233445566778899aabbccddeeff", req, { tokens: [], settings: { x: 1 }, activeUntil: null });
  assert.equal(c.applyAnswer(other.body, other.contentType, T0).signatureOk, false);
  assert.equal(c.pendingRows(), 1);
});

test("the ring drops (and counts) the oldest rows when full", () => {
  const dev = device("condensed");
  for (let i = 0; i < 100; i++) dev.record(T0 + i * 120, reading(i));
  assert.ok(dev.dropped > 0);
  assert.equal(dev.pendingRows() + dev.dropped, 100);
});

// Missing in the codec (assembly/metrics/request.ts): the encoder cannot write
// data_collection_timestamp, so a device whose ring sends rows oldest first cannot give both a
// replay-safe ts (its newest row) and the first row's time. host-sim/codec.ts inserts `dtc`
// after encoding as a workaround. Passes once MetricsEncoder gains setCollectionTimestamp.
test("MetricsEncoder writes data_collection_timestamp (dtc)", { todo: "codec feature missing: see host-sim/codec.ts withCollectionTime" }, () => {
  const e = new MetricsEncoder({ serialNumber: "SHS0001", key: KEY, authMethod: "ra", dataFormat: FORMAT });
  const set = (e as unknown as { setCollectionTimestamp?: (t: number) => void }).setCollectionTimestamp;
  assert.equal(typeof set, "function", "MetricsEncoder.setCollectionTimestamp");
  set!.call(e, T0);
  e.setTimestamp(T0 + 120);
  e.addHistoricalRow({ battery_voltage: 12.5 });
  e.addHistoricalRow({ battery_voltage: 12.6 });
  const text = e.condensed();
  assert.match(text, /"dtc":1736121600/);
  const x = JSON.parse(expandWasm({ body: text, dataFormat: FORMAT, receivedAt: 0 }));
  assert.deepEqual(x.historical_data.map((r: { timestamp: number }) => r.timestamp), [T0, T0 + 120]);
});
