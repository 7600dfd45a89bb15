// What an operator trusts the reference server with, on one store (SQLite: tests/fleet.test.ts;
// PostgreSQL: tests/postgres.test.ts):
//  - payments: credited once per reference, the device's starting code and settings kept, the paid
//    token decoded by the reference library (openpaygo) with the device's own starting code;
//  - replay state no single request can poison: a forged `sa` body and a far-future timestamp are
//    refused and the device's next valid upload is accepted; the operator's reset;
//  - nothing acknowledged lost or altered: seeded random requests signed by the reference library
//    (big and odd numbers, rows at one timestamp, rows resent) come back from GET /dd and the CSV
//    exactly, each sample once;
//  - a 1 MiB backlog stored row for row; a body over the limit answered 413.
import { test, before, after, describe } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { ReferenceServer } from "../host-sim/server.js";
import { Store } from "../host-sim/store.js";
import { DeviceCodec, DataFormat } from "../host-sim/codec.js";
import { parseDevicesCsv } from "../host-sim/provision.js";
import { exchange, postJson, route } from "../host-sim/http.js";
import { MetricsEncoder, Float, parseOrdered, stringifyLossless, type JsonValue } from "../bindings/metrics.js";
import { startingCodeOf } from "../bindings/token.js";
import { recursiveAuth } from "./siphash.js";
import { Prng } from "../host-sim/prng.js";
import { OPERATOR, OPERATOR_TOKEN, ROOT, parseCsv, withSeed } from "./helpers.js";

const KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
const T0 = 1767225600; // 2026-01-01
const DAY = 86400;
const MAX_BODY = 2 * 1024 * 1024;
const SKEW = 3600;
const FORMAT: DataFormat = { data_order: ["token_count"], historical_data_interval: 120, historical_data_order: ["battery_voltage", "panel_voltage"] };
const PEER = `${ROOT}/tests/peers/metrics_peer.py`;

/** The reference library's answers to commands (tests/peers/metrics_peer.py), in one run. */
function peer(commands: Record<string, JsonValue>[]): any[] {
  const run = spawnSync("python3", [PEER], { input: commands.map((c) => stringifyLossless(c)).join("\n") + "\n", encoding: "utf8", maxBuffer: 1 << 28 });
  assert.equal(run.status, 0, `python3 with openpaygo is required (scripts/install-deps.sh): ${run.stderr}`);
  return run.stdout.trim().split("\n").map((l) => JSON.parse(l));
}

export function fleetTests(engine: string, openTestStore: () => Promise<Store>): void {
describe(`fleet server on ${engine}`, () => {
  let store: Store, server: ReferenceServer, base: string, formatId: number;
  let now = T0;
  const get = async (p: string) => {
    const r = await exchange(route(base, p), "GET", null, null, OPERATOR);
    return { status: r.status, body: r.body.toString("utf8") };
  };
  const post = async (p: string, value: unknown) => {
    const r = await exchange(route(base, p), "POST", Buffer.from(JSON.stringify(value)), "application/json", OPERATOR);
    return { status: r.status, json: JSON.parse(r.body.toString("utf8")) };
  };
  const device = async (serial: string) => JSON.parse((await get(`/devices/${encodeURIComponent(serial)}`)).body);
  const upload = (body: Buffer | string, type = "application/json") => exchange(route(base, "/dd"), "POST", Buffer.from(body), type);
  const codec = (serial: string, startingCode = startingCodeOf(KEY)) => new DeviceCodec({
    serial, key: KEY, startingCode, count: 1, format: { ...FORMAT, id: formatId }, auth: "ra", encoding: "condensed", floatVariables: ["battery_voltage", "panel_voltage"],
  });
  const reading = (dev: DeviceCodec, t: number) => {
    dev.record(t, { battery_voltage: 12.5, panel_voltage: 18.25 });
    dev.setStatus({ token_count: dev.tokenCount() });
    return dev.encodeRequest(t);
  };

  before(async () => {
    store = await openTestStore();
    server = new ReferenceServer({ store, clock: () => now, maxBody: MAX_BODY, maxClockSkew: SKEW, operatorToken: OPERATOR_TOKEN });
    base = await server.listen(0);
    formatId = (await postJson(route(base, "/data_format"), FORMAT, OPERATOR)).id;
  });
  after(async () => {
    await server.close();
  });

  test("payments: once per reference, starting code and settings kept; the paid token decodes in openpaygo with the device's starting code", async () => {
    const { devices, problems } = parseDevicesCsv(`serial,key,starting_code\nPAY0001,${KEY},42\nPAY0002,${KEY},43\n`);
    assert.deepEqual(problems, []);
    assert.equal((await store.addNewDevices(devices, now)).added, 2);
    assert.equal((await post("/devices", { serial: "PAY0001", settings: { upload_interval: 7200 }, replace: true })).status, 200);

    const paid = await post("/devices/PAY0001/payments", { reference: "mpesa-QX1", days: 7 });
    assert.equal(paid.status, 201, JSON.stringify(paid.json));
    assert.equal(paid.json.duplicate, false);
    assert.equal(paid.json.payment.tokens.length, 1);
    assert.equal(paid.json.credit_until, now + 7 * DAY);
    const token = paid.json.payment.tokens[0].token as string;
    // the provider retries its webhook: 200, the same payment, nothing credited
    const again = await post("/devices/PAY0001/payments", { reference: "mpesa-QX1", days: 7 });
    assert.equal(again.status, 200);
    assert.equal(again.json.duplicate, true);
    assert.deepEqual(again.json.payment.tokens, paid.json.payment.tokens);
    for (const [body, status, message] of [
      [{ reference: "mpesa-QX1", days: 8 }, 409, /already used/],
      [{ reference: "mpesa-QX2" }, 400, /either days, until or disable_payg/],
      [{ reference: "mpesa-QX2", days: 1, until: now + DAY }, 400, /either days, until or disable_payg/],
      [{ days: 1 }, 400, /reference/],
      [{ reference: "mpesa-QX2", days: 1, amount: 5 }, 400, /unknown field "amount"/],
    ] as const) {
      const r = await post("/devices/PAY0001/payments", body);
      assert.equal(r.status, status, JSON.stringify(r.json));
      assert.match(r.json.error, message);
    }
    assert.equal((await post("/devices/PAY0002/payments", { reference: "mpesa-QX1", days: 7 })).status, 409, "a reference is credited to one device");
    assert.equal((await post("/devices/NOPE/payments", { reference: "x", days: 1 })).status, 404);
    assert.equal((await store.count("SELECT COUNT(*) AS n FROM tokens")), 1, "one token for all of that");

    // The documented way that used to overwrite the starting code: now 409, nothing changed.
    const upsert = await post("/devices", { serial: "PAY0001", key: KEY, payments: [{ at: now, days: 3 }] });
    assert.equal(upsert.status, 409);
    const d = await device("PAY0001");
    assert.equal(d.starting_code, 42);
    assert.deepEqual(d.pending_settings, { upload_interval: 7200 });
    assert.deepEqual(d.pending_tokens.map((t: any) => t.token), [token]);
    assert.equal(d.key, undefined, "the record never shows the key");

    // The device uploads: the token comes back in the signed answer and the device takes it.
    const dev = codec("PAY0001", 42);
    const r = await upload(reading(dev, now).body);
    assert.equal(r.status, 201, r.body.toString());
    const answer = JSON.parse(r.body.toString());
    assert.deepEqual(answer.tkl, [token]);
    assert.deepEqual(answer.st, { upload_interval: 7200 });
    const applied = dev.applyAnswer(r.body, r.contentType, now);
    assert.deepEqual(applied.tokens.map((t) => [t.result, t.type, t.value]), [["ACCEPTED", "ADD_TIME", 7]]);
    // and the reference library, given the device's own starting code, reads the same token
    const [ref] = peer([{ op: "decode", token, key: KEY, count: 1, starting_code: 42 }]);
    assert.deepEqual(ref, { value: 7, type: 1, count: 2 });

    // up to a time: the days from the end of the credit, rounded up; more than 995 days: two tokens
    const until = await post("/devices/PAY0001/payments", { reference: "plan-2", until: now + 30 * DAY - 3600 });
    assert.equal(until.json.payment.days_credited, 23);
    const long = await post("/devices/PAY0001/payments", { reference: "plan-3", days: 1000 });
    assert.deepEqual(long.json.payment.tokens.map((t: any) => t.days), [995, 5]);
    // a scheduled payment is credited by the first upload that reaches its time
    const later = await post("/devices/PAY0002/payments", { reference: "sched-1", days: 2, at: now + DAY });
    assert.equal(later.json.payment.credited_at, null);
    assert.equal(JSON.parse((await upload(reading(codec("PAY0002", 43), now + 600).body)).body.toString()).tkl, undefined, "not due yet");
    now += DAY;
    const due = JSON.parse((await upload(reading(codec("PAY0002", 43), now + 600).body)).body.toString());
    assert.equal(due.tkl.length, 1);
    assert.deepEqual(peer([{ op: "decode", token: due.tkl[0], key: KEY, count: 1, starting_code: 43 }])[0], { value: 2, type: 1, count: 2 });

    // paid off: a DISABLE_PAYG token; the device unlocks for good, and no answer gives it a time again
    const off = await post("/devices/PAY0002/payments", { reference: "paid-off-1", disable_payg: true });
    assert.equal(off.status, 201, JSON.stringify(off.json));
    assert.equal(off.json.payment.disable_payg, true);
    const dev3 = codec("PAY0002", 43);
    const r3 = await upload(reading(dev3, now + 1200).body);
    const a3 = dev3.applyAnswer(r3.body, r3.contentType, now + 1200);
    assert.deepEqual(a3.tokens.map((t) => [t.result, t.type]), [["ACCEPTED", "ADD_TIME"], ["ACCEPTED", "DISABLE_PAYG"]]);
    assert.equal(dev3.isActive(now + 3650 * DAY), true);
    assert.deepEqual((await device("PAY0002")).credit, { until: null, seconds_left: null, active: true, payg_disabled: true });
  });

  test("replay state: a forged sa body and a far-future timestamp are refused and change nothing; the device's next ra upload is accepted", async () => {
    assert.equal((await post("/devices", { serial: "AUTH0001", key: KEY })).status, 201);
    assert.deepEqual((await device("AUTH0001")).auth_methods, ["ta", "ca", "da", "ra"], "sa is left out by default");
    const dev = codec("AUTH0001");
    const t1 = now - 3000;
    assert.equal((await upload(reading(dev, t1).body)).status, 201);
    const state = async () => (await device("AUTH0001")).replay;
    assert.deepEqual(await state(), { timestamp: t1, request_count: null });

    // sa signs the serial only: a captured body with another ts, d and hd carries a valid sa
    const forger = new MetricsEncoder({ serialNumber: "AUTH0001", key: KEY, authMethod: "sa", dataFormat: { ...FORMAT, id: formatId } });
    forger.setTimestamp(t1 + 2000);
    forger.setData({ token_count: 99 });
    forger.addHistoricalRow({ battery_voltage: new Float(1.0), panel_voltage: new Float(99.0) });
    const forged = await upload(forger.condensed());
    assert.equal(forged.status, 403);
    assert.match(JSON.parse(forged.body.toString()).error, /auth method "sa" is not allowed for device AUTH0001/);
    assert.deepEqual(await state(), { timestamp: t1, request_count: null });

    // a correctly signed upload from a clock in the year 2100
    const future = reading(codec("AUTH0001"), 4102444800);
    const f = await upload(future.body);
    assert.equal(f.status, 403);
    const e = JSON.parse(f.body.toString());
    assert.match(e.error, /clock skew: timestamp 4102444800 is \d+ s ahead of the server's time/);
    assert.equal(e.server_time, now);
    assert.equal(e.max_clock_skew, SKEW);
    assert.deepEqual(await state(), { timestamp: t1, request_count: null });
    const refusals = (await device("AUTH0001")).refusals;
    assert.deepEqual([refusals.auth_method.count, refusals.clock_skew.count], [1, 1]);

    // the real device goes on (its rows were not released by a refusal: they go with the next one)
    const next = await upload(reading(codec("AUTH0001"), t1 + 120).body);
    assert.equal(next.status, 201, next.body.toString());
    assert.deepEqual(await state(), { timestamp: t1 + 120, request_count: null });
    // within the skew: accepted
    assert.equal((await upload(reading(codec("AUTH0001"), now + SKEW - 60).body)).status, 201);

    // an operator who allows sa for a device takes its risk: then such a body is accepted
    assert.equal((await post("/devices", { serial: "AUTH0001", auth_methods: ["sa", "ra"], replace: true })).status, 200);
    forger.setTimestamp(now + SKEW - 30);
    assert.equal((await upload(forger.condensed())).status, 201);
    assert.equal((await post("/devices", { serial: "AUTH0001", auth_methods: ["xa"], replace: true })).status, 400);
  });

  test("reset-replay: the operator sets the stored timestamp back; logged in the audit table", async () => {
    assert.equal((await post("/devices", { serial: "RESET001", key: KEY })).status, 201);
    const dev = codec("RESET001");
    assert.equal((await upload(reading(dev, now).body)).status, 201);
    const older = reading(codec("RESET001"), now - 1000);
    assert.equal((await upload(older.body)).status, 403, "older than the stored timestamp: a replay");
    const r = await post("/devices/RESET001/reset-replay", { timestamp: now - 2000, reason: "RTC replaced" });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.deepEqual(r.json, { serial: "RESET001", replay: { timestamp: now - 2000, request_count: null }, before: { timestamp: now, request_count: null } });
    assert.equal((await upload(older.body)).status, 201);
    const audit = await store.all<{ action: string; detail: string }>("SELECT a.action, a.detail FROM audit a JOIN devices d ON d.id = a.device_id WHERE d.serial = ? ORDER BY a.id", "RESET001");
    assert.deepEqual(audit.map((a) => a.action), ["device.create", "replay.reset"]);
    assert.equal(JSON.parse(audit[1].detail).reason, "RTC replaced");
    for (const [body, status] of [[{}, 400], [{ timestamp: -1 }, 400], [{ timestamp: 1.5 }, 400], [{ ts: 1 }, 400]] as const) {
      assert.equal((await post("/devices/RESET001/reset-replay", body)).status, status, JSON.stringify(body));
    }
    assert.equal((await post("/devices/NOPE/reset-replay", { timestamp: null })).status, 404);
  });

  test("exactness: seeded random requests signed by the reference library come back from GET /dd and the CSV exactly, each sample once", async () => {
    await withSeed(4242, async (seed) => {
      const rng = new Prng(seed);
      const serial = `EXACT${seed}`;
      assert.equal((await post("/devices", { serial, key: KEY })).status, 201);
      const format = { data_order: ["status"], historical_data_interval: 60, historical_data_order: ["timestamp", "a", "b", "c"] };
      const id = (await postJson(route(base, "/data_format"), format, OPERATOR)).id as number;
      const start = now + 100 * DAY;
      now = start + 10 * DAY;
      const rows: Map<string, JsonValue>[] = [];
      const commands: Record<string, JsonValue>[] = [];
      for (let i = 0; i < 30; i++) {
        const hd: Map<string, JsonValue>[] = [];
        for (let n = rng.int(0, 6); n > 0; n--) {
          // an earlier row resent unchanged, or a new one at one of a few times (so times repeat)
          if (rows.length > 0 && rng.chance(0.25)) hd.push(rows[rng.int(0, rows.length - 1)]);
          else {
            const row = new Map<string, JsonValue>([["timestamp", start + rng.int(0, 12) * 60]]);
            for (const name of ["a", "b", "c"].slice(0, rng.int(1, 3))) row.set(name, oddValue(rng));
            rows.push(row);
            hd.push(row);
          }
        }
        commands.push({
          op: "request", serial, key: KEY, auth: "ra", format: { ...format, id }, ts: start + DAY + i * 100, rc: null, ts_first: true,
          data: new Map([["status", oddValue(rng)]]), hd, acc: null, dtc: null,
        });
      }
      const sent = peer(commands);
      const expected = new Set<string>();
      for (const s of sent) {
        assert.equal(typeof s.condensed, "string", JSON.stringify(s));
        const r = await upload(s.condensed);
        assert.equal(r.status, 201, `${r.body} for ${s.condensed}`);
        const req = parseOrdered(s.condensed) as Map<string, JsonValue>;
        expected.add(sample("d", Number(req.get("ts")), new Map([["status", (req.get("d") as JsonValue[])[0]]])));
        for (const row of (req.get("hd") ?? []) as JsonValue[][]) {
          const values = new Map<string, JsonValue>();
          row.forEach((v, k) => { if (k > 0) values.set(format.historical_data_order[k], v); });
          expected.add(sample("hd", Number(row[0]), values));
        }
      }
      // GET /dd: every sample once, each value's text as sent
      const dd = await get(`/dd?from_datetime=${iso(start - DAY)}&to_datetime=${iso(now + DAY)}&serial_number=${serial}`);
      assert.equal(dd.status, 200);
      const got: string[] = [];
      for (const r of parseOrdered(dd.body) as Map<string, JsonValue>[]) {
        if ((r.get("data") as Map<string, JsonValue>).size > 0) got.push(sample("d", Number(r.get("timestamp")), r.get("data") as Map<string, JsonValue>));
        for (const h of r.get("historical_data") as Map<string, JsonValue>[]) {
          const { timestamp, values } = splitTimestamp(h);
          got.push(sample("hd", timestamp, values));
        }
      }
      assert.deepEqual([...got].sort(), [...expected].sort(), "GET /dd: each sample once, exactly");
      for (const big of ["18446744073709551616", "9223372036854775807", "12345678901234567890", "1000000000000000000000000000000", "1e+30", "1e-05"]) {
        if ([...expected].some((e) => e.includes(big))) assert.ok(dd.body.includes(big), `${big} is printed as sent`);
      }
      // the CSV: the same samples, each value's text as sent
      const csv = parseCsv((await get(`/export.csv?serial_number=${serial}`)).body);
      const [header, ...lines] = csv;
      assert.deepEqual(header.slice(0, 3), ["serial_number", "timestamp", "kind"]);
      const columns = header.slice(3);
      const expectedCsv = [...expected].map((e) => {
        const [kind, ts, text] = e.split("|");
        const values = parseOrdered(text) as Map<string, JsonValue>;
        return [serial, iso(Number(ts)), kind, ...columns.map((c) => cell(values.get(c)))].join("\u0000");
      });
      assert.deepEqual(lines.map((l) => l.join("\u0000")).sort(), expectedCsv.sort(), "CSV: each sample once, exactly");
    });
  });

  test("a 1 MiB backlog request is verified, expanded and stored row for row; a body over the limit is 413", async () => {
    assert.equal((await post("/devices", { serial: "BACKLOG1", key: KEY })).status, 201);
    const format = { data_order: ["token_count"], historical_data_interval: 60, historical_data_order: ["v", "w"] };
    const id = (await postJson(route(base, "/data_format"), format, OPERATOR)).id as number;
    const ts = now + 1;
    const hd = Array.from({ length: 75000 }, (_, i) => new Map<string, JsonValue>([["v", 1000 + (i % 977)], ["w", new Float(i / 8)]]));
    const [req] = peer([{ op: "request", serial: "BACKLOG1", key: KEY, auth: "ra", format: { ...format, id }, ts, rc: null, ts_first: true, data: new Map([["token_count", 1]]), hd, acc: null, dtc: null, forms: ["condensed"] }]);
    const body = Buffer.from(req.condensed as string);
    assert.ok(body.length >= 1024 * 1024 && body.length < MAX_BODY, `${body.length} bytes`);
    const r = await upload(body);
    assert.equal(r.status, 201, r.body.toString().slice(0, 300));
    const stored = await store.all<{ ts: number; data: string }>(
      "SELECT p.ts, p.data FROM points p JOIN devices d ON d.id = p.device_id WHERE d.serial = ? AND p.kind = 'hd' ORDER BY p.id", "BACKLOG1");
    assert.equal(stored.length, hd.length);
    stored.forEach((p, i) => {
      assert.equal(p.ts, ts + i * 60); // no dtc: the first row at ts, then every historical_data_interval

      assert.equal(p.data, stringifyLossless(hd[i]));
    });

    const over = await exchange(route(base, "/dd"), "POST", Buffer.alloc(MAX_BODY + 1, 0x20), "application/json");
    assert.equal(over.status, 413);
    assert.match(JSON.parse(over.body.toString()).error, new RegExp(`the limit is ${MAX_BODY} bytes`));
  });

  test("a signed request within the body limit whose expansion passes the module's memory is 413 (too large, not malformed), and changes nothing", async () => {
    // 2^18 one-value rows named by a 1000-character variable: about 270 MiB expanded
    const name = "v".repeat(1000);
    const id = (await postJson(route(base, "/data_format"), { historical_data_order: [name], historical_data_interval: 60 }, OPERATOR)).id as number;
    assert.equal((await post("/devices", { serial: "HUGE1", key: KEY })).status, 201);
    const ts = now + 1;
    const rows = Array.from({ length: 1 << 18 }, () => "[1]");
    const body = Buffer.from(`{"sn":"HUGE1","df":${id},"ts":${ts},"hd":[${rows.join(",")}],"a":"${recursiveAuth(KEY, "HUGE1", ts, null, "[]", rows)}"}`);
    assert.ok(body.length < MAX_BODY);
    const r = await upload(body);
    assert.equal(r.status, 413, r.body.toString().slice(0, 300));
    assert.match(JSON.parse(r.body.toString()).error, /memory/);
    const d = await device("HUGE1");
    assert.deepEqual(d.replay, { timestamp: null, request_count: null }, "the replay state is unchanged");
    assert.equal(d.refusals.too_large.count, 1);
    // the same time again, a request of a normal size: accepted
    const small = rows.slice(0, 3);
    const next = Buffer.from(`{"sn":"HUGE1","df":${id},"ts":${ts},"hd":[${small.join(",")}],"a":"${recursiveAuth(KEY, "HUGE1", ts, null, "[]", small)}"}`);
    assert.equal((await upload(next)).status, 201);
  });
});
}

// Values a device may send that a lossy server would change: integers past 2^53 and 2^64, floats
// whose Python text differs from JavaScript's, strings, booleans, pairs.
const ODD: JsonValue[] = [
  0, -1, 2n ** 53n + 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n, 12345678901234567890n, 10n ** 30n, -(10n ** 40n),
  new Float(0.1), new Float(-0), new Float(1e-5), new Float(1.5e16), new Float(1e30), new Float(5e-324), new Float(1.7976931348623157e308),
  new Float(12.34), new Float(100), new Float(2 ** 53), "", "é", "\u{1F4A1}", 'a"b', "line\nbreak", "x,y", true, false, [new Float(-1.2345), 51],
];
const oddValue = (rng: Prng) => ODD[rng.int(0, ODD.length - 1)];

const sample = (kind: string, ts: number, values: Map<string, JsonValue>) => `${kind}|${ts}|${stringifyLossless(values)}`;

function splitTimestamp(row: Map<string, JsonValue>): { timestamp: number; values: Map<string, JsonValue> } {
  const values = new Map(row);
  const timestamp = Number(values.get("timestamp"));
  values.delete("timestamp");
  return { timestamp, values };
}

const iso = (t: number) => new Date(t * 1000).toISOString();

/** What the CSV writes for a value: strings as they are, other values as JSON text, nothing for none. */
const cell = (v: JsonValue | undefined) => (v === undefined || v === null ? "" : typeof v === "string" ? v : stringifyLossless(v));
