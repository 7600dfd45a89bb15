// The server side as a platform uses it: a request loaded once (LoadedRequest) and verified,
// expanded and answered from that load; backlogs of megabytes (1 MiB and 4 MiB, JSON and CBOR)
// verified and expanded row for row; what the module cannot hold refused as too large (a code of
// its own, which the reference server answers 413), never as malformed.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { Encoder } from "cbor-x";
import { LoadedRequest, RECLAIM_BYTES, SERVER_MEMORY_LIMIT, buildAnswer, canonicalRequest, expandRequest, serverMemoryBytes, verifyRequest } from "../bindings/server.js";
import { MetricsEncoder, rawMember } from "../bindings/metrics.js";
import { rawElements } from "../bindings/metrics-json.js";
import { OpaygoError } from "../bindings/wasm.js";
import { ERR_METRICS_SHAPE, ERR_METRICS_TOO_LARGE } from "../bindings/abi.js";
import { CodecError, encodeAnswer, expandRequest as hostExpand, readRequest, verifyAuth } from "../host-sim/codec.js";
import { recursiveAuth } from "./siphash.js";
import { testSeed } from "./helpers.js";

const seed = JSON.parse(fs.readFileSync(new URL("../../../tests/vectors/seed_scenario.json", import.meta.url), "utf8"));
const KEY = seed.key as string;

test("the test's SipHash signs the seed scenario as the reference did", () => {
  const text = seed.condensed as string;
  const c = JSON.parse(text);
  const hd = rawMember(text, "hd")!;
  const rows = [...rawElements(hd)].map(([s, e]) => hd.slice(s, e));
  assert.equal(rows.length, 30);
  assert.equal(recursiveAuth(KEY, c.sn, c.ts, null, rawMember(text, "d")!, rows), c.a);
});

test("a loaded request: read, verified, expanded and answered from one load, as the one-call functions do", () => {
  const body = seed.condensed as string;
  const r = LoadedRequest.load({ body });
  assert.equal(r.serialNumber, "A111222");
  assert.equal(r.timestamp, 1611583070n);
  assert.equal(r.requestCount, null);
  assert.equal(r.formatId, 12n);
  assert.equal(r.authMethod, "ra");
  assert.equal(r.kind("hd"), "array");
  assert.equal(r.kind("d"), "array");
  assert.equal(r.kind("rc"), "absent");
  assert.equal(r.text("d"), '[13,false,"1.14.2",false,false]');
  assert.equal(r.text("a"), '"' + JSON.parse(body).a + '"');
  assert.equal(r.canonical, body);
  const v = r.verify({ key: KEY });
  const x = r.expand({ dataFormat: seed.data_format, receivedAt: 1_700_000_000 });
  const a = r.answer({ key: KEY, answer: { tkl: ["703181784"] } });
  // a replay, against the same load
  assert.equal(r.verify({ key: KEY, lastTimestamp: 1611583070 }).result, "replay");
  assert.equal(r.loads, 1);
  assert.deepEqual(v, verifyRequest({ body, key: KEY }));
  assert.equal(v.result, "valid");
  assert.equal(x, expandRequest({ body, dataFormat: seed.data_format, receivedAt: 1_700_000_000 }));
  const rows = JSON.parse(x).historical_data;
  assert.deepEqual([rows.length, rows[0].timestamp, rows[29].timestamp], [30, seed.timestamp, seed.timestamp + 29 * 120]);
  assert.equal(a, seed.answer);
  assert.equal(a, buildAnswer({ body, key: KEY, answer: { tkl: ["703181784"] } }));
});

test("two requests loaded in turn: each is loaded again when used after the other (loads counts it)", () => {
  const e = new MetricsEncoder({ serialNumber: "SN-2", authMethod: "ca", key: KEY, module: "full" });
  e.setRequestCount(41);
  e.setData({ v: 1 });
  const b = e.simple();
  const first = LoadedRequest.load({ body: seed.condensed });
  const second = LoadedRequest.load({ body: b });
  assert.equal(first.verify({ key: KEY }).result, "valid");
  assert.equal(first.loads, 2);
  assert.equal(second.verify({ key: KEY }).result, "valid");
  assert.equal(second.authMethod, "ca");
  assert.equal(second.requestCount, 41n);
  assert.equal(second.loads, 2);
  assert.equal(canonicalRequest({ body: b }), b);
});

test("the host's side: readRequest loads once, and verifyAuth, expandRequest, encodeAnswer use that load", () => {
  const r = readRequest(Buffer.from(seed.condensed), "json");
  assert.equal(r.authMethod, "ra");
  assert.equal(r.auth, JSON.parse(seed.condensed).a);
  assert.deepEqual([r.serial, r.formatId, r.timestamp, r.requestCount], ["A111222", 12, 1611583070, null]);
  assert.deepEqual(verifyAuth(r, KEY, null, null), { ok: true });
  const x = hostExpand(r, seed.data_format, 1_700_000_000);
  assert.equal(x.rows.length, 30);
  assert.equal(x.rows[1].timestamp, seed.timestamp + 120);
  assert.equal(x.rows[0].json, '{"battery_voltage":13.22,"battery_current":-1.33,"panel_voltage":18.08,"output_1_current":0.62,"output_2_current":0.0}');
  assert.deepEqual(x.rows[0].values, seed.historical_data[0]);
  assert.equal(x.tokenCount, 13);
  assert.equal(encodeAnswer(KEY, r, { tokens: ["703181784"], settings: null, activeUntil: null }).body.toString(), seed.answer);
  assert.equal(r.loaded.loads, 1);
});

// ---- backlogs ------------------------------------------------------------------------------------

const NAMES = ["battery_voltage", "battery_current", "panel_voltage", "output_1_current", "output_2_current"];
const FORMAT = { id: 12, data_order: ["token_count"], historical_data_interval: 120, historical_data_order: NAMES };
const TS = 1_700_000_000;

/** A device's backlog of at least `bytes`: canonical JSON rows of five readings (integers, and
 *  floats of two decimals as Python prints them), signed `ra`, with the rows' values. */
function backlog(bytes: number, rng: () => number) {
  const rows: number[][] = [];
  const texts: string[] = [];
  let size = 0;
  while (size < bytes) {
    // an integral reading goes as an integer (String(13) is 13, as the device sends it)
    const row = NAMES.map((_, i) => (Math.floor(rng() * 4000) - (i === 1 ? 2000 : 0)) / 100);
    rows.push(row);
    const t = "[" + row.map(String).join(",") + "]";
    texts.push(t);
    size += t.length + 1;
  }
  const dtc = TS - (rows.length - 1) * 120;
  const a = recursiveAuth(KEY, "BIG-1", TS, null, "[]", texts);
  const json = `{"sn":"BIG-1","df":12,"ts":${TS},"dtc":${dtc},"hd":[${texts.join(",")}],"a":"${a}"}`;
  const object = { sn: "BIG-1", df: 12, ts: TS, dtc, hd: rows, a };
  // the simple form, as the reference writes it: members in order, `a` dropped, `data` added
  const expanded = `{"serial_number":"BIG-1","data_format_id":12,"timestamp":${TS},"data_collection_timestamp":${dtc},"historical_data":[` +
    rows.map((r, i) => "{" + r.map((v, j) => `"${NAMES[j]}":${v}`).join(",") + `,"timestamp":${dtc + i * 120}}`).join(",") + '],"data":{}}';
  return { rows, texts, json, object, expanded, dtc };
}

function rngOf(s: number): () => number {
  let x = s;
  return () => {
    x = (x + 0x6d2b79f5) | 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SEED = testSeed(0xb1c10c);

for (const [label, bytes] of [["1 MiB", 1 << 20], ["4 MiB", 4 << 20]] as const) {
  test(`a signed ${label} backlog (JSON) is loaded, verified and expanded row for row [seed ${SEED}]`, () => {
    const b = backlog(bytes, rngOf(SEED + bytes));
    assert.ok(b.json.length >= bytes);
    const r = LoadedRequest.load({ body: b.json });
    assert.equal(r.canonicalLength, b.json.length);
    assert.equal(r.verify({ key: KEY, lastTimestamp: TS - 1 }).result, "valid");
    assert.equal(r.expand({ dataFormat: FORMAT, receivedAt: TS + 5 }), b.expanded);
    assert.match(r.answer({ key: KEY, answer: { tkl: [] } }), /^\{"tkl":\[\],"a":"da[0-9a-f]+"\}$/);
    assert.equal(r.loads, 1);
    assert.ok(serverMemoryBytes() <= SERVER_MEMORY_LIMIT);
  });
}

test(`a signed 1 MiB backlog through the host's codec, JSON and CBOR: every row stored as sent [seed ${SEED}]`, () => {
  const b = backlog(1 << 20, rngOf(SEED));
  const cbor = new Encoder({ useRecords: false, mapsAsObjects: true });
  for (const [body, kind] of [[Buffer.from(b.json), "json"], [Buffer.from(cbor.encode(b.object)), "cbor"]] as const) {
    const r = readRequest(body, kind);
    assert.equal(r.loaded.canonical, b.json, kind);
    assert.deepEqual(verifyAuth(r, KEY, TS - 1, null), { ok: true }, kind);
    const x = hostExpand(r, FORMAT, TS + 5);
    assert.equal(x.rows.length, b.rows.length, kind);
    x.rows.forEach((row, i) => {
      assert.equal(row.timestamp, b.dtc + i * 120);
      assert.equal(row.json, "{" + b.rows[i].map((v, j) => `"${NAMES[j]}":${v}`).join(",") + "}");
    });
    assert.equal(r.loaded.loads, 1);
  }
});

// ---- too large ----------------------------------------------------------------------------------

test("a body past the server's memory limit is refused as too large, and the host says so (413, not 400)", () => {
  const body = Buffer.alloc(SERVER_MEMORY_LIMIT + 1, 0x20);
  assert.throws(() => LoadedRequest.load({ body }), (e: OpaygoError) => e.code === ERR_METRICS_TOO_LARGE);
  assert.throws(() => readRequest(body, "json"), (e: CodecError) => e instanceof CodecError && e.tooLarge && /memory/.test(e.message));
  // a malformed body is not too large
  assert.throws(() => readRequest(Buffer.from("[1]"), "json"), (e: CodecError) => e.code === ERR_METRICS_SHAPE && !e.tooLarge);
});

test("an expansion past the limit is refused as too large; the module is then replaced and serves the next request", () => {
  // 1 MiB of one-value rows, each named by a 1000-character variable: about 270 MiB expanded
  const name = "v".repeat(1000);
  const rows = Array.from({ length: 1 << 18 }, () => "[1]");
  const body = Buffer.from(`{"sn":"S","ts":${TS},"hd":[${rows.join(",")}]}`);
  const r = readRequest(body, "json");
  assert.throws(() => hostExpand(r, { historical_data_order: [name], historical_data_interval: 60 }, TS),
    (e: CodecError) => e instanceof CodecError && e.tooLarge);
  assert.ok(serverMemoryBytes() <= SERVER_MEMORY_LIMIT && serverMemoryBytes() > RECLAIM_BYTES);
  const next = readRequest(Buffer.from(seed.condensed), "json");
  assert.ok(serverMemoryBytes() < RECLAIM_BYTES, `memory kept: ${serverMemoryBytes()}`);
  assert.equal(hostExpand(next, seed.data_format, TS).rows.length, 30);
});
