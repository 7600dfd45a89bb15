// Shared by tests/load.test.ts: the reference server as a child process (`opaygo server`),
// simulated devices (each its own opaygo-device.wasm through host-sim/codec.ts) that remember
// every point they sent, and the point-by-point comparison of the database (SQLite file or
// PostgreSQL URL) with what was sent, and of the CSV directory with the database.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawn, ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import { serialDirName } from "../host-sim/csv-dir.js";
import { parseOrdered, stringifyLossless, type JsonValue } from "../bindings/metrics-json.js";
import { openStore } from "../host-sim/store.js";
import { DeviceCodec, DataFormat, Encoding } from "../host-sim/codec.js";
import { exchange, postJson, route, Exchange } from "../host-sim/http.js";
import { startingCodeOf } from "../bindings/token.js";
import { CLI, OPERATOR, OPERATOR_TOKEN, parseCsv } from "./helpers.js";

export const FORMAT: DataFormat = {
  data_order: ["upload", "tampered"], historical_data_interval: 120, historical_data_order: ["battery_voltage", "panel_voltage"],
};
export const T0 = 1736121600;

// ---------------------------------------------------------------- the server as a child

const children = new Set<ChildServer>();

export class ChildServer {
  private constructor(readonly proc: ChildProcess, readonly url: string, readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>) {}

  /** `opaygo server --db DB --port 0 --log LOG` on 127.0.0.1 with the tests' operator token (from
   *  the environment); resolves with its URL once it listens. The request log goes to a file (by
   *  default DB.log, for a SQLite file): on a pipe to this busy test process its writes would wait
   *  for the test to read them. `cli`: another build's bin/opaygo.js, `node`: options to Node, `env`:
   *  more of the environment (make bench-server). */
  static start(db: string, extra: string[] = [], log = `${db}.log`, o: { cli?: string; node?: string[]; env?: Record<string, string> } = {}): Promise<ChildServer> {
    const proc = spawn(process.execPath, [...(o.node ?? []), o.cli ?? CLI, "server", "--db", db, "--port", "0", "--log", log, ...extra], {
      stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, OPAYGO_OPERATOR_TOKEN: OPERATOR_TOKEN, ...o.env },
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
    return new Promise((resolve, reject) => {
      let out = "";
      let err = "";
      const timer = setTimeout(() => { proc.kill("SIGKILL"); reject(new Error(`opaygo server did not start within 20 s: ${err}`)); }, 20000);
      proc.stderr!.on("data", (d) => (err += d));
      proc.stdout!.on("data", (d) => {
        out += d;
        const m = /listening on (https?:\/\/\S+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          const s = new ChildServer(proc, m[1], exited);
          children.add(s);
          void exited.then(() => children.delete(s));
          resolve(s);
        }
      });
      void exited.then(({ code, signal }) => { clearTimeout(timer); reject(new Error(`opaygo server exited (${code ?? signal}) before listening: ${err}`)); });
    });
  }

  /** SIGKILL now (no cleanup in the server); resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGKILL");
    await this.exited;
  }

  /** SIGTERM (the CLI closes the server and the database) and the exit code. */
  async stop(): Promise<number | null> {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill("SIGTERM");
    const t = setTimeout(() => this.proc.kill("SIGKILL"), 10000);
    const { code } = await this.exited;
    clearTimeout(t);
    return code;
  }
}

/** Every child still running, killed (test hooks call this even when a test fails). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...children].map((c) => c.kill()));
}

// ---------------------------------------------------------------- devices

export interface Sent {
  serial: string;
  ts: number;
  bytes: number;
  /** `${kind}|${ts}` -> canonical text of the values */
  points: Map<string, string>;
  /** HTTP status, or "error" when the connection failed (no answer: the request may or may not be stored) */
  status: number | "error" | "pending";
}

const canon = (v: unknown) => JSON.stringify(v);

export class SimDevice {
  readonly codec: DeviceCodec;
  readonly key: string;
  private t: number;
  private uploads = 0;
  /** rows recorded and not yet acknowledged by an answer: they go again in the next request */
  private pending: { ts: number; values: { battery_voltage: number; panel_voltage: number } }[] = [];

  constructor(readonly serial: string, formatId: number, readonly encoding: Encoding, private readonly index: number) {
    this.key = crypto.createHash("md5").update(serial).digest("hex");
    this.codec = new DeviceCodec({
      serial, key: this.key, startingCode: startingCodeOf(this.key), count: 1, format: { ...FORMAT, id: formatId }, auth: "ra", encoding,
      floatVariables: ["battery_voltage"],
    });
    this.t = T0 + index * 7;
  }

  provision(base: string): Promise<unknown> {
    return postJson(route(base, "/devices"), { serial: this.serial, key: this.key, count: 1 }, OPERATOR);
  }

  /** Records `rows` readings 2 min apart and encodes the request for everything not yet answered. */
  next(rows = 3): { body: Buffer; contentType: string; sent: Sent } {
    for (let i = 0; i < rows; i++) {
      this.t += 120;
      const k = this.t / 120 + this.index;
      const values = { battery_voltage: 12 + (k % 100) / 100, panel_voltage: 1700 + (k % 300) };
      this.codec.record(this.t, values);
      this.pending.push({ ts: this.t, values });
    }
    this.uploads++;
    const status = { upload: this.uploads, tampered: this.index % 2 === 1 };
    this.codec.setStatus(status);
    const req = this.codec.encodeRequest(this.t);
    assert.equal(req.rows, this.pending.length, "the ring holds exactly the unanswered rows");
    const points = new Map<string, string>();
    for (const r of this.pending) points.set(`hd|${r.ts}`, canon(r.values));
    points.set(`d|${this.t}`, canon(status));
    return { body: req.body, contentType: req.contentType, sent: { serial: this.serial, ts: this.t, bytes: req.body.length, points, status: "pending" } };
  }

  /** The server's 201 answer: applied by the module (signature checked), the rows released. */
  answered(r: Exchange): void {
    const a = this.codec.applyAnswer(r.body, r.contentType, this.t);
    assert.notEqual(a.signatureOk, false, "the answer's signature verifies on the device");
    this.pending = [];
    assert.equal(this.codec.pendingRows(), 0);
  }

  get pendingRows(): number {
    return this.pending.length;
  }
}

export async function post(base: string, o: { body: Buffer; contentType: string }): Promise<Exchange & { ms: number }> {
  const t0 = performance.now();
  const r = await exchange(route(base, "/dd"), "POST", o.body, o.contentType, { timeoutMs: 20000 });
  return { ...r, ms: performance.now() - t0 };
}

// ---------------------------------------------------------------- the database against what was sent

export interface DbCheck {
  requests: number;
  points: number;
  /** requests stored although their sender got no answer (committed, then the connection died) */
  storedWithoutAnswer: number;
}

/**
 * Opens the database (a SQLite file or a postgres:// URL) and compares it with every request sent:
 *  - every request answered 201 is stored, with every one of its points, value for value;
 *  - every stored request is one that was sent, stored once, and all of its points are in the
 *    database (none partial), and every point linked to it is one of its points;
 *  - every stored point is a point some request carried, with the same values (none invented, none
 *    duplicated: one row per device, kind and time).
 * `allRequests`: also every request sent is stored, with every point (nothing lost at all);
 * `allRows`: every historical row sent is stored (the devices resent what got no answer).
 */
export async function checkDb(db: string, sent: Sent[], o: { allRequests?: boolean; allRows?: boolean } = {}): Promise<DbCheck> {
  const store = await openStore(db);
  try {
    const bySent = new Map<string, Sent>();
    const expected = new Map<string, string>(); // `${serial}|${kind}|${ts}` -> values
    for (const s of sent) {
      const k = `${s.serial}|${s.ts}`;
      assert.ok(!bySent.has(k), `two requests sent as ${k}`);
      bySent.set(k, s);
      for (const [pk, v] of s.points) {
        const key = `${s.serial}|${pk}`;
        const prev = expected.get(key);
        assert.ok(prev === undefined || prev === v, `${key} sent twice with different values`);
        expected.set(key, v);
      }
    }
    const requests = await store.all<{ id: number; serial: string; ts: number }>("SELECT r.id, d.serial, r.ts FROM requests r JOIN devices d ON d.id = r.device_id");
    const points = await store.all<{ serial: string; request_id: number; ts: number; kind: string; data: string }>(
      "SELECT d.serial, p.request_id, p.ts, p.kind, p.data FROM points p JOIN devices d ON d.id = p.device_id");
    const stored = new Map<string, { requestId: number; data: string }>();
    for (const p of points) {
      const key = `${p.serial}|${p.kind}|${p.ts}`;
      assert.ok(!stored.has(key), `point ${key} stored twice`);
      const want = expected.get(key);
      assert.ok(want !== undefined, `point ${key} was never sent`);
      assert.equal(canon(JSON.parse(p.data)), want, `point ${key}: stored values differ from the ones sent`);
      stored.set(key, { requestId: p.request_id, data: p.data });
    }
    const requestById = new Map<number, Sent>();
    let storedWithoutAnswer = 0;
    const storedRequests = new Set<string>();
    for (const r of requests) {
      const k = `${r.serial}|${r.ts}`;
      const s = bySent.get(k);
      assert.ok(s, `stored request ${k} was never sent`);
      assert.ok(!storedRequests.has(k), `request ${k} stored twice`);
      storedRequests.add(k);
      requestById.set(r.id, s);
      if (s.status !== 201) storedWithoutAnswer++;
      for (const pk of s.points.keys()) assert.ok(stored.has(`${s.serial}|${pk}`), `stored request ${k} lacks its point ${pk} (a partial request)`);
    }
    for (const [key, p] of stored) {
      const s = requestById.get(p.requestId);
      assert.ok(s, `point ${key} belongs to no stored request`);
      assert.ok(s.points.has(key.slice(s.serial.length + 1)), `point ${key} linked to a request that did not carry it`);
    }
    for (const s of sent) {
      if (s.status === 201) assert.ok(storedRequests.has(`${s.serial}|${s.ts}`), `request ${s.serial}|${s.ts} was answered 201 but is not stored`);
    }
    if (o.allRequests) {
      assert.equal(stored.size, expected.size, "every point sent is stored, once");
      assert.equal(requests.length, sent.length, "every request sent is stored, once");
    }
    if (o.allRows) {
      for (const key of expected.keys()) if (key.includes("|hd|")) assert.ok(stored.has(key), `row ${key} was sent and never stored`);
    }
    return { requests: requests.length, points: stored.size, storedWithoutAnswer };
  } finally {
    await store.close();
  }
}

/** Concurrent copies of one request: exactly one 201, every other copy 403 as a replay. Returns the 201. */
export function exactlyOneAccepted(answers: Exchange[]): Exchange {
  const statuses = answers.map((r) => r.status);
  assert.equal(statuses.filter((s) => s === 201).length, 1, JSON.stringify(statuses));
  assert.equal(statuses.filter((s) => s === 403).length, answers.length - 1, JSON.stringify(statuses));
  for (const r of answers) if (r.status === 403) assert.match(JSON.parse(r.body.toString()).error, /replay/);
  return answers.find((r) => r.status === 201)!;
}

export function percentile(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b);
  return v.length ? v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))] : NaN;
}

// ---------------------------------------------------------------- the CSV directory against the database

/**
 * The CSV files of `--csv-dir` (host-sim/csv-dir.ts) hold exactly the stored points, each once:
 * the same serial (its directory), request id, kind, time and values (each value's text as
 * stored), in the file of its UTC day, under a header naming its columns. Returns the rows read.
 */
export async function checkCsvDir(db: string, dir: string): Promise<number> {
  const store = await openStore(db);
  try {
    const points = await store.all<{ serial: string; request_id: number; ts: number; kind: string; data: string }>(
      "SELECT d.serial, p.request_id, p.ts, p.kind, p.data FROM points p JOIN devices d ON d.id = p.device_id");
    const want = points.map((p) => {
      const values = [...(parseOrdered(p.data) as Map<string, JsonValue>)].filter(([, v]) => v !== null)
        .map(([k, v]) => `${k}=${typeof v === "string" ? v : stringifyLossless(v)}`).sort();
      return `${p.serial}|${p.request_id}|${p.kind}|${p.ts}|${values.join("&")}`;
    });
    const got: string[] = [];
    for (const sub of fs.readdirSync(dir)) {
      const serial = decodeURIComponent(sub);
      assert.equal(serialDirName(serial), sub, `directory ${sub} is a serial's encoding`);
      for (const file of fs.readdirSync(path.join(dir, sub))) {
        const text = fs.readFileSync(path.join(dir, sub, file), "utf8");
        assert.ok(text.endsWith("\n"), `${sub}/${file} ends with a whole line`);
        let header: string[] | null = null;
        for (const row of parseCsv(text)) {
          if (row[0] === "time_utc") { header = row; continue; }
          assert.ok(header, `${sub}/${file} starts with a header`);
          assert.equal(row.length, header.length, `${sub}/${file}: a row as long as its header`);
          const [time, ts, kind] = row;
          assert.equal(`${new Date(Number(ts) * 1000).toISOString().slice(0, 10)}.csv`, file, `a row of ${time} in ${file}`);
          const values: string[] = [];
          for (let i = 3; i < row.length - 1; i++) if (row[i] !== "") values.push(`${header[i].replace(/ \[[^\]]*\]$/, "")}=${row[i]}`);
          got.push(`${serial}|${row[row.length - 1]}|${kind}|${ts}|${values.sort().join("&")}`);
        }
      }
    }
    assert.deepEqual(got.sort(), want.sort(), "the CSV files hold exactly the stored points, each once");
    return got.length;
  } finally {
    await store.close();
  }
}
