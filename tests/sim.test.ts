// The main job end to end: simulated devices, real HTTP, a real SQLite file.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runSim } from "../host-sim/sim.js";
import { spawn } from "node:child_process";
import { Store, openStore } from "../host-sim/store.js";
import { ReferenceServer } from "../host-sim/server.js";
import { CLI, OPERATOR_TOKEN, opaygo } from "./helpers.js";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-sim-test-"));

test("a short sim: every upload accepted, every token applied, every sample stored as the sensors produced it", async () => {
  const dir = tmp();
  const db = path.join(dir, "sim.sqlite");
  try {
    const r = await runSim({ devices: 3, days: 2, interval: 120, uploadEvery: 3600, encoding: "condensed", auth: "ra", seed: 7, db, keepSamples: true });
    assert.equal(r.requests, 144);
    assert.equal(r.accepted, 144);
    assert.equal(r.rejected, 0);
    assert.ok(r.tokens_delivered > 0);
    assert.equal(r.tokens_applied, r.tokens_delivered);
    assert.equal(r.samples_taken, 3 * 2 * 720);
    assert.equal(r.samples_stored, r.samples_taken);
    assert.equal(r.db_rows, r.samples_taken + 144); // plus one status point per request
    assert.equal(r.bad_signatures, 0);
    assert.ok(r.bytes_up > r.body_up && r.bytes_down > r.body_down, "wire bytes include the headers");

    const store = await openStore(db);
    try {
      for (const d of r.devices) {
        const stored = (await store.points({ serial: d.serial })).filter((p) => p.kind === "hd");
        assert.equal(stored.length, d.samples.length);
        stored.forEach((p, i) => {
          assert.equal(p.ts, d.samples[i].t);
          assert.deepEqual(JSON.parse(p.data), d.samples[i].reading);
        });
        const tokens = await store.all<{ token: string }>("SELECT t.token FROM tokens t JOIN devices d ON d.id = t.device_id WHERE d.serial = ? ORDER BY t.count", d.serial);
        assert.deepEqual(d.tokenLog.map((t) => t.token), tokens.map((t) => t.token));
        assert.ok(d.tokenLog.every((t) => t.result === "ACCEPTED"));
      }
    } finally {
      await store.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an integer fleet on the lean module makes the device module's requests, byte for byte, and the same run", async () => {
  const o = { devices: 2, days: 1, interval: 120, uploadEvery: 3600, encoding: "condensed" as const, auth: "ra" as const, seed: 5 };
  const device = await runSim(o);
  const lean = await runSim({ ...o, module: "lean" });
  assert.equal(lean.accepted, lean.requests);
  assert.equal(lean.tokens_applied, lean.tokens_delivered);
  assert.equal(lean.samples_stored, lean.samples_taken);
  for (const k of ["requests", "accepted", "body_up", "body_down", "tokens_applied", "rows_dropped", "early_uploads"] as const) assert.equal(lean[k], device[k], k);
  assert.deepEqual(lean.devices.map((d) => d.series), device.devices.map((d) => d.series));
  await assert.rejects(runSim({ ...o, module: "lean", scale: false }), /integer readings only/);
});

test("the same seed gives the same run; CBOR and simple encodings are accepted too", async () => {
  const a = await runSim({ devices: 2, days: 1, interval: 120, uploadEvery: 3600, encoding: "cbor", auth: "da", seed: 11 });
  const b = await runSim({ devices: 2, days: 1, interval: 120, uploadEvery: 3600, encoding: "cbor", auth: "da", seed: 11 });
  assert.equal(a.accepted, 48);
  assert.equal(a.samples_stored, a.samples_taken);
  assert.equal(a.body_up, b.body_up);
  assert.deepEqual(a.devices.map((d) => [d.series, d.lockPeriods]), b.devices.map((d) => [d.series, d.lockPeriods]));
  const s = await runSim({ devices: 1, days: 1, interval: 300, uploadEvery: 7200, encoding: "simple", auth: "ta", seed: 3 });
  // Simple requests name every variable of every row: the device module's 1 KiB output buffer
  // holds about 6 such rows, so the device uploads early (before 2 h) whenever the next would not fit.
  assert.ok(s.requests > 12 && s.early_uploads > 0, `${s.requests} requests`);
  assert.equal(s.accepted, s.requests);
  assert.equal(s.rows_dropped, 0);
  assert.equal(s.samples_stored, 288);
  assert.equal(s.tokens_applied, s.tokens_delivered);
});

test("opaygo sim --devices 3 --days 2 --seed 7 --db FILE --json meets the done-when criterion", () => {
  const dir = tmp();
  try {
    const run = opaygo(["sim", "--devices", "3", "--days", "2", "--seed", "7", "--db", path.join(dir, "s.sqlite"), "--json"]);
    assert.equal(run.status, 0, run.stderr);
    const j = JSON.parse(run.stdout);
    assert.equal(j.requests, 144);
    assert.equal(j.accepted, 144);
    assert.equal(j.rejected, 0);
    assert.equal(j.tokens_applied, j.tokens_delivered);
    assert.equal(j.db_rows, 3 * 2 * 720 + 144);
    for (const k of ["bytes_up", "bytes_down", "tokens_delivered"]) assert.ok(j[k] > 0, k);
    const csv = opaygo(["server", "export", "--db", path.join(dir, "s.sqlite")]);
    assert.equal(csv.status, 0, csv.stderr);
    const lines = csv.stdout.trim().split("\n");
    assert.equal(lines.length, 1 + j.db_rows);
    assert.match(lines[0], /^serial_number,timestamp,kind,/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("bad options get a message and exit status 2, never a stack trace", () => {
  const dir = tmp();
  try {
    const cases: [string[], RegExp][] = [
      [["sim", "--devices", "0"], /devices must be at least 1/],
      [["sim", "--days", "abc"], /days must be a whole number/],
      [["sim", "--encoding", "xml"], /Allowed choices/],
      [["sim", "--auth", "zz"], /Allowed choices/],
      [["sim", "--module", "seed"], /Allowed choices/],
      [["sim", "--module", "lean", "--encoding", "cbor"], /condensed JSON only/],
      [["sim", "--module", "lean", "--no-scale"], /integer readings only/],
      [["sim", "--module", "lean", "--auth", "da"], /ra only/],
      [["sim", "--server", "ftp://x"], /http:\/\/ or https:\/\/ URL/],
      [["sim", "--interval", "600", "--upload-every", "300"], /at least --interval/],
      [["sim", "--db", dir], /is not a file/],
      [["sim", "--operator-token-file", path.join(dir, "t")], /for an external --server/],
      [["server", "export", "--db", path.join(dir, "missing.sqlite")], /no database/],
      [["server", "run", "--db", path.join(dir, "x.sqlite"), "--port", "99999"], /port must be at most 65535/],
    ];
    for (const [args, message] of cases) {
      const r = opaygo(args);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
    // an external server that is not there: the CLI says so, exit 2
    const r = opaygo(["sim", "--devices", "1", "--days", "1", "--server", "http://127.0.0.1:9/x", "--json"]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^opaygo: .*ECONNREFUSED/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("opaygo sim against a server that refuses every upload: it ran, so exit 0, and the refusals are in its summary", async () => {
  const dir = tmp();
  const store = await openStore(path.join(dir, "small.sqlite"));
  // bodies of 700 bytes at most: the data format and the devices fit, the uploads do not
  const server = new ReferenceServer({ store, maxBody: 700, operatorToken: OPERATOR_TOKEN });
  try {
    const url = await server.listen(0);
    const args = [CLI, "sim", "--devices", "1", "--days", "1", "--upload-every", "21600", "--server", url, "--json"];
    const child = spawn(process.execPath, args, { env: { ...process.env, OPAYGO_OPERATOR_TOKEN: OPERATOR_TOKEN } });
    let out = "", err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const status = await new Promise((resolve) => child.on("exit", resolve));
    assert.equal(status, 0, err);
    const j = JSON.parse(out);
    assert.ok(j.requests > 0 && j.accepted === 0 && j.rejected === j.requests, out);
    // every request sent got 413 (once the ring is full, the rows no longer fit one request: "not sent")
    const refused413 = Object.entries(j.rejections).filter(([k]) => k.startsWith("413 ")).reduce((a, [, n]) => a + (n as number), 0);
    assert.equal(refused413, j.requests, out);
  } finally {
    await server.close();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
