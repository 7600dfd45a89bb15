// `make bench-server`: the reference server's throughput on this machine, with seed-sized uploads
// (30 historical rows x 5 variables as integers x100, 5 status values, ra, condensed JSON, about
// 1 KB: the seed use case), on SQLite (one process) and PostgreSQL (1, 2 and 4 `opaygo server`
// processes on one database, uploads spread round-robin); then one 1 MiB backlog request.
//
// The requests are encoded before the clock starts (each device's own, signed, times increasing),
// then DEVICES devices send theirs at once, each waiting for its answer before the next, over
// keep-alive connections (as through a reverse proxy). The load generator is this process; the
// servers are child processes. Per run: uploads per second (wall clock, moves with the machine's
// load), the servers' CPU time per upload (from /proc/PID/stat: steadier), and on PostgreSQL the
// round trips to the database per upload (counted by tests/bench/count-pg-queries.mjs, preloaded
// into each server: any build is counted the same way). The backlog: its time and the server's
// peak memory (VmHWM) before and after. Prints tables and writes build/bench-server.json (with
// --write-docs, as make bench-server runs it, the tables in docs/storage.md too). Not a
// test: nothing is compared with a threshold. OPAYGO_BENCH_BASELINE=path/to/bin/opaygo.js (an
// older checkout, built) runs every measurement on that build's server too, in the same run:
// `make bench-server BASELINE=eea1ed1` builds that commit beside the project and does so.
// BENCH_SERVER_NODE_FLAGS="--cpu-prof --cpu-prof-dir=DIR" passes flags to every server's node (a
// profile of the server under this load).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ChildServer, killAllChildren } from "../load-fleet.js";
import { PgCluster } from "../pg-cluster.js";
import { DeviceCodec, DataFormat } from "../../host-sim/codec.js";
import { Prng } from "../../host-sim/prng.js";
import { startingCodeOf } from "../../bindings/token.js";
import { Float, stringifyLossless, type JsonValue } from "../../bindings/metrics.js";
import { CLI as OUR_CLI, OPERATOR_TOKEN, ROOT } from "../helpers.js";
import { writeDocBlock } from "./doc-block.js";

/** the builds measured: this one, and a baseline's server when given */
const BUILDS: { name: string; cli: string }[] = [
  ...(process.env.OPAYGO_BENCH_BASELINE ? [{ name: `baseline (${process.env.OPAYGO_BENCH_BASELINE_NAME ?? process.env.OPAYGO_BENCH_BASELINE})`, cli: process.env.OPAYGO_BENCH_BASELINE }] : []),
  { name: "this build", cli: OUR_CLI },
];
const COUNTER = path.join(ROOT, "tests/bench/count-pg-queries.mjs");
const DEVICES = Number(process.env.BENCH_DEVICES ?? 50);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 40);
const T0 = 1736121600;
const STATUS = ["token_count", "tampered", "firmware_version", "overload_alert", "low_battery_alert"];
const READINGS = ["battery_voltage", "battery_current", "panel_voltage", "load_power", "temperature"];
const RANGES = [[1150, 1450], [0, 999], [0, 2200], [0, 4500], [1800, 4500]]; // x100: 11.5-14.5 V, 0-9.99 A, 0-22 V, 0-45 W, 18-45 C
const FORMAT: DataFormat = {
  data_order: STATUS, historical_data_interval: 120, historical_data_order: READINGS,
  variables: Object.fromEntries(READINGS.map((n) => [n, { scale_factor: 0.01 }])),
};

interface Device { serial: string; key: string; requests: Buffer[] }

/** Each device's uploads, encoded by its own opaygo-device.wasm: 30 rows every 120 s, then the upload. */
function fleet(prefix: string, formatId: number): Device[] {
  const rng = new Prng(7);
  return Array.from({ length: DEVICES }, (_, i) => {
    const serial = `${prefix}${String(i).padStart(4, "0")}`;
    const key = Array.from({ length: 16 }, () => rng.int(0, 255).toString(16).padStart(2, "0")).join("");
    const requests = Array.from({ length: UPLOADS }, (_, k) => {
      const dev = new DeviceCodec({
        serial, key, startingCode: startingCodeOf(key), count: 1, format: { ...FORMAT, id: formatId }, auth: "ra", encoding: "condensed",
        floatVariables: [], scaled: Object.fromEntries(READINGS.map((n) => [n, 0.01])),
      });
      const end = T0 + (k + 1) * 3600;
      for (let r = 29; r >= 0; r--) {
        dev.record(end - r * 120, Object.fromEntries(READINGS.map((n, v) => [n, rng.int(RANGES[v][0], RANGES[v][1]) / 100])));
      }
      dev.setStatus({ token_count: 1, tampered: false, firmware_version: "1.4.2", overload_alert: false, low_battery_alert: rng.chance(0.1) });
      return dev.encodeRequest(end).body;
    });
    return { serial, key, requests };
  });
}

// Keep-alive connections, made afresh once the requests are encoded (the server closes idle ones after 5 s).
let agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function call(base: string, method: string, p: string, body: Buffer | null, operator = false): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = body ? { "Content-Type": "application/json", "Content-Length": body.length } : {};
    if (operator) headers.Authorization = `Bearer ${OPERATOR_TOKEN}`;
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname.replace(/\/$/, "") + p, method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}

const TICKS_PER_S = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** A server's CPU time so far (user + system, from /proc) and its queries to PostgreSQL (its
 *  preloaded counter, asked by SIGUSR2). */
async function processStats(s: ChildServer, countFile: string): Promise<{ cpu_ms: number; db_round_trips: number }> {
  const fields = fs.readFileSync(`/proc/${s.proc.pid}/stat`, "utf8").replace(/^.*\) /, "").split(" ");
  const cpu_ms = ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_S; // utime, stime
  const seen = fs.existsSync(countFile) ? Number(fs.readFileSync(countFile, "utf8").split(" ")[0]) : 0;
  s.proc.kill("SIGUSR2");
  for (let i = 0; i < 200; i++) {
    const [n, queries] = fs.existsSync(countFile) ? fs.readFileSync(countFile, "utf8").split(" ").map(Number) : [0, 0];
    if (n > seen) return { cpu_ms, db_round_trips: queries };
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`server ${s.proc.pid} did not write its query count`);
}

interface Row {
  build: string; engine: string; processes: number; uploads: number; points: number; seconds: number; uploads_per_s: number;
  server_cpu_ms_per_upload: number; db_round_trips_per_upload: number | null;
}

function start(build: { cli: string }, db: string, log: string, countFile: string): Promise<ChildServer> {
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? "").split(" ").filter(Boolean);
  return ChildServer.start(db, [], log, { cli: build.cli, node: ["--import", COUNTER, ...flags], env: { OPAYGO_COUNT_PG_FILE: countFile } });
}

async function measure(build: { name: string; cli: string }, engine: string, db: string, processes: number, logDir: string): Promise<Row> {
  const tag = `${BUILDS.indexOf(build)}-${engine}-${processes}`;
  const counts = Array.from({ length: processes }, (_, i) => path.join(logDir, `${tag}-${i}.queries`));
  const procs = await Promise.all(counts.map((c, i) => start(build, db, path.join(logDir, `${tag}-${i}.log`), c)));
  try {
    const base = procs[0].url;
    const formatId = JSON.parse((await call(base, "POST", "/data_format", Buffer.from(JSON.stringify(FORMAT)), true)).body).id as number;
    const devices = fleet(`B${BUILDS.indexOf(build)}${processes}${engine[0]}`, formatId);
    agent.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    for (const d of devices) {
      const r = await call(base, "POST", "/devices", Buffer.from(JSON.stringify({ serial: d.serial, key: d.key, auth_methods: ["ra"] })), true);
      if (r.status !== 201) throw new Error(`provisioning ${d.serial}: ${r.status} ${r.body}`);
    }
    const before = await Promise.all(procs.map((p, i) => processStats(p, counts[i])));
    let turn = 0;
    const start = performance.now();
    await Promise.all(devices.map(async (d) => {
      for (const body of d.requests) {
        const r = await call(procs[turn++ % processes].url, "POST", "/dd", body);
        if (r.status !== 201) throw new Error(`${d.serial}: ${r.status} ${r.body}`);
      }
    }));
    const seconds = (performance.now() - start) / 1000;
    const after = await Promise.all(procs.map((p, i) => processStats(p, counts[i])));
    const uploads = DEVICES * UPLOADS;
    const sum = (f: (s: Awaited<ReturnType<typeof processStats>>) => number, xs: typeof after) => xs.reduce((a, s) => a + f(s), 0);
    const answer = JSON.parse((await call(base, "GET", "/stats", null, true)).body);
    const stats = answer.database ?? answer; // (an older build's /stats is flat)
    if (stats.requests !== uploads) throw new Error(`${stats.requests} requests stored of ${uploads}`);
    for (const p of procs) await p.stop();
    return {
      build: build.name, engine, processes, uploads, points: stats.points, seconds: +seconds.toFixed(2), uploads_per_s: Math.round(uploads / seconds),
      server_cpu_ms_per_upload: +((sum((s) => s.cpu_ms, after) - sum((s) => s.cpu_ms, before)) / uploads).toFixed(3),
      db_round_trips_per_upload: engine === "PostgreSQL" ? +((sum((s) => s.db_round_trips, after) - sum((s) => s.db_round_trips, before)) / uploads).toFixed(2) : null,
    };
  } finally {
    await Promise.all(procs.map((p) => p.kill()));
  }
}

const peakKb = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]);

/** One signed request of about 1 MiB (75,000 rows, made by the reference library) to a SQLite server. */
async function backlog(build: { name: string; cli: string }, dir: string): Promise<{ build: string; bytes: number; rows: number; status: number; seconds: number; peak_kb_before: number; peak_kb_after: number }> {
  const tag = String(BUILDS.indexOf(build));
  const proc = await start(build, path.join(dir, `backlog-${tag}.sqlite`), path.join(dir, `backlog-${tag}.log`), path.join(dir, `backlog-${tag}.queries`));
  try {
    const format = { data_order: ["token_count"], historical_data_interval: 60, historical_data_order: ["v", "w"] };
    const id = JSON.parse((await call(proc.url, "POST", "/data_format", Buffer.from(JSON.stringify(format)), true)).body).id;
    const key = "bc41ec9530f6dac86b1a29ab82edc5fb";
    await call(proc.url, "POST", "/devices", Buffer.from(JSON.stringify({ serial: "BACKLOG", key })), true);
    const rows = 75000;
    const hd = Array.from({ length: rows }, (_, i) => new Map<string, JsonValue>([["v", 1000 + (i % 977)], ["w", new Float(i / 8)]]));
    const command = stringifyLossless({ op: "request", serial: "BACKLOG", key, auth: "ra", format: { ...format, id }, ts: T0, rc: null, ts_first: true, data: new Map([["token_count", 1]]), hd, acc: null, dtc: null, forms: ["condensed"] } as JsonValue);
    const peer = spawnSync("python3", [path.join(ROOT, "tests/peers/metrics_peer.py")], { input: command + "\n", encoding: "utf8", maxBuffer: 1 << 28 });
    if (peer.status !== 0) throw new Error(`python3 with openpaygo is required: ${peer.stderr}`);
    const body = Buffer.from(JSON.parse(peer.stdout).condensed as string);
    agent.destroy();
    agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const peakBefore = peakKb(proc.proc.pid!);
    const start = performance.now();
    const r = await call(proc.url, "POST", "/dd", body);
    const seconds = (performance.now() - start) / 1000;
    return { build: build.name, bytes: body.length, rows, status: r.status, seconds: +seconds.toFixed(2), peak_kb_before: peakBefore, peak_kb_after: peakKb(proc.proc.pid!) };
  } finally {
    await proc.kill();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-bench-server-"));
const cluster = PgCluster.start();
const rows: Row[] = [];
const big: Awaited<ReturnType<typeof backlog>>[] = [];
try {
  // each measurement on each build in turn, so both see the machine as it is then
  for (const b of BUILDS) rows.push(await measure(b, "SQLite", path.join(dir, `bench-${BUILDS.indexOf(b)}.sqlite`), 1, dir));
  for (const n of [1, 2, 4]) for (const b of BUILDS) rows.push(await measure(b, "PostgreSQL", await cluster.createDatabase(`bench${BUILDS.indexOf(b)}_${n}`), n, dir));
  for (const b of BUILDS) big.push(await backlog(b, dir));
} finally {
  await killAllChildren();
  cluster.stop();
  agent.destroy();
  fs.rmSync(dir, { recursive: true, force: true });
}
const load = os.loadavg().map((l) => l.toFixed(1)).join(" ");
const lines = [
  `Reference server, ${DEVICES} devices x ${UPLOADS} seed-sized uploads (30 rows x 5 variables, scaled, \`ra\`), all devices at once; ` +
    `\`make bench-server${process.env.OPAYGO_BENCH_BASELINE_NAME ? ` BASELINE=${process.env.OPAYGO_BENCH_BASELINE_NAME}` : ""}\`; ` +
    `${os.cpus().length} CPUs (${os.cpus()[0]?.model.split(" ").slice(0, 2).join(" ") ?? "?"}), load average ${load} at the end, Node ${process.version}.`,
  "",
  "| build | store | server processes | uploads | points | seconds | uploads/s | server CPU ms per upload | database round trips per upload |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|",
  ...rows.map((r) => `| ${r.build} | ${r.engine} | ${r.processes} | ${r.uploads} | ${r.points} | ${r.seconds} | ${r.uploads_per_s} | ${r.server_cpu_ms_per_upload} | ${r.db_round_trips_per_upload ?? "-"} |`),
  "",
  "| build | 1 MiB backlog (SQLite) | rows | answer | seconds | server peak memory before / after |",
  "|---|---:|---:|---:|---:|---:|",
  ...big.map((b) => `| ${b.build} | ${b.bytes} B | ${b.rows} | HTTP ${b.status} | ${b.seconds} | ${Math.round(b.peak_kb_before / 1024)} / ${Math.round(b.peak_kb_after / 1024)} MB |`),
];
console.log(lines.join("\n"));
if (process.argv.includes("--write-docs")) writeDocBlock("docs/storage.md", "bench-server", lines);
fs.mkdirSync("build", { recursive: true });
fs.writeFileSync("build/bench-server.json", JSON.stringify({ devices: DEVICES, uploads: UPLOADS, cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version, rows, backlog: big }, null, 2) + "\n");
