// The reference server under load and faults (issue #7 item 4), each on `opaygo server` as a
// child process on 127.0.0.1 with its own database (a SQLite file, or a PostgreSQL database:
// tests/load.test.ts and tests/postgres.test.ts run these on each), started and stopped here:
//  - 200 devices (each its own opaygo-device.wasm) uploading at once: no error, and the database
//    holds exactly what was sent, point by point;
//  - one request sent 50 times at once: stored once, the 49 others refused as replays;
//  - the server (with --csv-dir) SIGKILLed while uploads are in flight, three times, and restarted on the same
//    file: every request it answered 201 is stored whole, no request is stored in part, and the
//    rows whose answer was lost are resent and stored once.
// Figures (requests/s, latency) are printed and written to build/load-figures.json; timing is
// never asserted.
import { test, after, describe } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { postJson, route } from "../host-sim/http.js";
import type { Encoding } from "../host-sim/codec.js";
import { ChildServer, FORMAT, SimDevice, Sent, checkCsvDir, checkDb, exactlyOneAccepted, killAllChildren, percentile, post } from "./load-fleet.js";
import { OPERATOR } from "./helpers.js";

const ENCODINGS: Encoding[] = ["condensed", "cbor", "simple"];

export async function fleetOf(base: string, n: number, prefix: string, encodings = ENCODINGS): Promise<SimDevice[]> {
  const formatId = (await postJson(route(base, "/data_format"), FORMAT, OPERATOR)).id as number;
  const devices = Array.from({ length: n }, (_, i) => new SimDevice(`${prefix}${String(i).padStart(4, "0")}`, formatId, encodings[i % encodings.length], i));
  await Promise.all(devices.map((d) => d.provision(base)));
  return devices;
}

/** A new empty database for one test (`name` tells it apart) and the file of its server's request log. */
export type NewDatabase = (name: string) => Promise<{ db: string; log: string }>;

/** The load, replay and crash tests on one engine; figures go under `figuresKey` in build/load-figures.json. */
export function loadTests(engine: string, newDatabase: NewDatabase, figuresKey: string | null = null): void {
describe(`load on ${engine}`, () => {
const figures: Record<string, unknown> = {};
after(async () => {
  await killAllChildren();
  fs.mkdirSync("build", { recursive: true });
  const file = "build/load-figures.json";
  const old = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, "utf8")) : {};
  const mine = figuresKey ? { [figuresKey]: figures } : figures;
  fs.writeFileSync(file, JSON.stringify({ ...old, ...mine, cpus: os.cpus().length, node: process.version }, null, 2) + "\n");
});

test("load: 200 devices upload at once, 5 requests each; no error, the database holds exactly what was sent", async (t) => {
  const DEVICES = 200;
  const UPLOADS = 5;
  const { db, log: logFile } = await newDatabase("load");
  const server = await ChildServer.start(db, [], logFile);
  try {
    const devices = await fleetOf(server.url, DEVICES, "LOAD");
    const sent: Sent[] = [];
    const latencies: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const start = performance.now();
    await Promise.all(devices.map(async (d) => {
      for (let k = 0; k < UPLOADS; k++) {
        const o = d.next();
        sent.push(o.sent);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        const r = await post(server.url, o).finally(() => inFlight--);
        o.sent.status = r.status;
        latencies.push(r.ms);
        assert.equal(r.status, 201, `${d.serial}: ${r.body.toString()}`);
        d.answered(r);
      }
    }));
    const seconds = (performance.now() - start) / 1000;
    assert.equal(await server.stop(), 0, "the server stops cleanly on SIGTERM");
    const c = await checkDb(db, sent, { allRequests: true });
    assert.equal(c.requests, DEVICES * UPLOADS);
    assert.equal(c.points, DEVICES * UPLOADS * 4); // 3 rows + the status per request
    const log = fs.readFileSync(logFile, "utf8");
    assert.equal(log.split("\n").filter((l) => l.includes('"path":"/dd","status":201')).length, DEVICES * UPLOADS, "one log line per upload");
    assert.ok(!devices.some((d) => log.includes(d.key)) && !log.includes(OPERATOR.token), "no key or token in the log");
    const f = {
      devices: DEVICES, requests: sent.length, concurrent_max: maxInFlight, seconds: +seconds.toFixed(2),
      requests_per_s: Math.round(sent.length / seconds), p50_ms: +percentile(latencies, 50).toFixed(1), p99_ms: +percentile(latencies, 99).toFixed(1),
      max_ms: +Math.max(...latencies).toFixed(1), rows_stored: c.points, requests_stored: c.requests,
      mean_body_bytes: Math.round(sent.reduce((a, s) => a + s.bytes, 0) / sent.length),
    };
    figures.load = f;
    t.diagnostic(`load: ${JSON.stringify(f)}`);
  } finally {
    await server.kill();
  }
});

test("replay: one request sent 50 times at once is stored once; the 49 others get 403 (replay)", async (t) => {
  const { db, log } = await newDatabase("replay");
  const server = await ChildServer.start(db, [], log);
  try {
    const [d] = await fleetOf(server.url, 1, "REPL", ["condensed"]);
    const o = d.next();
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(server.url, o)));
    o.sent.status = 201;
    d.answered(exactlyOneAccepted(answers));
    // the device goes on: its next request is accepted
    const o2 = d.next();
    const r2 = await post(server.url, o2);
    assert.equal(r2.status, 201, r2.body.toString());
    o2.sent.status = 201;
    assert.equal(await server.stop(), 0);
    const c = await checkDb(db, [o.sent, o2.sent], { allRequests: true });
    assert.equal(c.requests, 2);
    assert.equal(c.points, 8);
    figures.replay = { copies: 50, accepted: 1, refused_403: 49 };
    t.diagnostic(`replay: 50 copies -> 1 x 201, 49 x 403; 2 requests and 8 points stored`);
  } finally {
    await server.kill();
  }
});

test("crash: the server SIGKILLed 3 times mid-upload and restarted on the same database loses nothing it acknowledged; its --csv-dir files match the database row for row", async (t) => {
  const DEVICES = 40;
  const KILL_AFTER = 60; // answers 201 in a round before the kill
  const ROUND_CAP = 40; // uploads per device per round (bounds the loop; the kill comes first)
  const KILLS = 3;
  const { db, log } = await newDatabase("crash");
  const csvDir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-crash-csv-"));
  const sent: Sent[] = [];
  let devices: SimDevice[] = [];
  const rounds: { acked: number; no_answer: number; in_flight_at_kill: number }[] = [];
  for (let round = 0; round <= KILLS; round++) {
    const server = await ChildServer.start(db, ["--csv-dir", csvDir], log);
    try {
      if (round === 0) devices = await fleetOf(server.url, DEVICES, "CRSH", ["condensed", "cbor"]);
      else {
        // restarted on the same file: everything acknowledged before the kill is there, whole
        const c = await checkDb(db, sent);
        t.diagnostic(`after restart ${round}: ${c.requests} requests, ${c.points} points stored, ${c.storedWithoutAnswer} stored without an answer`);
      }
      const last = round === KILLS;
      let acked = 0;
      let noAnswer = 0;
      let inFlight = 0;
      let inFlightAtKill = -1;
      await Promise.all(devices.map(async (d) => {
        for (let k = 0; k < (last ? 2 : ROUND_CAP) && inFlightAtKill < 0; k++) {
          const o = d.next();
          sent.push(o.sent);
          inFlight++;
          let r;
          try {
            r = await post(server.url, o);
          } catch {
            o.sent.status = "error"; // the server died: stored or not, the device resends the rows next time
            noAnswer++;
            return;
          } finally {
            inFlight--;
          }
          o.sent.status = r.status;
          assert.equal(r.status, 201, `${d.serial}: ${r.body.toString()}`);
          d.answered(r);
          acked++;
          if (!last && acked === KILL_AFTER) {
            inFlightAtKill = inFlight;
            server.proc.kill("SIGKILL");
          }
        }
      }));
      if (last) assert.equal(await server.stop(), 0);
      else {
        await server.exited;
        assert.ok(inFlightAtKill > 0, "uploads were in flight when the server was killed");
      }
      rounds.push({ acked, no_answer: noAnswer, in_flight_at_kill: inFlightAtKill });
    } finally {
      await server.kill();
    }
  }
  // every device got its last answers: every row it ever recorded is stored, once
  for (const d of devices) assert.equal(d.pendingRows, 0);
  const c = await checkDb(db, sent, { allRows: true });
  // --csv-dir: the files hold exactly what the database holds, row for row, after the kills too
  const csvRows = await checkCsvDir(db, csvDir);
  assert.equal(csvRows, c.points);
  fs.rmSync(csvDir, { recursive: true, force: true });
  const f = {
    devices: DEVICES, restarts: KILLS, requests_sent: sent.length, answered_201: sent.filter((s) => s.status === 201).length,
    no_answer: sent.filter((s) => s.status === "error").length, stored_without_answer: c.storedWithoutAnswer,
    requests_stored: c.requests, points_stored: c.points, rounds,
  };
  figures.crash = f;
  t.diagnostic(`crash: ${JSON.stringify(f)}`);
});
});
}
