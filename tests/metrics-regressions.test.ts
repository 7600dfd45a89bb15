// Bugs found by the libFuzzer targets (tests/fuzz/), shown through the bindings. The crashing
// inputs themselves are replayed by make test-fuzz from tests/fuzz/regressions/<target>/.
import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricsEncoder, expandRequest, canonicalRequest, buildAnswer } from "../bindings/metrics.js";
import { ERR_METRICS_DUPLICATE, ERR_METRICS_STATE, REQUEST_MEMBER_RC } from "../bindings/abi.js";
import { WasmInstance, f64Bits } from "../bindings/wasm.js";

const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";

// Keys of every object in a JSON text, checked unique per object (JSON.parse would keep the last).
function assertUniqueKeys(json: string): void {
  const stack: Set<string>[] = [];
  // strings that are values are matched too (and then not followed by ":")
  const tok = /"(?:[^"\\]|\\.)*"|[{}:]/g;
  let m: RegExpExecArray | null;
  let last = "";
  while ((m = tok.exec(json))) {
    const t = m[0];
    if (t === "{") stack.push(new Set());
    else if (t === "}") stack.pop();
    else if (t === ":") {
      const keys = stack[stack.length - 1];
      assert.ok(!keys.has(last), `key ${last} twice in ${json}`);
      keys.add(last);
    } else last = t;
  }
  JSON.parse(json);
}

function io(e: MetricsEncoder, s: string): number {
  const b = Buffer.from(s);
  e.wasm.bytes().set(b, e.wasm.exports.metrics_io_buffer());
  return b.length;
}

// request_full: a new data format while the current data named variables by index left those
// indices without names; a simple payload wrote each as "" (the same key several times).
test("request_full: no new data format while the current data or a row under construction uses the old one", () => {
  const e = new MetricsEncoder({ serialNumber: "SN1", module: "full", dataFormat: { id: 3, data_order: ["energy_wh", "alarm"] } as any });
  const x = e.wasm.exports;
  e.setRequestCount(7);
  e.setData({ energy_wh: 12, alarm: true, panel_voltage: false });
  assert.equal(x.metrics_format_id(4n, false), ERR_METRICS_STATE);
  assert.equal(x.metrics_format_object(io(e, '{"data_order":["x"]}'), false), ERR_METRICS_STATE);
  const simple = e.simple();
  assertUniqueKeys(simple);
  assert.equal(simple, '{"serial_number":"SN1","data_format_id":3,"request_count":7,"data":{"energy_wh":12,"alarm":true,"panel_voltage":false},"historical_data":{}}');
  // a row being built holds indices too
  assert.equal(x.metrics_row_begin(2), 0);
  assert.equal(x.metrics_put_int(io(e, "alarm"), 1n), 0);
  assert.equal(x.metrics_format_id(4n, false), ERR_METRICS_STATE);
  assert.equal(x.metrics_row_end(), 0);
  // with the data emptied and the ring cleared, a new format is taken
  e.setData({});
  x.metrics_ring_clear();
  assert.equal(x.metrics_format_id(4n, false), 0);
  e.setData({ energy_wh: 1, alarm: 2 });
  const s2 = e.simple();
  assertUniqueKeys(s2);
  assert.equal(s2, '{"serial_number":"SN1","data_format_id":4,"request_count":7,"data":{"energy_wh":1,"alarm":2},"historical_data":{}}');
});

// request_full: the current data was built in place, so an abandoned or overflowing new data row
// left the old length over the new row's bytes and the old row's tail (a name twice).
test("request_full: an abandoned or overflowing data row leaves the current data as it was", () => {
  const e = new MetricsEncoder({ serialNumber: "SN1", module: "full" });
  const x = e.wasm.exports;
  e.setRequestCount(1);
  e.setData({ a: 1, "": "Z2669 f75", panel_voltage: false });
  const before = e.simple();
  assert.equal(before, '{"serial_number":"SN1","request_count":1,"data":{"a":1,"":"Z2669 f75","panel_voltage":false},"historical_data":{}}');
  // abandoned: a new data row started, then a historical row instead
  assert.equal(x.metrics_row_begin(1), 0);
  assert.equal(x.metrics_put_float(io(e, ""), f64Bits(2.5e-7)), 0);
  assert.equal(x.metrics_row_begin(2), 0);
  assert.equal(x.metrics_row_end(), 0);
  x.metrics_ring_clear();
  assert.equal(e.simple(), before);
  // overflowing: more than the row's capacity (the value that does not fit is refused; the row
  // is then abandoned)
  assert.equal(x.metrics_row_begin(1), 0);
  const puts = Array.from({ length: 400 }, (_, i) => x.metrics_put_int(io(e, "v" + i), 1000000n + BigInt(i)));
  assert.ok(puts.includes(-27));
  assert.equal(x.metrics_row_begin(0), 0);
  assert.equal(x.metrics_row_end(), ERR_METRICS_STATE);
  assert.equal(e.simple(), before);
  // the same name twice in one row is refused, inline names included
  assert.equal(x.metrics_row_begin(1), 0);
  assert.equal(x.metrics_put_int(io(e, ""), 1n), 0);
  assert.equal(x.metrics_put_null(io(e, "")), ERR_METRICS_DUPLICATE);
  assert.equal(x.metrics_row_end(), 0);
  assertUniqueKeys(e.simple());
});

// server: canonical JSON nested deeper than the metrics reader walked (16, the JSON reader took 32)
// loaded, and the expansion lost its place: members without keys, ":" where a key should be. Now
// both share one limit (32 levels in the full build): what loads, expands.
test("server: what loads expands, up to the one nesting limit; past it the request is refused", () => {
  const deep = (n: number) => "[".repeat(n) + "1" + "]".repeat(n);
  const format = { data_order: ["a"], historical_data_order: ["b", "timestamp"], historical_data_interval: 60 };
  for (const body of [
    `{"sn":"X","ts":5,"d":{"a":${deep(31)}},"hd":[[1]],"z":[2]}`,
    `{"sn":"X","ts":5,"d":[1],"hd":[[${deep(30)}]],"x":[1]}`,
    `{"sn":"X","ts":5,"z":${deep(32)},"d":[1]}`,
  ]) {
    assert.throws(() => canonicalRequest({ body }), /nesting too deep/);
    assert.throws(() => expandRequest({ body, dataFormat: format, receivedAt: 0 }), /nesting too deep/);
  }
  // a format or an answer the same way
  assert.throws(() => expandRequest({ body: '{"sn":"X","ts":5,"d":[1]}', dataFormat: `{"data_order":["a"],"x":${deep(32)}}`, receivedAt: 0 }), /nesting too deep/);
  assert.throws(() => buildAnswer({ body: '{"sn":"X","ts":5}', answer: `{"ed":${deep(32)}}`, key: KEY }), /nesting too deep/);
  // up to the limit it expands, as valid JSON (nested 20 levels: refused before the limits were one)
  for (const n of [20, 30]) {
    const ok = `{"sn":"X","ts":5,"d":{"a":${deep(n)}},"hd":[[1],{"0":${deep(n - 1)}}],"z":${deep(n + 1)}}`;
    const out = expandRequest({ body: ok, dataFormat: `{"data_order":["a"],"historical_data_order":["b","timestamp"],"historical_data_interval":60,"x":${deep(n + 1)}}`, receivedAt: 0 });
    assertUniqueKeys(out);
    assert.equal(out, `{"serial_number":"X","timestamp":5,"data":{"a":${deep(n)}},"historical_data":[{"b":1,"timestamp":5},{"b":${deep(n - 1)},"timestamp":65}],"z":${deep(n + 1)}}`);
    assert.ok(buildAnswer({ body: ok, answer: `{"ed":${deep(n + 1)}}`, key: KEY }).includes(`:${deep(n + 1)},`));
  }
});

// request_full: an inline data format holding an integer beyond 64 bits has no CBOR form (no
// bignum tags); the encoder went on without the format's value and wrote a map with a key short.
test("request_full: a CBOR request whose inline data format has no CBOR form is refused", () => {
  const e = new MetricsEncoder({ serialNumber: "SN1", module: "full", dataFormat: { data_order: ["a"], big: 123456789012345678901234567890n } as any });
  e.setRequestCount(2);
  e.setData({ a: 1 });
  assert.equal(e.condensed(), '{"sn":"SN1","dfo":{"data_order":["a"],"big":123456789012345678901234567890},"rc":2,"d":[1],"hd":[]}');
  assert.throws(() => e.cbor(), /number out of range/);
  assert.throws(() => e.encode("simple", "cbor"), /number out of range/);
  // the JSON forms still load on the server
  assert.equal(canonicalRequest({ body: e.simple() }), e.simple());
});

// request_full: an inline data format with a key twice in one object went out in `dfo`, and the
// server refuses duplicate keys (-68): every request carrying the format would be refused.
test("an inline data format with a key twice in one object is refused (ERR_METRICS_DUPLICATE)", () => {
  for (const module of ["device", "full"] as const) {
    const e = new MetricsEncoder({ serialNumber: "SN1", module });
    const x = e.wasm.exports;
    for (const format of [
      '{"data_order":["a"],"historical_data_order":["b"],"historical_data_order":["c"],"historical_data_interval":120}',
      '{"data_order":["a"],"x":{"k":1,"k":2}}',
      '{"data_order":["a"],"data\\u005forder":["b"]}',
    ]) {
      assert.equal(x.metrics_format_object(io(e, format), false), ERR_METRICS_DUPLICATE, `${module}: ${format}`);
    }
    const ok = '{"data_order":["a"],"x":{"data_order":1,"x":[{"x":2},{"x":3}]}}';
    assert.equal(x.metrics_format_object(io(e, ok), false), 0, module);
    assert.equal(x.metrics_format_name(0, io(e, "a")), 0);
    e.setRequestCount(1);
    e.setData({ a: 1 });
    const body = e.condensed();
    assert.equal(body, `{"sn":"SN1","dfo":${ok},"rc":1,"d":[1],"hd":[]}`);
    assert.equal(canonicalRequest({ body }), body);
  }
});

// issue 11: metrics_init copied the serial before checking its UTF-8, so a refused serial
// (XY\xff, -25) replaced the stored one and every later encode failed (-25) until the next init.
test("a refused metrics_init (serial not UTF-8) keeps the serial and the request encodes", () => {
  const e = new MetricsEncoder({ serialNumber: "SN1", module: "device" });
  const x = e.wasm.exports;
  e.setRequestCount(1);
  const before = e.simple();
  e.wasm.bytes().set(Buffer.from([0x58, 0x59, 0xff]), x.metrics_io_buffer());
  assert.equal(x.metrics_init(3, 0), -25);
  assert.equal(e.simple(), before);
});

// issue 11: refusals that changed state, found by tests/refusal-state.test.ts.
test("a refused inline data format keeps the one before it", () => {
  for (const module of ["device", "full"] as const) {
    const e = new MetricsEncoder({ serialNumber: "SN1", module, dataFormat: { data_order: ["a"] } });
    const x = e.wasm.exports;
    e.setRequestCount(1);
    const before = e.condensed();
    assert.equal(x.metrics_format_object(io(e, '{"data_order":["b"],"data_order":["c"]}'), false), ERR_METRICS_DUPLICATE);
    assert.equal(x.metrics_format_object(io(e, '{"data_order":'), false), -31);
    assert.equal(e.condensed(), before, module);
  }
});

test("a value that does not fit the row is refused and the row keeps what it had", () => {
  const e = new MetricsEncoder({ serialNumber: "SN1", module: "device" });
  const x = e.wasm.exports;
  e.setRequestCount(1);
  assert.equal(x.metrics_row_begin(1), 0);
  assert.equal(x.metrics_put_int(io(e, "a"), 1n), 0);
  assert.equal(x.metrics_array_begin(io(e, "g")), 0);
  let n = 0;
  while (x.metrics_put_float(0, f64Bits(Math.PI + n)) === 0) n++;
  assert.equal(x.metrics_put_float(0, f64Bits(Math.PI)), -27);
  assert.equal(x.metrics_array_end(), 0);
  assert.equal(x.metrics_put_string(io(e, "s" + "x".repeat(200)) - 200, 200), -27);
  assert.equal(x.metrics_row_end(), 0);
  const d = JSON.parse(e.simple()).data;
  assert.deepEqual(Object.keys(d), ["a", "g"]);
  assert.equal(d.g.length, n);
  // the bindings abandon a row whose value was refused: the data stays as it was
  assert.throws(() => e.setData({ b: 2, c: "y".repeat(200) }));
  assert.deepEqual(Object.keys(JSON.parse(e.simple()).data), ["a", "g"]);
});

test("a refused request body or host data format on the server keeps the one loaded before it", () => {
  const enc = new MetricsEncoder({ serialNumber: "SN1", module: "device", authMethod: "sa", key: KEY });
  enc.setRequestCount(3);
  const body = Buffer.from(enc.simple());
  const w = new WasmInstance("full"), x = w.exports;
  w.bytes().set(body, x.metrics_server_body_buffer(body.length));
  const n = x.metrics_server_load(body.length, false);
  assert.ok(n > 0);
  const loaded = Buffer.from(w.read(x.metrics_server_request_buffer(), n)).toString();
  w.bytes().set(Buffer.from('{"sn":"X","sn":"Y"}'), x.metrics_server_body_buffer(19));
  assert.equal(x.metrics_server_load(19, false), -68);
  assert.equal(Buffer.from(w.read(x.metrics_server_request_buffer(), n)).toString(), loaded);
  assert.equal(x.metrics_server_member_int(REQUEST_MEMBER_RC), 3n);
});
