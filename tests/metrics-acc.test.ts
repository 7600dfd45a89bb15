// Accessories (`acc`): an accessory's own request, nested in the device's request, kept until an
// answer acknowledges it; verified with the accessory's key, carried through expansion as sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricsEncoder, canonicalRequest, expandRequest, rawMember, verifyRequest } from "../bindings/metrics.js";
import { Device } from "../bindings/device.js";

const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const ACC_KEY = "00112233445566778899aabbccddeeff";
const NOW = 1_700_000_000;

function accessory(rc: number): string {
  const e = new MetricsEncoder({ serialNumber: "TV-é1", key: ACC_KEY, authMethod: "ca", dataFormat: { id: 3, data_order: ["on_hours", "temp"] } });
  e.setRequestCount(rc);
  e.setData({ on_hours: 12, temp: 21.5 });
  return e.condensed();
}

function parent(device?: Device) {
  const e = new MetricsEncoder({ serialNumber: "SHS1", ...(device ? { device } : { key: KEY }), authMethod: "da", dataFormat: { id: 9, data_order: ["tc"], historical_data_order: ["v"], historical_data_interval: 60 } });
  e.setTimestamp(NOW);
  e.setData({ tc: 1 });
  e.addHistoricalRow({ v: 1 });
  return e;
}

test("accessory requests go out in acc, after ts / rc and before d, in all forms", () => {
  const acc1 = accessory(1);
  const acc2 = accessory(2);
  const e = parent();
  e.addAccessory(" " + acc1.replace(/,/g, ", ") + "\n"); // whitespace is not kept
  e.addAccessory(acc2);
  assert.deepEqual([e.ring().rows, e.ring().accessories], [1, 2]);
  const condensed = e.condensed();
  assert.ok(condensed.startsWith(`{"sn":"SHS1","df":9,"ts":${NOW},"acc":[${acc1},${acc2}],"d":[1],"hd":[[1]],"a":"da`), condensed);
  assert.match(e.simple(), /"timestamp":1700000000,"accessories":\[\{"sn":"TV-\\u00e91"/);
  assert.equal(canonicalRequest({ body: e.encode("condensed", "cbor"), cbor: true }), condensed);
  // the device's auth does not cover acc; each accessory's own auth verifies with its key
  assert.equal(verifyRequest({ body: condensed, key: KEY }).result, "valid");
  assert.equal(verifyRequest({ body: condensed.replace("21.5", "22.5"), key: KEY }).result, "valid");
  const accs = JSON.parse(rawMember(condensed, "acc")!);
  assert.equal(verifyRequest({ body: JSON.stringify(accs[1]), key: ACC_KEY }).result, "valid");
  // expansion keeps them as sent, under their simple name
  const expanded = expandRequest({ body: condensed, dataFormat: { data_order: ["tc"], historical_data_order: ["v"], historical_data_interval: 60 }, receivedAt: 0 });
  assert.ok(expanded.includes(`"accessories":[${acc1},${acc2}],"data":{"token_count":1}`), expanded);
});

test("accessories are kept until an answer, like historical rows", () => {
  const device = new Device({ key: KEY });
  const e = parent(device);
  e.addAccessory(accessory(1));
  e.condensed();
  e.addAccessory(accessory(2)); // after the send: secondary store
  assert.equal(e.ring().sentRows, 2);
  e.applyAnswer("{}", NOW);
  assert.deepEqual([e.ring().rows, e.ring().accessories, e.ring().sentRows], [0, 1, 0]);
  assert.ok(e.condensed().includes(`"acc":[${accessory(2)}]`));
});

test("accessory refusals", () => {
  const e = parent();
  const before = e.condensed();
  for (const [body, message] of [
    ["[1]", /wrong type/], ['{"rc":1}', /wrong type/], ['{"sn":5}', /wrong type/], ['{"sn":"x"', /malformed/],
    ['{"sn":"x"} {}', /malformed/], [`{"sn":"x","d":${"[".repeat(15)}${"]".repeat(15)}}`, /nesting/],
  ] as const) {
    assert.throws(() => e.addAccessory(body), message, body);
  }
  assert.throws(() => e.addAccessory(`{"sn":"x","d":"${"y".repeat(1100)}"}`), /limit/);
  assert.equal(e.condensed(), before);
  // bigger than the device ring
  assert.throws(() => e.addAccessory(`{"sn":"x","d":"${"y".repeat(1007)}"}`), /full/);
  // simple-form serial key accepted
  e.addAccessory('{"serial_number":"x","data":{}}');
  assert.ok(e.condensed().includes('"acc":[{"serial_number":"x","data":{}}]'));
});

// The server refuses a request with a key twice in any object (ERR_JSON_DUPLICATE_KEY), so an
// accessory request holding one would get every later request of the device refused.
test("accessory requests with a key twice in one object are refused, the ring unchanged", () => {
  assert.throws(() => canonicalRequest({ body: '{"sn":"SHS1","acc":[{"sn":"A","sn":"B"}]}' }), /same key twice/);
  const e = parent();
  e.addAccessory(accessory(1));
  const before = e.condensed();
  const ring = e.ring();
  for (const body of [
    '{"sn":"A","sn":"B"}', // top level
    '{"sn":"A","rc":1,"d":[1],"rc":2}',
    '{"sn":"A","d":{"x":1,"x":2}}', // nested
    '{"sn":"A","hd":[{"x":1},{"y":1,"z":[{"w":{"v":0,"v":0}}]}]}',
    '{"sn":"A","d":{"x":1,"y":2,"z":3,"y":4}}',
    '{"sn":"A","s\\u006e":"B"}', // equal once decoded
    '{"s\\u006E":"A","\\u0073\\u006e":"B"}',
    '{"sn":"A","d":{"\\u00e9":1,"é":2}}',
    '{"sn":"A","d":{"😀":1,"\\ud83d\\ude00":2}}',
    '{"sn":"A","d":{"a/b":1,"a\\/b":2}}',
    '{"sn":"A","d":{"":1,"":2}}',
  ]) {
    assert.throws(() => e.addAccessory(body), /same key twice/, body);
    assert.deepEqual(e.ring(), ring, body);
  }
  assert.equal(e.condensed(), before);
});

test("the same key in sibling objects or at different depths is accepted, and goes out as sent", () => {
  for (const body of [
    '{"sn":"A","d":{"x":1},"hd":[{"x":2},{"x":3}],"e":{"x":{"x":{"x":4}}}}',
    '{"sn":"A","x":{"sn":"B","x":[{"x":1,"sn":"C"}]}}',
    '{"sn":"A","s":1,"snn":2,"n":3,"S":4,"sn\\u0000":5,"":6,"\\"":7}',
    '{"sn":"A","d":{"\\u00e9":1,"e\\u0301":2,"😀":3,"\\ud83d\\ude01":4}}',
  ]) {
    const e = parent();
    e.addAccessory(body);
    assert.deepEqual([e.ring().accessories, e.ring().rows], [1, 1], body);
    const acc = rawMember(canonicalRequest({ body: e.condensed() }), "acc")!;
    assert.equal(acc, `[${canonicalRequest({ body })}]`, body);
  }
});

test("an accessory request holding a lone surrogate is refused (no UTF-8 or CBOR form), the ring unchanged", () => {
  for (const body of ['{"sn":"\\ud800"}', '{"sn":"A","d":{"\\udc00":1}}', '{"sn":"A","x":["ok","\\udbff"]}']) {
    const e = parent();
    const before = e.condensed();
    const ring = e.ring();
    assert.throws(() => e.addAccessory(body), /UTF-8/, body);
    assert.deepEqual(e.ring(), ring, body);
    assert.equal(e.condensed(), before, body);
  }
  // a surrogate pair is a character like any other
  const e = parent();
  e.addAccessory('{"sn":"\\ud83d\\ude00"}');
  assert.equal(e.ring().accessories, 1);
});
