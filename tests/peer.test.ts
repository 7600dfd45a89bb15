// The reference library `openpaygo` (PyPI) as a second kind of device: our server accepts its
// requests (every auth method, condensed and simple), and it verifies our answers and decodes our
// tokens. Fails (never skips) when python3 or openpaygo is missing: CI installs them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { ReferenceServer } from "../host-sim/server.js";
import { Store, openStore } from "../host-sim/store.js";
import { postJson, route } from "../host-sim/http.js";
import { startingCodeOf } from "../bindings/token.js";
import { OPERATOR, OPERATOR_TOKEN, ROOT } from "./helpers.js";

const KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
const SERIAL = "PYPEER01";
const T0 = 1736121600;
const FORMAT = {
  data_order: ["token_count", "tampered"], historical_data_interval: -120, historical_data_order: ["battery_voltage", "panel_voltage"],
};

let dir: string, store: Store, server: ReferenceServer, base: string;
before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-peer-"));
  store = await openStore(path.join(dir, "peer.sqlite"));
  server = new ReferenceServer({ store, basePath: "/peer", clock: () => T0 + 5 * 3600, operatorToken: OPERATOR_TOKEN });
  base = await server.listen(0);
});
after(async () => {
  await server.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// async: the peer talks to the server running in this process
function python(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn("python3", args, { cwd: ROOT });
    let stdout = "", stderr = "";
    const timer = setTimeout(() => p.kill(), 120_000);
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", (e) => { clearTimeout(timer); resolve({ status: null, stdout, stderr: String(e) }); });
    p.on("close", (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

test("openpaygo 0.6.3 as a device: requests accepted, answers verified, tokens decoded, data stored", async () => {
  const { id } = await postJson(route(base, "/data_format"), FORMAT, OPERATOR);
  const startingCode = startingCodeOf(KEY);
  await postJson(route(base, "/devices"), { serial: SERIAL, key: KEY, starting_code: startingCode, count: 1, payments: [{ at: T0, days: 7 }, { at: T0 + 2 * 3600, days: 3 }] }, OPERATOR);
  const cfg = { base, serial: SERIAL, key: KEY, starting_code: startingCode, data_format: { id, ...FORMAT }, t0: T0 };
  const run = await python([path.join(ROOT, "tests/peers/server_peer_device.py"), JSON.stringify(cfg)]);
  assert.equal(run.status, 0, `python3 with openpaygo is required (scripts/install-deps.sh): ${run.stderr}`);
  const out = JSON.parse(run.stdout);
  assert.deepEqual(out.exchanges.map((e: any) => [e.method, e.status]), [["ra", 201], ["da", 201], ["ta", 201], ["ca", 201]]);
  assert.equal(out.replay_status, 403);
  assert.equal(out.tampered_status, 403);
  const signed = out.exchanges.filter((e: any) => e.signature_ok !== undefined);
  assert.ok(signed.length >= 2, "answers with tokens are signed");
  assert.ok(signed.every((e: any) => e.signature_ok === true), JSON.stringify(signed));
  assert.deepEqual(out.tokens.map((t: any) => [t.value, t.type]), [[7, "1"], [3, "1"]].map(([v, t]) => [v, String(t)]));

  // what the peer sent is what the server stored
  const points = (await store.points({ serial: SERIAL })).filter((p) => p.kind === "hd");
  const expected: [number, unknown][] = [];
  for (const s of out.sent_rows) {
    const start = s.start ?? T0 + 5 * 3600; // counter auth: no timestamp, the reception time
    s.rows.forEach((row: unknown, k: number) => expected.push([start + k * s.interval, row]));
  }
  expected.sort((a, b) => a[0] - b[0]);
  assert.deepEqual(points.map((p) => [p.ts, JSON.parse(p.data)]), expected);
});
