// The reference server route by route, and every error path: the status, a JSON error body, and
// nothing stored from a refused request.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { ReferenceServer } from "../host-sim/server.js";
import { Store, openStore } from "../host-sim/store.js";
import { DeviceCodec, DataFormat } from "../host-sim/codec.js";
import { exchange, postJson, route } from "../host-sim/http.js";
import { decodeToken, startingCodeOf } from "../bindings/token.js";
import { Float, MetricsEncoder, type MetricRow } from "../bindings/metrics.js";
import { SimDevice } from "../host-sim/device.js";
import { Prng } from "../host-sim/prng.js";
import { HISTORICAL_ORDER } from "../host-sim/sensors.js";
import { signHs256 } from "../host-sim/jwt.js";
import { OPERATOR, OPERATOR_TOKEN } from "./helpers.js";

const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const SERIAL = "TEST0001";
const T0 = 1736121600;
const FORMAT: DataFormat = {
  data_order: ["token_count", "tampered"], historical_data_interval: 120, historical_data_order: ["battery_voltage", "panel_voltage"],
};

let dir: string, store: Store, server: ReferenceServer, base: string, formatId: number;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-server-test-"));
  store = await openStore(path.join(dir, "s.sqlite"));
  // The devices here send times up to 104 days after the server's fixed clock: a wide clock skew.
  server = new ReferenceServer({ store, basePath: "/base/v1", maxBody: 8192, clock: () => T0 + 99999, maxClockSkew: 120 * 86400, operatorToken: OPERATOR_TOKEN });
  base = await server.listen(0);
  formatId = (await postJson(route(base, "/data_format"), FORMAT, OPERATOR)).id;
  await postJson(route(base, "/devices"), { serial: SERIAL, key: KEY, count: 1, payments: [{ at: T0, days: 3 }, { at: T0 + 86400, days: 5 }], settings: { upload_interval: 7200 } }, OPERATOR);
});
after(async () => {
  await server.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function device(encoding: "condensed" | "simple" | "cbor" = "condensed") {
  return new DeviceCodec({
    serial: SERIAL, key: KEY, startingCode: startingCodeOf(KEY), count: 1, format: { ...FORMAT, id: formatId }, auth: "ra", encoding,
    floatVariables: ["battery_voltage", "panel_voltage"],
  });
}
function request(dev: DeviceCodec, t: number, rows = 3) {
  for (let i = rows - 1; i >= 0; i--) dev.record(t - i * 120, { battery_voltage: 12.5 + i / 100, panel_voltage: 18.0 });
  dev.setStatus({ token_count: dev.tokenCount(), tampered: false });
  return dev.encodeRequest(t);
}
// What a request stores (its refusals are counted apart: they change no device's state).
const stored = async () => {
  const { refusals: _, ...s } = await store.stats();
  return s;
};
async function refused(status: number, body: Buffer, contentType = "application/json", at = "/dd", message?: RegExp) {
  const before = await stored();
  const r = await exchange(route(base, at), "POST", body, contentType, OPERATOR);
  assert.equal(r.status, status, r.body.toString());
  const e = JSON.parse(r.body.toString());
  assert.equal(typeof e.error, "string");
  if (message) assert.match(e.error, message);
  assert.deepEqual(await stored(), before, "nothing stored from a refused request");
}

test("POST /data_format answers 201 {id}", async () => {
  const r = await exchange(route(base, "/data_format"), "POST", Buffer.from(JSON.stringify(FORMAT)), "application/json", OPERATOR);
  assert.equal(r.status, 201);
  assert.ok(Number.isInteger(JSON.parse(r.body.toString()).id));
  await refused(400, Buffer.from('{"data_order":[1,2]}'), "application/json", "/data_format", /variable names/);
  await refused(400, Buffer.from("[1"), "application/json", "/data_format");
});

test("POST /dd: accepted, signed answer with the due tokens and settings, applied by the device; replays refused", async () => {
  const dev = device();
  const req = request(dev, T0 + 3600);
  const r = await exchange(route(base, "/dd"), "POST", req.body, req.contentType);
  assert.equal(r.status, 201, r.body.toString());
  const answer = JSON.parse(r.body.toString());
  assert.equal(answer.tkl.length, 1); // the second payment falls due later
  assert.deepEqual(answer.st, { upload_interval: 7200 });
  assert.match(answer.a, /^da[0-9a-f]+$/);
  const applied = dev.applyAnswer(r.body, r.contentType, T0 + 3600);
  assert.equal(applied.signatureOk, true);
  assert.deepEqual(applied.settings, { upload_interval: 7200 });
  assert.equal(applied.tokens[0].result, "ACCEPTED");
  assert.equal(decodeToken({ key: KEY, count: 1, token: answer.tkl[0], startingCode: startingCodeOf(KEY) }).value, 3);
  assert.equal(dev.secondsLeft(T0 + 3600), 3 * 86400);
  assert.equal((await stored()).samples, 3);

  // The same bytes again: a replay.
  await refused(403, req.body, req.contentType, "/dd", /replay/);
  // A changed value under the old signature.
  const forged = Buffer.from(req.body.toString().replace("12.52", "12.99"));
  assert.notDeepEqual(forged, req.body);
  await refused(403, forged, req.contentType, "/dd", /signature/);

  // A day later on the /device_data alias: the second token; the first is confirmed, not resent.
  const next = request(dev, T0 + 86400 + 3600);
  const r2 = await exchange(route(base, "/device_data"), "POST", next.body, next.contentType);
  assert.equal(r2.status, 201);
  const a2 = dev.applyAnswer(r2.body, r2.contentType, T0 + 86400 + 3600);
  assert.deepEqual(a2.tokens.map((t) => t.result), ["ACCEPTED"]);
  assert.equal(a2.settings, null);
  assert.equal(await store.count("SELECT COUNT(*) AS n FROM tokens WHERE confirmed_at IS NOT NULL"), 1);
});

test("CBOR request gets a (JSON) answer the device applies; simple JSON is expanded the same", async () => {
  const dev = device("cbor");
  const req = request(dev, T0 + 5 * 86400);
  assert.equal(req.contentType, "application/cbor");
  const r = await exchange(route(base, "/dd"), "POST", req.body, "cbor");
  assert.equal(r.status, 201, r.body.toString());
  // the device module reads JSON answers only (assembly/metrics/answer.ts)
  assert.equal(r.contentType, "application/json");
  assert.equal(dev.applyAnswer(r.body, r.contentType, T0 + 5 * 86400).signatureOk, true);
  assert.equal(dev.pendingRows(), 0);
  const simple = device("simple");
  const s = request(simple, T0 + 6 * 86400, 2);
  assert.match(s.body.toString(), /"serial_number":"TEST0001"/);
  const r2 = await exchange(route(base, "/dd"), "POST", s.body, s.contentType);
  assert.equal(r2.status, 201, r2.body.toString());
  const rows = (await store.points({ from: T0 + 6 * 86400 - 120, to: T0 + 6 * 86400 + 1 })).filter((p) => p.kind === "hd");
  assert.deepEqual(rows.map((p) => [p.ts, JSON.parse(p.data)]), [
    [T0 + 6 * 86400 - 120, { battery_voltage: 12.51, panel_voltage: 18 }],
    [T0 + 6 * 86400, { battery_voltage: 12.5, panel_voltage: 18 }],
  ]);
});

test("GET /dd returns stored data in simple form between ISO 8601 datetimes; CSV export", async () => {
  const from = new Date((T0 + 3600 - 240) * 1000).toISOString();
  const to = new Date((T0 + 3601) * 1000).toISOString();
  const r = await exchange(route(base, `/dd?from_datetime=${from}&to_datetime=${to}`), "GET", null, null, OPERATOR);
  assert.equal(r.status, 200);
  const data = JSON.parse(r.body.toString());
  assert.equal(data.length, 1);
  assert.equal(data[0].serial_number, SERIAL);
  assert.deepEqual(data[0].data, { token_count: 1, tampered: false });
  assert.deepEqual(data[0].historical_data.map((h: any) => h.timestamp), [T0 + 3600 - 240, T0 + 3600 - 120, T0 + 3600]);
  for (const q of ["", "?from_datetime=yesterday&to_datetime=2025-01-01", "?from_datetime=2025-01-01"]) {
    const bad = await exchange(route(base, `/dd${q}`), "GET", null, null, OPERATOR);
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body.toString()).error, /ISO 8601/);
  }
  const csv = await exchange(route(base, `/export.csv?serial_number=${SERIAL}`), "GET", null, null, OPERATOR);
  assert.equal(csv.status, 200);
  const lines = csv.body.toString().trim().split("\n");
  assert.equal(lines[0], "serial_number,timestamp,kind,battery_voltage,panel_voltage,token_count,tampered");
  assert.equal(lines.length - 1, (await stored()).points);
});

test("errors: 400 malformed, 403 unsigned, 404 unknown device / format / route, 405, 413 before reading, 415", async () => {
  await refused(400, Buffer.from("{not json"), "application/json", "/dd", /not JSON/);
  await refused(400, Buffer.from([0xff, 0xfe]), "application/json", "/dd", /UTF-8|not JSON/); // the codec reports a leading 0xFF as a syntax error
  await refused(400, Buffer.from([0xbf]), "application/cbor", "/dd", /CBOR/);
  await refused(400, Buffer.from("[1,2]"), "application/json", "/dd", /object/);
  await refused(400, Buffer.from('{"sn":5,"d":[]}'), "application/json", "/dd", /serial_number/);
  await refused(400, Buffer.from('{"sn":"X","df":1}'), "application/json", "/dd", /data or historical_data/);
  await refused(400, Buffer.from("[".repeat(500) + "]".repeat(500)), "application/json", "/dd", /too deep/);
  await refused(404, Buffer.from('{"sn":"NOPE","df":1,"d":[1]}'), "application/json", "/dd", /unknown device/);
  await refused(404, Buffer.from(`{"sn":"${SERIAL}","df":999,"d":[1],"a":"ra0"}`), "application/json", "/dd", /unknown data format/);
  await refused(403, Buffer.from(`{"sn":"${SERIAL}","df":${formatId},"ts":${T0 + 9e6},"d":[1]}`), "application/json", "/dd", /not signed/);
  // rows changed after signing
  const dev = device();
  const good = request(dev, T0 + 9e6);
  const text = good.body.toString().replace(/"hd":\[\[/, '"hd":[[1,2,3],[');
  await refused(403, Buffer.from(text), "application/json", "/dd");
  await refused(415, Buffer.from("{}"), "text/plain", "/dd");
  await refused(404, Buffer.from("{}"), "application/json", "/nowhere");
  const outside = await exchange(new URL(base.replace("/base/v1", "/dd")), "POST", Buffer.from("{}"), "application/json");
  assert.equal(outside.status, 404, "routes live under the base path only");
  const get = await exchange(route(base, "/data_format"), "GET", null, null);
  assert.equal(get.status, 405);
  await refused(400, Buffer.from('{"serial":"x","key":"zz"}'), "application/json", "/devices", /key/);
  await refused(400, Buffer.from(`{"serial":"x","key":"${KEY}","payments":[{"at":-1,"days":1}]}`), "application/json", "/devices", /payments/);

  // 413 from the declared length: the server answers without waiting for the body.
  const before = await stored();
  const big = await rawHttp(`POST /base/v1/dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n{`);
  assert.match(big, /^HTTP\/1.1 413 /);
  assert.match(big, /"error":"body of 100000000 bytes/);
  // 413 on a chunked body once it passes the limit
  const chunk = "x".repeat(9000);
  const chunked = await rawHttp(`POST /base/v1/dd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
  assert.match(chunked, /^HTTP\/1.1 413 /);
  // a broken request line gets 400 and the server goes on
  assert.match(await rawHttp("NOT HTTP\r\n\r\n"), /^HTTP\/1.1 400 /);
  assert.deepEqual(await stored(), before);
  const ok = await exchange(route(base, "/stats"), "GET", null, null, OPERATOR);
  assert.equal(ok.status, 200);
});

function rawHttp(text: string): Promise<string> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(u.port), "127.0.0.1", () => s.write(text));
    let got = "";
    s.setTimeout(10000, () => s.destroy(new Error("no answer")));
    s.on("data", (d) => (got += d.toString("latin1")));
    s.on("close", () => resolve(got));
    s.on("error", (e) => (got ? resolve(got) : reject(e)));
  });
}

// ---- beyond the reference library (docs/conformance.md) --------------------------------------------

const SPEC_SERIAL = "SPEC0001";
const SPEC_FORMAT = {
  data_order: ["fw"], historical_data_order: ["energy", "bv", "pos", "loc", "relative_time"], historical_data_interval: -600,
  variables: {
    energy: { name: "Energy", type: "integer", unit: "Wh", scale_factor: 100, aggregation_method: "sum" },
    bv: { name: "Battery voltage", type: "float", unit: "V", scale_factor: 0.01, aggregation_method: "average" },
    pos: { name: "Position", type: "gps", scale_factor: 0.000001 },
    loc: { type: "gps" },
    fw: { type: "text", aggregation_method: "latest" },
  },
};

test("data formats: type, unit, scale_factor and aggregation_method are checked when registered", async () => {
  for (const [variable, message] of [
    [{ type: "double" }, /type must be one of text, integer, float, bool, gps/],
    [{ aggregation_method: "median" }, /aggregation_method must be one of/],
    [{ unit: 5 }, /unit must be a string/],
    [{ scale_factor: 0 }, /scale_factor must be a positive number/],
    [{ scale_factor: "0.01" }, /scale_factor must be a positive number/],
  ] as const) {
    await refused(400, Buffer.from(JSON.stringify({ ...SPEC_FORMAT, variables: { v: variable } })), "application/json", "/data_format", message);
  }
});

test("scale_factor, gps pairs, a negative interval with relative_time, and dct: stored and exported as the specification says", async () => {
  const id = (await postJson(route(base, "/data_format"), SPEC_FORMAT, OPERATOR)).id;
  await postJson(route(base, "/devices"), { serial: SPEC_SERIAL, key: KEY }, OPERATOR);
  const send = async (t: number, rows: Record<string, unknown>[], collectedAt?: number) => {
    const e = new MetricsEncoder({ serialNumber: SPEC_SERIAL, key: KEY, authMethod: "ra", dataFormat: { ...SPEC_FORMAT, id } as DataFormat, module: "full" });
    e.setTimestamp(t);
    if (collectedAt !== undefined) e.setCollectionTimestamp(collectedAt);
    e.setData({ fw: "1.2.0" });
    for (const r of rows) e.addHistoricalRow(r as MetricRow);
    // dtc is outside every signature: the spec's name for it keeps the request valid
    const body = Buffer.from(e.condensed().replace('"dtc":', '"dct":'));
    const r = await exchange(route(base, "/dd"), "POST", body, "application/json");
    assert.equal(r.status, 201, r.body.toString());
    return body.toString();
  };
  const t = T0 + 20 * 86400;
  const body = await send(t, [
    { energy: 12, bv: 1250, pos: [-1234567, 51500000], loc: [new Float(-0.1278), new Float(51.5074)] },
    { energy: 13, bv: new Float(1249.5), relative_time: -60 },
    { energy: 14, pos: [1, 2, 3], loc: "unknown" },
  ]);
  assert.match(body, /"hd":\[\[12,1250,\[-1234567,51500000\],\[-0.1278,51.5074\]\],\[13,1249.5,null,null,-60\],\[14,null,\[1,2,3\],"unknown"\]\]/);
  const points = await store.points({ serial: SPEC_SERIAL });
  assert.deepEqual(points.map((p) => [p.ts, p.kind, p.data]), [
    [t - 660, "hd", '{"energy":1400,"bv":null,"pos":[1,2,3],"loc":"unknown"}'], // not a pair: kept as sent
    [t - 60, "hd", '{"energy":1300,"bv":12.495,"pos":null,"loc":null}'],
    [t, "d", '{"fw":"1.2.0"}'],
    [t, "hd", '{"energy":1200,"bv":12.5,"pos":[-1.234567,51.5],"loc":[-0.1278,51.5074]}'],
  ]);
  // the raw integers come back from the stored values and the registered format's factors
  const stored = JSON.parse(points[3].data);
  assert.deepEqual([stored.energy / 100, Math.round(stored.bv / 0.01), stored.pos.map((c: number) => Math.round(c / 0.000001))], [12, 1250, [-1234567, 51500000]]);
  const csv = (await exchange(route(base, `/export.csv?serial_number=${SPEC_SERIAL}`), "GET", null, null, OPERATOR)).body.toString().trim().split("\n");
  assert.equal(csv[0], "serial_number,timestamp,kind,energy,bv,pos,loc,fw");
  assert.equal(csv[4], `SPEC0001,${new Date(t * 1000).toISOString()},hd,1200,12.5,"[-1.234567,51.5]","[-0.1278,51.5074]",`);

  // dct (the spec's name) starts the rows where the reference would start them from ts
  await send(t + 3600, [{ energy: 1 }, { energy: 2 }], t + 1800);
  assert.deepEqual((await store.points({ serial: SPEC_SERIAL, from: t + 1 })).filter((p) => p.kind === "hd").map((p) => p.ts), [t + 1200, t + 1800]);
});

test("settings.base_url in a signed answer moves a simulated device to another server (the spec's change of server parameters)", async () => {
  const otherStore = await openStore(path.join(dir, "other.sqlite"));
  const other = new ReferenceServer({ store: otherStore, basePath: "/new", clock: () => T0 + 30 * 86400, operatorToken: OPERATOR_TOKEN });
  const otherBase = await other.listen(0);
  try {
    const format: DataFormat = { data_order: ["token_count", "tampered", "firmware_version", "overload_alert", "low_battery_alert"], historical_data_interval: 120, historical_data_order: [...HISTORICAL_ORDER] };
    const oldId = (await postJson(route(base, "/data_format"), format, OPERATOR)).id;
    const otherId = (await postJson(route(otherBase, "/data_format"), format, OPERATOR)).id;
    assert.notEqual(otherId, oldId); // the device must switch its data_format_id too
    const serial = "MOVE0001";
    await postJson(route(otherBase, "/devices"), { serial, key: KEY }, OPERATOR);
    // the old server tells the device where to go, and the format id it has there
    await postJson(route(base, "/devices"), { serial, key: KEY, settings: { base_url: otherBase, data_format_id: otherId } }, OPERATOR);
    const dev = new SimDevice({ serial, key: KEY, startingCode: startingCodeOf(KEY), format: { ...format, id: oldId }, auth: "ra", encoding: "condensed", uploadEvery: 3600, rng: new Prng(11), keepSamples: false });
    const t = T0 + 30 * 86400;
    dev.sample(t);
    await dev.upload(t, base);
    assert.equal(dev.movedTo, otherBase, JSON.stringify(dev.stats));
    assert.equal(await store.count("SELECT COUNT(*) AS n FROM points p JOIN devices d ON d.id = p.device_id WHERE d.serial = ?", serial), 2);
    dev.sample(t + 120);
    await dev.upload(t + 120, base); // still given the old base: the device goes to the new one
    assert.equal(dev.stats.accepted, 2, JSON.stringify(dev.stats.rejections));
    assert.equal(await otherStore.count("SELECT COUNT(*) AS n FROM requests WHERE format_id = ?", otherId), 1);
    assert.equal(await otherStore.count("SELECT COUNT(*) AS n FROM points WHERE kind = 'hd'"), 1);
    assert.equal(await store.count("SELECT COUNT(*) AS n FROM requests r JOIN devices d ON d.id = r.device_id WHERE d.serial = ?", serial), 1);
  } finally {
    await other.close();
    await otherStore.close();
  }
});

test("POST /data_format takes an HS256 JWT when the server has a JWT key: alg, signature, exp and nbf checked; other routes do not take it", async () => {
  const jwtKey = Buffer.from("0123456789abcdef0123456789abcdef-format-key");
  const jwtStore = await openStore(path.join(dir, "jwt.sqlite"));
  const srv = new ReferenceServer({ store: jwtStore, clock: () => T0, operatorToken: OPERATOR_TOKEN, formatJwtKey: jwtKey });
  const at = await srv.listen(0);
  const post = (token: string, route_ = "/data_format", method: "GET" | "POST" = "POST") =>
    exchange(route(at, route_), method, method === "POST" ? Buffer.from(JSON.stringify(FORMAT)) : null, "application/json", { token });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const hs = (head: string, key = jwtKey) => crypto.createHmac("sha256", key).update(head).digest("base64url");
  try {
    for (const claims of [{ sub: "factory" }, { exp: T0 + 1, nbf: T0 }]) {
      const r = await post(signHs256(claims, jwtKey));
      assert.equal(r.status, 201, r.body.toString());
    }
    assert.equal((await post(OPERATOR_TOKEN)).status, 201);
    const good = signHs256({ sub: "factory" }, jwtKey);
    const [h, p] = good.split(".");
    for (const [token, reason] of [
      [signHs256({ exp: T0 }, jwtKey), /expired/],
      [signHs256({ nbf: T0 + 1 }, jwtKey), /not valid yet/],
      [signHs256({ exp: "tomorrow" }, jwtKey), /exp must be a number/],
      [signHs256({ sub: "factory" }, Buffer.from("another key of thirty-two bytes or more")), /bad JWT signature/],
      [`${h}.${b64({ sub: "admin" })}.${good.split(".")[2]}`, /bad JWT signature/],
      [`${b64({ alg: "none" })}.${p}.${hs(`${b64({ alg: "none" })}.${p}`)}`, /HS256/],
      [`${b64({ alg: "HS512" })}.${p}.${hs(`${b64({ alg: "HS512" })}.${p}`)}`, /HS256/],
      [`${b64({ alg: "HS256", crit: ["x"] })}.${p}.${hs(`${b64({ alg: "HS256", crit: ["x"] })}.${p}`)}`, /critical/],
      [`${h}.${p}.${good.split(".")[2].slice(0, 20)}`, /bad JWT signature/],
      [`${b64([1])}.${p}.${hs(`${b64([1])}.${p}`)}`, /header is not a JSON object/],
      [`${h}.${b64("x")}.${hs(`${h}.${b64("x")}`)}`, /payload is not a JSON object/],
      [`${h}.${p}.`, /wrong operator token/], // not the JWT form: taken as a (wrong) operator token
    ] as const) {
      const r = await post(token);
      assert.equal(r.status, 401, `${token}: ${r.body}`);
      assert.match(JSON.parse(r.body.toString()).error, reason, token);
    }
    // a format JWT is not an operator token anywhere else
    assert.equal((await post(good, "/stats", "GET")).status, 401);
    assert.equal((await post(good, "/devices")).status, 401);
    assert.equal(await jwtStore.count("SELECT COUNT(*) AS n FROM formats"), 3);
    // a factory server with a JWT key and no operator token: formats by JWT, every other operator route off
    const factory = new ReferenceServer({ store: jwtStore, clock: () => T0, formatJwtKey: jwtKey });
    const fat = await factory.listen(0);
    try {
      const ok = await exchange(route(fat, "/data_format"), "POST", Buffer.from(JSON.stringify(FORMAT)), "application/json", { token: good });
      assert.equal(ok.status, 201, ok.body.toString());
      assert.equal((await exchange(route(fat, "/stats"), "GET", null, null, { token: good })).status, 403);
      assert.equal((await exchange(route(fat, "/data_format"), "POST", Buffer.from("{}"), "application/json", { token: OPERATOR_TOKEN })).status, 401);
    } finally {
      await factory.close();
    }
    assert.throws(() => new ReferenceServer({ store: jwtStore, formatJwtKey: Buffer.from("short") }), /at least 32 bytes/);
  } finally {
    await srv.close();
    await jwtStore.close();
  }
});
