// Adversarial device inputs: state blobs with bit flips (every single bit, random multi-bit) and
// impossible lengths (negative, zero, huge) to every device export that takes one. Each must give
// an error code (never a trap) and leave the device byte-identical: the saved blob and the metrics
// ring counters. New length-taking exports (the metrics answer parser) go in LENGTH_EXPORTS.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateToken } from "../bindings/index.js";
import { f64Bits } from "../bindings/wasm.js";
import { withSeed } from "./helpers.js";
import { prng, randInt, RawDevice, INVALID } from "./fuzz-shared.js";

const KEY = "00112233445566778899aabbccddeeff";
const START = 123456789;
const NEGATIVE_AND_HUGE = [-1, -2, -65, -2147483648, 257, 4096, 65536, 2147483647];
// token text: capacity 64
const LENGTHS = [...NEGATIVE_AND_HUGE, 65];

function preparedDevice(flags: number): RawDevice {
  const d = new RawDevice(KEY, START, 5, flags);
  const t = generateToken({ key: KEY, startingCode: START, count: 5, type: "ADD_TIME", value: 3 });
  assert.equal(d.enter(t.token, 1000), 1);
  // a metrics request with one historical row in the ring
  const x = d.x;
  d.w.bytes().set(Buffer.from("SN1"), x.metrics_io_buffer());
  assert.equal(x.metrics_init(3, 1), 0);
  assert.equal(x.metrics_format_id(7n, true), 0);
  assert.equal(x.metrics_row_begin(2), 0);
  d.w.bytes().set(Buffer.from("v"), x.metrics_io_buffer());
  assert.equal(x.metrics_put_int(1, 42n), 0);
  assert.equal(x.metrics_row_end(), 0);
  return d;
}

function fingerprint(d: RawDevice): string {
  const x = d.x;
  return JSON.stringify({ blob: d.blob(), ring: d.ring(), count: d.count(), used: x.device_used_counts(), until: x.device_active_until() >>> 0,
    streak: x.device_invalid_streak(), blocked: x.device_blocked_until() >>> 0 });
}

// name, call with a length, and whether it refuses (true) or treats it as an empty entry (false)
type LengthExport = { name: string; call: (d: RawDevice, len: number) => number; ok: (r: number) => boolean; lengths?: number[] };
const isMetricsError = (r: number) => r <= -20 && r >= -41;
const LENGTH_EXPORTS: LengthExport[] = [
  { name: "token_decode", call: (d, n) => d.x.token_decode(START, d.count(), d.x.device_used_counts(), n, false), ok: (r) => r === INVALID },
  { name: "metrics_init", call: (d, n) => d.x.metrics_init(n, 1), ok: isMetricsError },
  { name: "metrics_format_object", call: (d, n) => d.x.metrics_format_object(n, false), ok: isMetricsError },
  { name: "metrics_format_name", call: (d, n) => d.x.metrics_format_name(0, n), ok: isMetricsError },
  { name: "metrics_put_int", call: (d, n) => d.x.metrics_put_int(n, 1n), ok: isMetricsError },
  { name: "metrics_put_float", call: (d, n) => d.x.metrics_put_float(n, f64Bits(1.5)), ok: isMetricsError },
  { name: "metrics_put_bool", call: (d, n) => d.x.metrics_put_bool(n, true), ok: isMetricsError },
  { name: "metrics_put_null", call: (d, n) => d.x.metrics_put_null(n), ok: isMetricsError },
  { name: "metrics_put_string (name)", call: (d, n) => d.x.metrics_put_string(n, 1), ok: isMetricsError },
  { name: "metrics_put_string (value)", call: (d, n) => d.x.metrics_put_string(1, n), ok: isMetricsError },
  { name: "metrics_array_begin", call: (d, n) => d.x.metrics_array_begin(n), ok: isMetricsError },
];

for (const e of LENGTH_EXPORTS) {
  test(`impossible lengths: ${e.name} refuses them and changes nothing`, () => {
    const d = preparedDevice(0);
    // inside a row for the put_* exports (a row being built is state too: the encoding shows it)
    assert.equal(d.x.metrics_row_begin(1), 0);
    const before = fingerprint(d);
    for (const n of e.lengths ?? (e.name.startsWith("metrics_") ? NEGATIVE_AND_HUGE : LENGTHS)) {
      const r = e.call(d, n);
      assert.ok(e.ok(r), `${e.name}(${n}) returned ${r}`);
      assert.equal(fingerprint(d), before, `${e.name}(${n}) changed the device`);
    }
    assert.equal(d.x.metrics_row_end(), 0);
    assert.ok(d.x.metrics_encode(1, false) > 0, "the request still encodes");
  });
}

test("impossible lengths: device_enter_token takes them as an empty, invalid entry", () => {
  for (const flags of [2, 0]) {
    const d = preparedDevice(flags);
    for (const [i, n] of [...LENGTHS, 0].entries()) {
      const before = JSON.parse(fingerprint(d));
      const r = d.x.device_enter_token(100000 + 86400 * (i + 1), n); // a day apart: past any wait
      assert.equal(r, INVALID, `length ${n}`);
      const after = JSON.parse(fingerprint(d));
      // Only the invalid-entry streak and its waiting period move (recorded even when the waiting
      // period is off, where it is not enforced): count, used counts, credit and the ring stay.
      for (const k of ["count", "used", "until", "ring"]) assert.deepEqual(after[k], before[k], `${k} after length ${n}`);
      assert.ok(after.streak >= 1 && after.streak <= 10);
    }
  }
});

function flipAndLoad(d: RawDevice, blob: Buffer, bits: number[]): number {
  const b = Buffer.from(blob);
  for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
  d.w.bytes().set(b, d.x.state_buffer());
  return d.x.device_load();
}

test("state blob: every single-bit flip and 2000 random multi-bit flips are refused, nothing changes", () => withSeed(4242, (seed) => {
  const source = preparedDevice(0);
  assert.equal(source.enter("111111111", 5000), INVALID); // a streak and a waiting period in the blob
  const blob = Buffer.from(source.blob(), "hex");
  const target = preparedDevice(0);
  const before = fingerprint(target);
  const r = prng(seed);
  const cases: number[][] = [];
  for (let bit = 0; bit < 256; bit++) cases.push([bit]);
  for (let i = 0; i < 2000; i++) {
    const k = 2 + randInt(r, 30);
    const bits = new Set<number>();
    while (bits.size < k) bits.add(randInt(r, 256));
    cases.push([...bits]);
  }
  for (const bits of cases) {
    const rc = flipAndLoad(target, blob, bits);
    assert.ok(rc >= -13 && rc <= -10, `flip ${bits} loaded (${rc})`);
    assert.equal(fingerprint(target), before, `flip ${bits} changed the device`);
  }
  // the unflipped blob loads, and carries the source's state over
  assert.equal(flipAndLoad(target, blob, []), 0);
  assert.equal(target.blob(), source.blob());
}));

test("state blob: truncated and oversized blobs cannot be expressed; a zeroed or foreign blob is refused", () => {
  const d = preparedDevice(0);
  const before = fingerprint(d);
  const other = new RawDevice("ffeeddccbbaa99887766554433221100", START, 5, 0);
  const cases = [Buffer.alloc(32), Buffer.alloc(32, 0xff), Buffer.from(other.blob(), "hex"),
    Buffer.concat([Buffer.from(d.blob(), "hex").subarray(0, 16), Buffer.alloc(16)])];
  for (const b of cases) {
    d.w.bytes().set(b, d.x.state_buffer());
    const rc = d.x.device_load();
    assert.ok(rc >= -13 && rc <= -10, `blob ${b.toString("hex")} loaded (${rc})`);
    assert.equal(fingerprint(d), before);
  }
});
