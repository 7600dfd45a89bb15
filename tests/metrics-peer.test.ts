// Differential tests against the reference library (openpaygo 0.6.3 through
// tests/peers/metrics_peer.py). Seeded random formats and values; every request is encoded by us
// and by the reference (all auths, condensed and simple) and must be byte-identical; the
// reference verifies and expands ours, we verify and expand the same payloads, and both
// expansions must be identical. Our CBOR, decoded by cbor-x, must equal the JSON form. Answers
// made by the reference (its own tokens, time, settings, extra data) must be accepted and applied
// by our device side, and refused, changing nothing, once tampered with.
// Without python3 and openpaygo these tests fail; they never skip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Decoder } from "cbor-x";
import { Device } from "../bindings/device.js";
import { MetricsEncoder, Float, canonicalJson, canonicalRequest, expandRequest, parseOrdered, rawMember, stringifyLossless, verifyRequest } from "../bindings/metrics.js";
import type { AuthMethod, DataFormat, JsonValue, MetricRow, MetricValue } from "../bindings/metrics.js";
import { OpaygoError } from "../bindings/wasm.js";
import { ERR_METRICS_DUPLICATE } from "../bindings/abi.js";
import { jsonLines, opaygo, testSeed, withSeed } from "./helpers.js";
import { Prng } from "../host-sim/prng.js";
import { TIME_VECTORS } from "./spec-time-vectors.js";

const REQUEST_CASES = 200;
const ANSWER_CASES = 80;
const PEER = new URL("../../../tests/peers/metrics_peer.py", import.meta.url).pathname;

// ---- seeded random values ----------------------------------------------------------------------

// Failure messages name the seeds, so that a run can be repeated exactly.
// Fixed in make check; make test-random SEED=S derives both from S (OPAYGO_TEST_SEED).
const SEED = testSeed(0x5eed1234);
const SEED2 = testSeed(0x0d7c5eed);
const SEEDS = `seeds 0x${SEED.toString(16)} / 0x${SEED2.toString(16)}` +
  (process.env.OPAYGO_TEST_SEED ? ` (make test-random SEED=${process.env.OPAYGO_TEST_SEED})` : " (fixed)");
let state = SEED;
function rnd(): number {
  // mulberry32
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (n: number) => Math.floor(rnd() * n);
// data_collection_timestamp and the order ts / rc / dtc are set in come from a stream of their own,
// so that the rest of each case stays as it was before dtc was added
let state2 = SEED2;
function rnd2(): number {
  state2 = (state2 + 0x6d2b79f5) | 0;
  let t = Math.imul(state2 ^ (state2 >>> 15), 1 | state2);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(a: readonly T[]): T => a[int(a.length)];

const CODE_POINTS = [0x41, 0x7a, 0x20, 0x22, 0x5c, 0x2f, 0x00, 0x01, 0x0a, 0x0d, 0x09, 0x08, 0x0c, 0x1f, 0x7f, 0xe9, 0x20ac, 0x4e2d,
  0x2028, 0xfeff, 0xffff, 0x1f600, 0x10ffff, 0x10000];
function randomString(max = 8): string {
  let s = "";
  for (let i = int(max + 1); i > 0; i--) s += String.fromCodePoint(rnd() < 0.4 ? 0x61 + int(26) : pick(CODE_POINTS));
  return s;
}

const EXP_FLOATS = [1e-7, 1.5e16, 1e16, 1e22, 5e-324, 1.7976931348623157e308, 123456789012345680000, 0.0001, 1e-5, 2.5e-310, 9007199254740993];
function randomFloat(): Float {
  switch (int(6)) {
    case 0: { // any finite double from random bits
      const b = new DataView(new ArrayBuffer(8));
      do { b.setUint32(0, int(2 ** 32)); b.setUint32(4, int(2 ** 32)); } while (!Number.isFinite(b.getFloat64(0)));
      return new Float(b.getFloat64(0));
    }
    case 1: return new Float(Number((rnd() * 2000 - 1000).toFixed(int(4))));
    case 2: return new Float((rnd() < 0.5 ? -1 : 1) * pick(EXP_FLOATS));
    case 3: return new Float(pick([-0, 0, 684, -1, 1e15]));
    default: return new Float(Number((rnd() * 100).toFixed(2)));
  }
}
function randomInt(): number | bigint {
  switch (int(4)) {
    case 0: return BigInt.asIntN(64, BigInt(int(2 ** 32)) << 32n | BigInt(int(2 ** 32)));
    case 1: return pick<number | bigint>([0, -1, 1, 9007199254740993n, -9223372036854775808n, 9223372036854775807n]);
    default: return int(2001) - 1000;
  }
}
function randomValue(): MetricValue {
  switch (int(9)) {
    case 0: return null;
    case 1: return rnd() < 0.5;
    case 2: case 3: return randomInt();
    case 4: case 5: return randomFloat();
    case 6: case 7: return randomString();
    default: return [randomFloat(), randomFloat()]; // a GPS pair
  }
}

// Integer-like names (which JS objects would move first) and "__proto__" (which they would drop)
// must keep their place. Below 10 they would name a variable by its index (the orders here are
// shorter): not drawn.
const NAMES = ["v", "temp", "bat_v", "tc", "autsr", "é_n", 'q"x', "名前", "😀", "a/b", "pv", "i", "load\n1", "53", "10", "__proto__", "4294967296"];
function names(n: number): string[] {
  const pool = [...NAMES];
  const out: string[] = [];
  while (out.length < n && pool.length) out.push(pool.splice(int(pool.length), 1)[0]);
  return out;
}
function row(order: string[], ts?: number): Map<string, MetricValue> {
  const r: [string, MetricValue][] = [];
  for (const n of order) if (rnd() < 0.7) r.push([n, randomValue()]);
  if (ts !== undefined) r.push(["timestamp", ts]);
  // the simple form keeps the order values were put in: shuffle it
  return new Map(r.sort(() => rnd() - 0.5));
}

interface Case {
  serial: string; key: string; format: DataFormat; ts: number | bigint | null; rc: number | bigint | null; tsFirst: boolean;
  data: Map<string, MetricValue>; hd: Map<string, MetricValue>[]; acc: JsonValue[];
  dtc: number | null; order: ("ts" | "rc" | "dtc")[];
}
// dtc in about half the cases (0 included: the reference keeps it, by presence), set before, between
// or after ts and rc
function collectionTime(start: number): { dtc: number | null; order: ("ts" | "rc" | "dtc")[] } {
  const r = rnd2();
  const dtc = r < 0.5 ? null : r < 0.55 ? 0 : start - Math.floor(rnd2() * 100000);
  const order: ("ts" | "rc" | "dtc")[] = ["ts", "rc"];
  order.splice(Math.floor(rnd2() * 3), 0, "dtc");
  return { dtc, order };
}
// ts and rc as tsFirst says, dtc at its place among them
function orderOf(c: Case): ("ts" | "rc" | "dtc")[] {
  return c.order.map((k) => (k === "dtc" || c.tsFirst ? k : k === "ts" ? "rc" : "ts"));
}
function randomKey(): string { let k = ""; for (let i = 0; i < 32; i++) k += "0123456789abcdef"[int(16)]; return k; }
// Every REORDERED_EVERY-th case puts "53" before "10" in its data (the reordering a JS object
// would do), so that the coverage guard holds for any seed, not only for most.
const REORDERED_EVERY = 10;
function randomCase(_: unknown, index: number): Case {
  const reordered = index % REORDERED_EVERY === 0;
  const dataOrder = reordered ? ["53", "10", ...names(int(3)).filter((n) => n !== "53" && n !== "10")] : names(int(6));
  const withInterval = rnd() < 0.6;
  const hdOrder = names(int(5));
  if (!withInterval) hdOrder.push("timestamp");
  const format: DataFormat = { data_order: dataOrder, historical_data_order: hdOrder };
  if (withInterval) format.historical_data_interval = pick([60, -60, 3600, 1]);
  if (rnd() < 0.6) format.id = 1 + int(100000);
  else if (rnd() < 0.5) format.variables = new Map<string, JsonValue>([[pick(NAMES), { name: randomString(6), unit: "€" }], ["10", "ten"]]);
  const start = 1_500_000_000 + int(500_000_000);
  const hd: Map<string, MetricValue>[] = [];
  for (let i = int(5); i > 0; i--) hd.push(row(hdOrder.filter((n) => n !== "timestamp"), withInterval ? undefined : start + int(100000)));
  const acc: JsonValue[] = rnd() < 0.2 ? [{ sn: randomString(5) || "A", df: int(9), d: [randomFloat(), randomString(3)], a: "ca1f" }] : [];
  return {
    serial: randomString(10), key: randomKey(), format,
    ts: reordered ? start : pick([null, null, 0, start, BigInt(start) * 1000n]), rc: pick([null, 0, 1 + int(1e6)]), tsFirst: rnd() < 0.5,
    data: reordered ? new Map<string, MetricValue>([["53", randomFloat()], ["10", int(1000)]]) : dataOrder.length && rnd() < 0.9 ? row(dataOrder) : new Map(), hd, acc,
    ...collectionTime(start),
  };
}

// ---- the peer --------------------------------------------------------------------------------------

type Obj = { [k: string]: JsonValue };
function peer(commands: string[]): any[] {
  const run = spawnSync("python3", [PEER], { input: commands.join("\n") + "\n", encoding: "utf8", maxBuffer: 1 << 28 });
  if (run.error || run.status !== 0) throw new Error(`reference peer failed (python3 with openpaygo 0.6.3 required): ${run.error ?? run.stderr}`);
  const out = run.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l));
  if (out.length !== commands.length) throw new Error(`reference peer answered ${out.length} of ${commands.length} commands`);
  return out;
}
const cmd = (op: string, fields: Record<string, JsonValue>) => stringifyLossless({ op, ...fields } as JsonValue);

// ---- ours ----------------------------------------------------------------------------------------

const AUTHS: (AuthMethod | null)[] = [null, "sa", "ta", "ca", "da", "ra"];
function ours(c: Case, auth: AuthMethod | null): MetricsEncoder {
  const e = new MetricsEncoder({ serialNumber: c.serial, key: c.key, authMethod: auth, dataFormat: c.format, module: "full" });
  for (const k of orderOf(c)) {
    if (k === "ts" && c.ts !== null) e.setTimestamp(c.ts);
    if (k === "rc" && c.rc !== null) e.setRequestCount(c.rc);
    if (k === "dtc" && c.dtc !== null) e.setCollectionTimestamp(c.dtc);
  }
  for (const a of c.acc) e.addAccessory(stringifyLossless(a));
  e.setData(c.data);
  for (const r of c.hd) e.addHistoricalRow(r);
  return e;
}
function encodeOurs(c: Case, auth: AuthMethod | null): { condensed?: string; simple?: string; cbor?: Uint8Array; error?: string } {
  try {
    const e = ours(c, auth);
    return { condensed: e.condensed(), simple: e.simple(), cbor: e.encode("condensed", "cbor") };
  } catch (err) {
    return { error: String(err) };
  }
}

// maps as Maps: the keys in the order sent, "__proto__" included
const cbor = new Decoder({ mapsAsObjects: false, useRecords: false });

// Leaves of a value in order, as [kind, value]: what the CBOR must carry.
function jsonLeaves(v: JsonValue, out: [string, unknown][] = []): [string, unknown][] {
  if (v instanceof Float) out.push(["float", v.value]);
  else if (typeof v === "number" || typeof v === "bigint") out.push(["int", BigInt(v)]);
  else if (Array.isArray(v)) v.forEach((x) => jsonLeaves(x, out));
  else if (v instanceof Map) for (const [k, x] of v) { out.push(["key", k]); jsonLeaves(x, out); }
  else out.push([v === null ? "null" : typeof v, v]);
  return out;
}
function cborLeaves(v: unknown, kinds: string[], out: [string, unknown][] = []): [string, unknown][] {
  if (typeof v === "number" || typeof v === "bigint") {
    const kind = kinds.shift()!;
    out.push([kind, kind === "float" ? Number(v) : BigInt(v)]);
  } else if (Array.isArray(v)) v.forEach((x) => cborLeaves(x, kinds, out));
  else if (v instanceof Map) for (const [k, x] of v) { out.push(["key", k]); cborLeaves(x, kinds, out); }
  else out.push([v === null ? "null" : typeof v, v]);
  return out;
}
// Kinds of the numbers in a CBOR item, in order (major types 0/1: int, 7 with 25-27: float): the
// int/float distinction that decoded JS values cannot show for integral floats such as 684.0.
function cborNumberKinds(b: Uint8Array): string[] {
  const kinds: string[] = [];
  let p = 0;
  const item = (): void => {
    const major = b[p] >> 5, info = b[p] & 31;
    p++;
    let n = 0;
    if (info < 24) n = info;
    else { const size = 1 << (info - 24); for (let i = 0; i < size; i++) n = n * 256 + b[p + i]; p += size; }
    if (major <= 1) kinds.push("int");
    else if (major === 2 || major === 3) p += n;
    else if (major === 4) for (let i = 0; i < n; i++) item();
    else if (major === 5) for (let i = 0; i < 2 * n; i++) item();
    else if (major === 7 && info >= 25 && info <= 27) kinds.push("float");
  };
  item();
  assert.equal(p, b.length);
  return kinds;
}

// ---- requests --------------------------------------------------------------------------------------

const cases = Array.from({ length: REQUEST_CASES }, randomCase);
const encoded = cases.map((c) => AUTHS.map((a) => encodeOurs(c, a)));
let requestResults: any[] = [];
let checkResults: any[] = [];
const checkIndex: Map<string, number> = new Map();

test("reference peer: python3 with openpaygo 0.6.3", () => {
  assert.deepEqual(peer([cmd("version", {})]), [{ version: "0.6.3" }]);
  requestResults = peer(cases.flatMap((c) => AUTHS.map((auth) => cmd("request", {
    serial: c.serial, key: c.key, auth, format: c.format as JsonValue, ts: c.ts, rc: c.rc, ts_first: c.tsFirst,
    data: c.data as JsonValue, hd: c.hd as JsonValue, acc: c.acc, dtc: c.dtc, order: orderOf(c),
  }))));
  // every payload (ours, and the reference's where it differs) is checked by the reference
  const checks: string[] = [];
  cases.forEach((c, i) => AUTHS.forEach((_a, j) => {
    const mine = encoded[i][j];
    const ref = requestResults[i * AUTHS.length + j];
    for (const payload of [mine.condensed, mine.simple, ref.condensed, ref.simple]) {
      if (payload === undefined || checkIndex.has(payload)) continue;
      checkIndex.set(payload, checks.length);
      checks.push(cmd("check", { payload, key: c.key, format: c.format.id ? (c.format as JsonValue) : null, received_at: 1_600_000_000 }));
    }
  }));
  checkResults = peer(checks);
});

cases.forEach((c, i) => {
  test(`random request ${i + 1}: byte-identical to the reference, verified and expanded alike, CBOR = JSON`, () => {
    assert.ok(requestResults.length > 0, "the reference peer did not run");
    AUTHS.forEach((auth, j) => {
      const mine = encoded[i][j];
      const ref = requestResults[i * AUTHS.length + j];
      const what = `auth ${auth} (${SEEDS})`;
      if (ref.error) {
        assert.ok(mine.error, `${what}: the reference refuses (${ref.error}); we encoded ${mine.condensed}`);
        return;
      }
      assert.equal(mine.error, undefined, `${what}: ${mine.error}`);
      assert.equal(mine.condensed, ref.condensed, what);
      assert.equal(mine.simple, ref.simple, what);
      for (const payload of new Set([ref.condensed, ref.simple, mine.condensed!, mine.simple!])) {
        const theirs = checkResults[checkIndex.get(payload)!];
        assert.equal(theirs.error, undefined, `${what}: reference check: ${theirs.error}`);
        const v = verifyRequest({ body: payload, key: c.key });
        assert.equal(v.result === "valid", theirs.auth_valid, `${what}: auth of ${payload}`);
        if (auth === null) assert.equal(v.result, "unsigned");
        // (the reference's datetime cannot expand timestamps past year 9999: nothing to compare)
        if (theirs.simple_error && /year|range/.test(theirs.simple_error)) continue;
        const expanded = expandRequest({ body: payload, dataFormat: c.format.id ? c.format : null, receivedAt: 1_600_000_000 });
        assert.equal(expanded, canonicalJson(theirs.simple), `${what}: expansion of ${payload}`);
      }
      // CBOR, decoded by cbor-x: the same values as the JSON form, floats as floats
      const decoded = cbor.decode(mine.cbor!);
      const json = parseOrdered(mine.condensed!);
      assert.deepEqual(cborLeaves(decoded, cborNumberKinds(mine.cbor!)), jsonLeaves(json), `${what}: CBOR of ${mine.condensed}`);
    });
  });
});

// ---- answers ---------------------------------------------------------------------------------------

interface AnswerCase {
  serial: string; key: string; startingCode: number | null; auth: AuthMethod | null; ts: number | null; rc: number | null;
  timeKind: "auts" | "asl" | null; tokens: [number, number | null][]; settings: Obj | null; extra: Obj | null; time: number;
}
const NOW = 1_700_000_000;
function randomObject(): Obj {
  const o: Obj = {};
  for (let i = 1 + int(3); i > 0; i--) o[randomString(4) || "k"] = pick<() => JsonValue>([randomFloat, randomInt, () => randomString(), () => [1, randomString(2), null], () => ({ n: randomFloat() })])();
  return o;
}
function randomAnswerCase(): AnswerCase {
  const tokens: [number, number | null][] = [];
  for (let i = int(4); i > 0; i--) {
    const type = pick([1, 1, 2, 2, 3]);
    tokens.push([type, type === 3 ? null : int(996)]);
  }
  const settings: Obj | null = rnd() < 0.5 ? { ...(rnd() < 0.5 ? { base_url: "https://" + randomString(8) } : {}), ...(rnd() < 0.3 ? { data_format_id: int(1000) } : {}), ...randomObject() } : null;
  const timeKind = pick(["auts", "asl", null] as const);
  const auth = pick(AUTHS);
  return {
    serial: randomString(8) || "S", key: randomKey(), startingCode: rnd() < 0.5 ? null : int(1e9), auth,
    ts: auth === "ta" ? NOW : pick([null, 0, NOW - int(1000)]), rc: auth === "ca" ? 7 : pick([null, 0, 1 + int(1000)]), timeKind, tokens, settings,
    extra: rnd() < 0.5 ? randomObject() : null, time: timeKind === "auts" ? NOW + int(1e7) : int(1e7),
  };
}
const answerCases = Array.from({ length: ANSWER_CASES }, randomAnswerCase);

function answerDevice(a: AnswerCase) {
  const device = new Device({ key: a.key, startingCode: a.startingCode });
  const enc = new MetricsEncoder({ serialNumber: a.serial, device, authMethod: a.auth });
  if (a.ts !== null) enc.setTimestamp(a.ts);
  if (a.rc !== null) enc.setRequestCount(a.rc);
  // a simple request: its data keys are not translated, so the full names
  const data: Record<string, MetricValue> = { token_count: 0 };
  if (a.timeKind) data[a.timeKind === "auts" ? "active_until_timestamp_requested" : "active_seconds_left_requested"] = true;
  enc.setData(data);
  return { device, enc };
}
let answerResults: any[] = [];
const answerRequests = answerCases.map((a) => {
  try { return answerDevice(a).enc.simple(); } catch (err) { return String(err); }
});

test("reference peer: answers", () => {
  answerResults = peer(answerCases.map((a, i) => cmd("answer", {
    request: answerRequests[i], key: a.key, starting_code: a.startingCode, count: 0, tokens: a.tokens as JsonValue,
    settings: a.settings, extra_data: a.extra, time: a.timeKind ? { [a.timeKind]: a.time } : null,
  })));
});

answerCases.forEach((a, i) => {
  test(`reference answer ${i + 1} (${SEEDS}): accepted and applied by our device; tampered copies change nothing`, () => {
    const ref = answerResults[i];
    assert.ok(ref && !ref.error, `reference answer: ${ref?.error}`);
    const { device, enc } = answerDevice(a);
    enc.simple();
    const payload: string = ref.payload;
    const state = () => [Buffer.from(device.save()).toString("hex"), JSON.stringify(enc.ring()), enc.simple()];
    const before = state();
    const signed = /"a":"da/.test(payload);
    if (signed) {
      const sig = payload.lastIndexOf('"a":"da') + 7;
      const flipped = payload.slice(0, sig) + (payload[sig] === "1" ? "2" : "1") + payload.slice(sig + 1);
      assert.throws(() => enc.applyAnswer(flipped, NOW), /signature/);
      assert.throws(() => enc.applyAnswer(payload.replace("{", `{"sn":${JSON.stringify(a.serial + "x")},`), NOW), /another serial/);
      if (a.settings || a.extra || a.timeKind) {
        assert.throws(() => enc.applyAnswer(payload.replace(/,"a":"[^"]*"/, ""), NOW), /signature/);
      }
      assert.deepEqual(state(), before);
    }
    const r = enc.applyAnswer(payload, NOW);
    assert.equal(r.signed, signed);
    // tokens: the reference's own, in order, all accepted
    assert.deepEqual(r.tokens.map((t) => [t.token, t.result, t.type]), (ref.tokens as [string, number][]).map(([tok], k) => [
      tok, "ACCEPTED", ["ADD_TIME", "SET_TIME", "DISABLE_PAYG"][a.tokens[k][0] - 1]]));
    let until = 0, disabled = false;
    for (const [type, value] of a.tokens) {
      if (type === 1) until = Math.max(until, NOW) + value! * 86400;
      else if (type === 2) { until = NOW + value! * 86400; disabled = false; }
      else disabled = true;
    }
    if (a.timeKind) { until = a.timeKind === "auts" ? a.time : NOW + a.time; disabled = false; }
    assert.equal(device.wasm.exports.device_active_until() >>> 0, until);
    assert.equal(device.paygDisabled(), disabled);
    assert.deepEqual(r.time, a.timeKind ? { kind: a.timeKind === "auts" ? "active_until_timestamp" : "active_seconds_left", value: a.time } : null);
    const same = (got: Obj | null, key: string) => assert.equal(got === null ? undefined : canonicalJson(stringifyLossless(got)), rawMember(payload, key));
    same(r.settings, "st");
    same(r.extraData, "ed");
    assert.equal(r.baseUrl, a.settings && typeof a.settings.base_url === "string" ? a.settings.base_url : null);
    assert.equal(r.dataFormatId, a.settings && typeof a.settings.data_format_id === "number" ? a.settings.data_format_id : null);
  });
});

test("coverage of the random run (guards against a vacuous pass)", () => {
  const pairs = requestResults.filter((r) => !r.error).length;
  const refused = requestResults.length - pairs;
  const floats = encoded.flat().filter((e) => e.condensed && /\d\.0[,\]]|e[+-]/.test(e.condensed)).length;
  const astral = encoded.flat().filter((e) => e.condensed?.includes("\\ud83d")).length;
  const signed = answerResults.filter((r) => /"a":"da/.test(r.payload)).length;
  const withTokens = answerResults.filter((r) => r.tokens.length > 0).length;
  // dtc matched, first and last among the keys set (with hd: the reference expands from it)
  const ok = requestResults.filter((r) => !r.error);
  const dtcFirst = ok.filter((r) => /^\{"sn":(?:"(?:[^"\\]|\\.)*")(?:,"dfo?":(?:\d+|\{.*?\}))?,"dtc":/.test(r.condensed)).length;
  const dtcLast = ok.filter((r) => /,"(?:ts|rc)":\d+,"dtc":-?\d+,"(?:acc|d)":/.test(r.condensed)).length;
  const dtcHd = ok.filter((r) => /"dtc":/.test(r.condensed) && /"hd":\[\[/.test(r.condensed)).length;
  // rows whose keys a JS object would reorder ("53" or "4294967296" before "10"), or drop (__proto__)
  const reordered = ok.filter((r) => /[{,]"(?:53|4294967296)":[^{}]*?,"10":/.test(r.simple)).length;
  const proto = ok.filter((r) => /"__proto__":/.test(r.simple)).length;
  const stats = { pairs, refused, floats, astral, checks: checkResults.length, signed, withTokens, dtcFirst, dtcLast, dtcHd, reordered, proto };
  assert.ok(pairs >= 600 && refused >= 20 && floats >= 100 && astral >= 50 && signed >= 40 && withTokens >= 40
    && dtcFirst >= 20 && dtcLast >= 20 && dtcHd >= 50 && reordered >= 20 && proto >= 50, `${SEEDS}: ${JSON.stringify(stats)}`);
});

// ---- data kept as given, or refused: fixed cases against the reference ------------------------

const KEY = "0123456789abcdef0123456789abcdef";
type Request = { serial: string; key: string; auth: AuthMethod | null; format: JsonValue; ts: JsonValue; rc: JsonValue; data: JsonValue; hd: JsonValue };
const request = (r: Partial<Request>): Request =>
  ({ serial: "S1", key: KEY, auth: "da", format: parseOrdered('{"data_order":["53","10","__proto__"],"historical_data_order":["53","10"],"historical_data_interval":60}'), ts: 1_600_000_000, rc: null, data: new Map(), hd: [], ...r });
const refRequest = (r: Request) => cmd("request", { ...r, ts_first: true, acc: [], dtc: null });
// The same request through the CLI (`opaygo metrics request --jsonl`): one JSON line of text
const cliLine = (r: Request) => stringifyLossless(new Map<string, JsonValue>([["serial_number", r.serial], ["key", r.key], ["auth_method", r.auth],
  ["data_format", r.format], ["timestamp", r.ts], ["request_count", r.rc], ["data", r.data], ["historical_data", r.hd]]));

test("integer-like keys and __proto__ keep their place and their value (API with Map and JSON text, CLI), as in the reference", () => {
  const rows = ['{"53":1,"10":2.0,"__proto__":"p"}', '{"__proto__":[1.5,2.5],"10":null}', "{}"];
  const formats = ['{"data_order":["53","10","__proto__"],"historical_data_order":["53","10","__proto__"],"historical_data_interval":60}',
    '{"id":0,"variables":{"53":{"unit":"V"},"10":{"unit":"A"},"__proto__":{}},"data_order":["53","10","__proto__"],"historical_data_order":["__proto__","10","53"],"historical_data_interval":60}'];
  const reqs = formats.flatMap((f) => (["da", "ra", null] as const).map((auth) =>
    request({ auth, format: parseOrdered(f), data: parseOrdered(rows[0]), hd: rows.map((r) => parseOrdered(r)) })));
  const refs = peer(reqs.map(refRequest));
  const cli = opaygo(["metrics", "request", "--jsonl"], reqs.map(cliLine).join("\n") + "\n");
  assert.equal(cli.status, 0, cli.stderr);
  const cliOut = jsonLines(cli.stdout);
  reqs.forEach((r, i) => {
    const ref = refs[i];
    assert.equal(ref.error, undefined, ref.error);
    assert.match(ref.simple, /"data":\{"53":1,"10":2\.0,"__proto__":"p"\}/);
    const viaMap = new MetricsEncoder({ serialNumber: r.serial, key: r.key, authMethod: r.auth, dataFormat: r.format as Map<string, JsonValue>, module: "full" });
    viaMap.setTimestamp(r.ts as number);
    viaMap.setData(r.data as MetricRow);
    for (const h of r.hd as MetricRow[]) viaMap.addHistoricalRow(h);
    const viaText = new MetricsEncoder({ serialNumber: r.serial, key: r.key, authMethod: r.auth, dataFormat: stringifyLossless(r.format), module: "full" });
    viaText.setTimestamp(r.ts as number);
    viaText.setData(stringifyLossless(r.data));
    for (const h of r.hd as JsonValue[]) viaText.addHistoricalRow(stringifyLossless(h));
    for (const [how, got] of [["Map", { condensed: viaMap.condensed(), simple: viaMap.simple() }], ["JSON text", { condensed: viaText.condensed(), simple: viaText.simple() }],
      ["CLI", cliOut[i]]] as const) {
      assert.equal(got.condensed, ref.condensed, `${how}, request ${i}`);
      assert.equal(got.simple, ref.simple, `${how}, request ${i}`);
    }
  });
});

test("ts / rc / data format ids that are not 64-bit integers are refused, not converted (the reference writes them as given)", () => {
  const bad: [string, JsonValue][] = [["7.0", new Float(7)], ['"7"', "7"], ["true", true], ["18446744073709551621", 18446744073709551621n],
    ["-9223372036854775809", -9223372036854775809n], ["9223372036854775808", 9223372036854775808n]];
  const reqs = bad.flatMap(([, v]) => [request({ ts: v }), request({ rc: v }),
    request({ format: parseOrdered(`{"id":${stringifyLossless(v)},"data_order":["53"]}`), auth: null, ts: null })]);
  const refs = peer(reqs.map(refRequest));
  const cli = opaygo(["metrics", "request", "--jsonl"], reqs.map(cliLine).join("\n") + "\n");
  assert.equal(cli.status, 2, "a refused line makes the batch exit 2 (the input's fault)");
  const cliOut = jsonLines(cli.stdout);
  reqs.forEach((r, i) => {
    const [text] = bad[Math.floor(i / 3)];
    const member = ["ts", "rc", "df"][i % 3];
    // the reference carries the value as given, which no 64-bit integer can
    assert.ok(refs[i].condensed.includes(`"${member}":${text}`), `reference: ${refs[i].condensed ?? refs[i].error}`);
    const what = ["timestamp", "request count", "data format id"][i % 3];
    assert.throws(() => {
      const e = new MetricsEncoder({ serialNumber: r.serial, key: r.key, authMethod: r.auth, dataFormat: r.format as Map<string, JsonValue>, module: "full" });
      if (r.ts !== null) e.setTimestamp(r.ts as number);
      if (r.rc !== null) e.setRequestCount(r.rc as number);
    }, (err: Error) => err instanceof OpaygoError && err.message.startsWith(what), `${what} ${text}`);
    assert.match(cliOut[i].error, new RegExp(`^${what} `), `CLI, ${what} ${text}`);
  });
  const one = opaygo(["metrics", "request"], cliLine(reqs[0]));
  assert.equal(one.status, 2);
  assert.match(one.stderr, /^opaygo: timestamp must be an integer, not 7\.0\n$/);
});

test("a list as a historical row is refused (the reference keeps [] as a list in the simple form)", () => {
  const r = request({ hd: [[]] });
  const [ref] = peer([refRequest(r)]);
  assert.match(ref.simple, /"historical_data":\[\[\]\]/);
  const e = new MetricsEncoder({ serialNumber: r.serial, key: r.key, authMethod: r.auth, dataFormat: r.format as Map<string, JsonValue>, module: "full" });
  assert.throws(() => e.addHistoricalRow([] as unknown as MetricRow), /historical row must be an object/);
  assert.throws(() => e.addHistoricalRow("[]"), /historical row must be a JSON object/);
  const cli = opaygo(["metrics", "request"], cliLine(r));
  assert.equal(cli.status, 2);
  assert.match(cli.stderr, /historical row must be an object/);
});

// every name the reference maps (condensed and simple) and the spec's dct
const NAME_PAIRS = [["sn", "serial_number"], ["ts", "timestamp"], ["rc", "request_count"], ["df", "data_format_id"], ["dfo", "data_format"],
  ["d", "data"], ["hd", "historical_data"], ["a", "auth"], ["acc", "accessories"], ["dtc", "data_collection_timestamp"], ["dct", "dtc"],
  ["dct", "data_collection_timestamp"], ["tkl", "token_list"], ["auts", "active_until_timestamp"], ["asl", "active_seconds_left"],
  ["st", "settings"], ["ed", "extra_data"], ["tc", "token_count"], ["autsr", "active_until_timestamp_requested"], ["aslr", "active_seconds_left_requested"]];

test("a request holding one member under two names is refused (the reference reads the last one)", () => {
  const signed = new MetricsEncoder({ serialNumber: "S1", key: KEY, authMethod: "sa", module: "full" }).simple();
  const sig = JSON.parse(signed).auth as string;
  // the reference takes whichever comes last: valid or not by order alone
  const [first, last] = peer([`{"sn":"S1","ts":5,"a":${JSON.stringify(sig)},"auth":"sa0"}`, `{"sn":"S1","ts":5,"a":"sa0","auth":${JSON.stringify(sig)}}`]
    .map((payload) => cmd("check", { payload, key: KEY, format: null, received_at: 1_600_000_000 })));
  assert.deepEqual([first.auth_valid, last.auth_valid], [false, true]);
  for (const [a, b] of NAME_PAIRS) {
    const others = [["sn", '"S1"'], ["ts", "5"]].filter(([k]) => k !== a && k !== b);
    for (const [x, y, value] of [[a, b, "1"], [b, a, "[]"]]) {
      const body = "{" + [...others, [x, value], [y, value]].map(([k, v]) => `"${k}":${v}`).join(",") + "}";
      assert.throws(() => canonicalRequest({ body }), (err: Error) => err instanceof OpaygoError && err.code === ERR_METRICS_DUPLICATE, body);
      assert.throws(() => verifyRequest({ body, key: KEY }), /two names/, body);
    }
  }
  const cli = opaygo(["metrics", "expand", "--jsonl"], `{"payload":${JSON.stringify(`{"sn":"S1","d":{"v":1},"data":{"v":2}}`)},"received_at":1}\n`);
  assert.equal(cli.status, 2);
  assert.match(jsonLines(cli.stdout)[0].error, /two names/);
});

test("a present but empty signature is invalid (false), as the reference says; an absent one is unsigned (null)", () => {
  const payloads = ['{"sn":"S1","ts":5,"a":""}', '{"sn":"S1","ts":5,"auth":null}', '{"sn":"S1","ts":5,"a":0}', '{"sn":"S1","ts":5,"a":[]}', '{"sn":"S1","ts":5}'];
  const refs = peer(payloads.map((payload) => cmd("check", { payload, key: KEY, format: null, received_at: 1_600_000_000 })));
  const cli = opaygo(["metrics", "expand", "--jsonl"], payloads.map((payload) => JSON.stringify({ payload, key: KEY, received_at: 1_600_000_000 })).join("\n") + "\n");
  assert.equal(cli.status, 0, cli.stderr);
  jsonLines(cli.stdout).forEach((out, i) => {
    assert.equal(refs[i].auth_valid, false);
    const absent = i === payloads.length - 1;
    assert.equal(out.auth_valid, absent ? null : false, payloads[i]);
    assert.equal(verifyRequest({ body: payloads[i], key: KEY }).result, absent ? "unsigned" : "bad_signature", payloads[i]);
    assert.equal(canonicalJson(stringifyLossless(out.simple_metrics)), canonicalJson(refs[i].simple), payloads[i]);
  });
});

test("lone surrogate escapes are read and written back as Python's json does; invalid UTF-8 stays refused", () => {
  const data = '{"53":"\\udc00","10":"a\\ud800b","__proto__":["\\udbff","\\ud83d\\ude00"]}';
  const reqs = (["da", "ra", "sa", null] as const).map((auth) => request({ auth, data: parseOrdered(data) }));
  const refs = peer(reqs.map(refRequest));
  const payloads: string[] = refs.flatMap((r) => [r.condensed, r.simple]);
  assert.ok(payloads.every((p) => p !== undefined), JSON.stringify(refs));
  const checks = peer(payloads.map((payload) => cmd("check", { payload, key: KEY, format: parseOrdered(stringifyLossless(reqs[0].format)), received_at: 1 })));
  payloads.forEach((payload, i) => {
    assert.match(payload, /\\udc00/);
    assert.equal(canonicalJson(payload), payload);
    assert.equal(verifyRequest({ body: payload, key: KEY }).result === "valid", checks[i].auth_valid, payload);
    assert.equal(expandRequest({ body: payload, dataFormat: reqs[0].format as Map<string, JsonValue>, receivedAt: 1 }), canonicalJson(checks[i].simple), payload);
  });
  assert.ok(checks.filter((c) => c.auth_valid).length >= 4, "signed payloads with lone surrogates verified");
  // a device cannot encode one (no UTF-8 form): refused, not turned into U+FFFD
  const e = new MetricsEncoder({ serialNumber: "S1", module: "full" });
  assert.throws(() => e.setData(new Map([["v", "\udc00"]])), /lone surrogate \(U\+DC00\)/);
  assert.throws(() => e.setData(data), /lone surrogate/);
  // raw bytes of a surrogate (ED B0 80) are not UTF-8
  const raw = new Uint8Array([...Buffer.from('{"sn":"'), 0xed, 0xb0, 0x80, ...Buffer.from('"}')]);
  assert.throws(() => canonicalRequest({ body: raw }), /UTF-8/);
});

// ---- limits of the full build (docs/codec.md, Limits) -----------------------------------------------------
// Each case at a documented maximum must be byte-identical to the reference (which has no limits)
// and verified and expanded alike; one past it, we refuse with a clear error (never a cut payload).
const FULL_ROW = 1280, FULL_SERIAL = 256, FULL_NAMES = 1024, MAX_NAMES = 254;
const LIMIT_KEY = "00112233445566778899aabbccddeeff";
const twoChar = (i: number) => i.toString(36).padStart(2, "0");
interface LimitCase { name: string; fits: boolean; c: Case }
type Row = Record<string, MetricValue>;
function limitCase(name: string, fits: boolean, { data, hd, ...over }: Omit<Partial<Case>, "data" | "hd"> & { data?: Row; hd?: Row[] }): LimitCase {
  // the reference needs both orders present
  if (over.format) over.format = { data_order: [], historical_data_order: [], ...over.format };
  return { name, fits, c: { serial: "SN-LIMITS", key: LIMIT_KEY, format: { id: 9, data_order: ["s"], historical_data_order: ["s"], historical_data_interval: 60 },
    ts: 1_700_000_000, rc: 5, tsFirst: true, data: new Map(Object.entries(data ?? {})), hd: (hd ?? []).map((r) => new Map(Object.entries(r))), acc: [], dtc: null, order: ["ts", "rc"], ...over } };
}
// a row's string entry: variable index, tag, 2-byte length, the bytes
const longest = FULL_ROW - 4;
const LIMIT_CASES: LimitCase[] = [
  limitCase("a 264-byte string (issue 11)", true, { data: { s: "x".repeat(264) } }),
  limitCase(`a ${longest}-byte string in the current data`, true, { data: { s: "é".repeat(longest / 2) } }),
  limitCase(`a ${longest}-byte string in a historical row`, true, { hd: [{ s: "y".repeat(longest) }, { s: "z" }] }),
  limitCase(`a ${longest + 1}-byte string`, false, { data: { s: "x".repeat(longest + 1) } }),
  limitCase(`a ${FULL_SERIAL}-byte serial number`, true, { serial: "S".repeat(FULL_SERIAL - 2) + "é" }),
  limitCase(`a ${FULL_SERIAL + 1}-byte serial number`, false, { serial: "S".repeat(FULL_SERIAL + 1) }),
  limitCase(`${MAX_NAMES} variables in a row`, true, (() => {
    const order = Array.from({ length: MAX_NAMES }, (_, i) => twoChar(i));
    return { format: { id: 9, data_order: order }, data: Object.fromEntries(order.map((n, i) => [n, i * 1000])) };
  })()),
  limitCase(`${MAX_NAMES + 1} variables in data_order`, false, { format: { id: 9, data_order: Array.from({ length: MAX_NAMES + 1 }, (_, i) => twoChar(i)) } }),
  limitCase(`names filling the ${FULL_NAMES}-byte table`, true, (() => {
    // 1 length byte + 7 bytes a name: 128 names = 1024 bytes
    const order = Array.from({ length: FULL_NAMES / 8 }, (_, i) => `var${String(i).padStart(4, "0")}`);
    return { format: { id: 9, historical_data_order: order, historical_data_interval: 60 }, hd: [Object.fromEntries(order.map((n) => [n, 1.5]))] };
  })()),
  limitCase("one name past the table", false, { format: { id: 9, historical_data_order: Array.from({ length: FULL_NAMES / 8 + 1 }, (_, i) => `var${String(i).padStart(4, "0")}`) } }),
  limitCase(`a row of ${FULL_ROW} bytes`, true, (() => {
    // 20 strings: each 1 + 1 + 1 + 61 bytes = 64
    const order = Array.from({ length: 20 }, (_, i) => `v${i}`);
    return { format: { id: 9, data_order: order }, data: Object.fromEntries(order.map((n) => [n, "q".repeat(61)])) };
  })()),
  limitCase(`a row one byte over ${FULL_ROW}`, false, (() => {
    const order = Array.from({ length: 20 }, (_, i) => `v${i}`);
    return { format: { id: 9, data_order: order }, data: Object.fromEntries(order.map((n, i) => [n, "q".repeat(i ? 61 : 62)])) };
  })()),
  limitCase("a 255-element array", true, { data: { s: Array.from({ length: 255 }, (_, i) => i % 7) } }),
  limitCase("a 256-element array", false, { data: { s: Array.from({ length: 256 }, (_, i) => i % 7) } }),
  limitCase("an inline data format nested 31 levels (the request: 32)", true, {
    format: { data_order: ["s"], x: JSON.parse("[".repeat(30) + "]".repeat(30)) } as DataFormat, data: { s: 1 } }),
  limitCase("an inline data format nested 32 levels (the request: 33)", false, {
    format: { data_order: ["s"], x: JSON.parse("[".repeat(31) + "]".repeat(31)) } as DataFormat, data: { s: 1 } }),
];

test("full build limits: at each maximum byte-identical to the reference, one past it refused cleanly", () => {
  const auths: (AuthMethod | null)[] = [null, "ra"];
  const refs = peer(LIMIT_CASES.flatMap(({ c }) => auths.map((auth) => cmd("request", {
    serial: c.serial, key: c.key, auth, format: c.format as JsonValue, ts: c.ts, rc: c.rc, ts_first: true,
    data: c.data as JsonValue, hd: c.hd as JsonValue, acc: [], dtc: null, order: ["ts", "rc"],
  }))));
  LIMIT_CASES.forEach(({ name, fits, c }, i) => auths.forEach((auth, j) => {
    const ref = refs[i * auths.length + j];
    const what = `${name}, auth ${auth}`;
    assert.equal(ref.error, undefined, `${what}: the reference refuses it (${ref.error})`);
    const mine = encodeOurs(c, auth);
    if (!fits) {
      assert.match(String(mine.error), /OpaygoError: .*(full|exceeds|out of range|nesting)/, `${what}: ${mine.error ?? mine.condensed?.slice(0, 80)}`);
      return;
    }
    assert.equal(mine.error, undefined, `${what}: ${mine.error}`);
    assert.equal(mine.condensed, ref.condensed, what);
    assert.equal(mine.simple, ref.simple, what);
    for (const body of [mine.condensed!, mine.simple!]) {
      const v = verifyRequest({ body, key: c.key });
      assert.equal(v.result, auth ? "valid" : "unsigned", `${what}: verify`);
      assert.ok(expandRequest({ body, dataFormat: c.format.id ? c.format : null, receivedAt: 1_600_000_000 }).length > 0, `${what}: expand`);
    }
  }));
});

test("the specification's time rules (tests/spec-time-vectors.ts): the reference expands alike where it implements them", () => {
  const refs = peer(TIME_VECTORS.map((v) => cmd("check", { payload: v.payload, key: KEY, format: null, received_at: v.receivedAt })));
  TIME_VECTORS.forEach((v, i) => {
    const ours = JSON.parse(expandRequest({ body: v.payload, receivedAt: v.receivedAt }));
    const theirs = JSON.parse(refs[i].simple);
    if (v.reference) {
      assert.equal(canonicalJson(JSON.stringify(ours)), canonicalJson(refs[i].simple), v.name);
    } else {
      // dct: the reference keeps it as an unknown member and starts from ts
      assert.deepEqual(theirs.historical_data.map((r: Obj) => r.timestamp), [1000015, 999955, 999895], v.name);
      assert.deepEqual(ours.historical_data.map((r: Obj) => r.timestamp), v.times, v.name);
    }
  });
});

test("the profile vectors (seed_scenario_int.json, metrics_requests_int.jsonl) are what the reference makes today", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-profile-vectors-"));
  try {
    const script = new URL("../../../tests/peers/make_profile_vectors.py", import.meta.url).pathname;
    const run = spawnSync("python3", [script, dir], { encoding: "utf8" });
    assert.equal(run.status, 0, run.stderr);
    for (const name of ["seed_scenario_int.json", "metrics_requests_int.jsonl"]) {
      const committed = fs.readFileSync(new URL(`../../../tests/vectors/${name}`, import.meta.url), "utf8");
      assert.equal(fs.readFileSync(path.join(dir, name), "utf8"), committed, `${name}: run python3 tests/peers/make_profile_vectors.py`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Two differences a random differential run found (issue 19): the reference expands with the
// request's own dfo when the host's format is falsy (None or {}), and its datetime rounds a
// fractional time to the microsecond (half to even) before int() truncates it.
test("a null or empty host data format, and fractional times: expanded as the reference expands them", () => {
  const DFO = '{"data_order":["a","b"],"historical_data_order":["v","relative_time","timestamp"],"historical_data_interval":60}';
  const cases: { payload: string; format: JsonValue; receivedAt: number }[] = [];
  for (const format of [null, {}] as JsonValue[]) {
    cases.push({ payload: `{"sn":"S","dfo":${DFO},"ts":1700000000,"d":[1,2],"hd":[[1],[2,30],{"0":3}]}`, format, receivedAt: 1 });
    cases.push({ payload: `{"sn":"S","dfo":${DFO},"rc":4,"d":[7],"hd":[[1]]}`, format, receivedAt: 1_650_000_000 });
  }
  const noTs = (hd: string) => `{"sn":"S","dfo":${DFO},"rc":1,"hd":${hd}}`;
  for (const t of [1700000000.9999995, 1700000000.4999995, 1700000000.0000005, 1699999999.9999994, 1700000000.9999985, 0.5, 1e-7]) {
    cases.push({ payload: noTs("[[1],[2]]"), format: null, receivedAt: t });
  }
  for (const [name, t] of [["ts", "1700000000.9999995"], ["dtc", "1700000000.5000005"], ["ts", "1700000000.9999996"]]) {
    cases.push({ payload: `{"sn":"S","dfo":${DFO},"${name}":${t},"hd":[[1],[2],[3,-1]]}`, format: null, receivedAt: 1 });
  }
  // an explicit fractional timestamp restarts the rows; relative_time is truncated, not rounded
  cases.push({ payload: noTs("[[1],[2,null,1700000000.9999996],[3],[4,0.9999995],[5,-1.5]]"), format: null, receivedAt: 1 });
  const refs = peer(cases.map((c) => cmd("check", { payload: c.payload, key: KEY, format: c.format, received_at: c.receivedAt })));
  cases.forEach((c, i) => {
    const what = `${c.payload} with format ${JSON.stringify(c.format)} at ${c.receivedAt}`;
    assert.equal(refs[i].simple_error, undefined, `${what}: the reference refuses it: ${refs[i].simple_error}`);
    assert.equal(expandRequest({ body: c.payload, dataFormat: c.format as DataFormat | null, receivedAt: c.receivedAt }), canonicalJson(refs[i].simple), what);
  });
  // the fraction that made the difference: 1700000000.9999995 starts the rows at 1700000001
  assert.equal(JSON.parse(refs[4].simple).historical_data[0].timestamp, 1700000001);
});

test("floats leave the server as Python's repr writes them (json.dumps): seeded doubles, the exponent-form boundaries, decimal readings", () => withSeed(0xf10a7, (seed) => {
  const rnd = new Prng(seed);
  const bits = new DataView(new ArrayBuffer(8));
  const xs: number[] = [1e-4, 9.999999999999999e-5, 1e16, 9999999999999998, 0.1, 100, 123456789.125, 5e-324, 1.7976931348623157e308, -0.0, 2 ** 53, 2 ** 53 + 2];
  for (let i = 0; i < 3000; i++) {
    if (i % 3 === 0) { bits.setUint32(0, rnd.nextU32()); bits.setUint32(4, rnd.nextU32()); xs.push(bits.getFloat64(0)); }
    else if (i % 3 === 1) xs.push(rnd.int(-1000000, 1000000) / 100);
    else xs.push(rnd.next() * 10 ** rnd.int(-20, 20));
  }
  const finite = xs.filter(Number.isFinite);
  const run = spawnSync("python3", ["-c", "import sys,json,struct\nfor l in sys.stdin: print(json.dumps(struct.unpack('>d', bytes.fromhex(l.strip()))[0]))"],
    { input: finite.map((x) => { bits.setFloat64(0, x); return bits.getBigUint64(0).toString(16).padStart(16, "0"); }).join("\n") + "\n", encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const theirs = run.stdout.trim().split("\n");
  finite.forEach((x, i) => assert.equal(stringifyLossless(new Float(x)), theirs[i], `the double ${x}`));
}));
