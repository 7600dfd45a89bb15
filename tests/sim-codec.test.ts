// The sim's codec adapter (host-sim/codec.ts) without HTTP: a device's module and the server
// functions on opaygo.wasm, end to end. The codec itself has its own vector suites.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DeviceCodec, DataFormat, Encoding, encodeAnswer, expandRequest, readRequest, verifyAuth } from "../host-sim/codec.js";
import { decode as cborDecode } from "cbor-x";
import { Device } from "../bindings/device.js";
import { MetricsEncoder, expandRequest as expandWasm, verifyRequest } from "../bindings/metrics.js";
import { generateToken, startingCodeOf } from "../bindings/token.js";
import { ERR_METRICS_FULL } from "../bindings/abi.js";

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
    assert.deepEqual(verifyAuth(req, KEY, t, null), { ok: false, kind: "replay", reason: `replay: timestamp ${t} is not after ${t}` });
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
    // the module still sends dtc: now the one row's time, not the last request's first row
    const next = readRequest(dev.encodeRequest(t + 120).body, encoding === "cbor" ? "cbor" : "json");
    assert.deepEqual(expandRequest(next, format, 0).rows.map((r) => r.timestamp), [t + 120]);
  });
}

test("a payload that does not fit is refused, never truncated; the rows stay; a forged answer changes nothing", () => {
  const dev = device("simple");
  for (let i = 0; i < 20; i++) dev.record(T0 + i * 120, reading(i));
  assert.equal(dev.fits(0), false);
  assert.throws(() => dev.encodeRequest(T0 + 9999), (e: any) => e.code === ERR_METRICS_FULL);
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

// The device module writes data_collection_timestamp itself (host-sim/codec.ts sets it to the
// oldest row's time, ts being the newest's): where set among ts / rc, signed by nothing, and the
// server starts the rows' times from it.
test("MetricsEncoder writes data_collection_timestamp (dtc) in the order set; no auth covers it; init clears it", () => {
  const make = () => {
    const e = new MetricsEncoder({ serialNumber: "SHS0001", key: KEY, authMethod: "ra", dataFormat: FORMAT });
    e.addHistoricalRow({ battery_voltage: 12.5 });
    e.addHistoricalRow({ battery_voltage: 12.6 });
    return e;
  };
  const e = make();
  e.setCollectionTimestamp(T0);
  e.setTimestamp(T0 + 120);
  e.setCollectionTimestamp(T0 + 1); // a new value keeps its place
  e.setCollectionTimestamp(T0);
  const text = e.condensed();
  assert.match(text, /^\{"sn":"SHS0001","df":4,"dtc":1736121600,"ts":1736121720,"d":\[\],"hd":\[/);
  assert.match(e.simple(), /^\{"serial_number":"SHS0001","data_format_id":4,"data_collection_timestamp":1736121600,"timestamp":1736121720,"data":\{\}/);
  const x = JSON.parse(expandWasm({ body: text, dataFormat: FORMAT, receivedAt: 0 }));
  assert.equal(x.data_collection_timestamp, T0);
  assert.deepEqual(x.historical_data.map((r: { timestamp: number }) => r.timestamp), [T0, T0 + 120]);

  // the same request without dtc (ts first): the same signature, dtc only added after ts
  const plain = make();
  plain.setTimestamp(T0 + 120);
  const withDtc = make();
  withDtc.setTimestamp(T0 + 120);
  withDtc.setRequestCount(7);
  withDtc.setCollectionTimestamp(T0);
  plain.setRequestCount(7);
  const p = plain.condensed(), w = withDtc.condensed();
  assert.equal(w, p.replace(',"rc":7,', ',"rc":7,"dtc":1736121600,'));
  assert.equal(verifyRequest({ body: w, key: KEY }).result, "valid");
  // CBOR: the same member, as an integer
  assert.deepEqual(cborDecode(withDtc.cbor()).dtc, T0);

  // init (a new encoder on the same module) forgets it like ts / rc
  const device = new Device({ key: KEY, startingCode: startingCodeOf(KEY) });
  const first = new MetricsEncoder({ serialNumber: "SHS0001", device, authMethod: "sa", dataFormat: FORMAT });
  first.setCollectionTimestamp(T0);
  assert.match(first.condensed(), /"dtc":1736121600/);
  const second = new MetricsEncoder({ serialNumber: "SHS0001", device, authMethod: "sa", dataFormat: FORMAT });
  second.setTimestamp(T0);
  assert.doesNotMatch(second.condensed(), /dtc/);
});

test("scale factors are applied member by member: names with escapes, strings holding brackets and commas, nested values, a scaled variable in the status data", () => {
  const order = ['we"ird', "note", "nested", "v", "pos", "relative_time"];
  const format: DataFormat = {
    data_order: ["v", "note"], historical_data_order: order, historical_data_interval: 60,
    variables: { 'we"ird': { scale_factor: 10 }, v: { scale_factor: 0.01 }, pos: { type: "gps", scale_factor: 0.000001 } },
  };
  const rows = [[3, 'a"],{"v":1,', { x: [1, { y: "}" }] }, 1234, [36821000, -1286000]], [-2, "\\", [], 99, null, 5]];
  const body = JSON.stringify({ sn: "S", ts: T0, d: [250, "b,]}"], hd: rows });
  const x = expandRequest(readRequest(Buffer.from(body), "json"), format, T0);
  assert.deepEqual(x.rows.map((r) => [r.timestamp, r.values]), [
    [T0, { 'we"ird': 30, note: 'a"],{"v":1,', nested: { x: [1, { y: "}" }] }, v: 12.34, pos: [36.821, -1.286] }],
    [T0 + 5, { 'we"ird': -20, note: "\\", nested: [], v: 0.99, pos: null }],
  ]);
  assert.deepEqual(x.data?.values, { v: 2.5, note: "b,]}" });
});
