// `make bench-server`: the reference server's throughput on this machine, side by side: SQLite
// (one process) and PostgreSQL (1, 2 and 4 `opaygo server` processes on one database, requests
// spread round-robin). Each run: DEVICES simulated devices upload UPLOADS requests each (3 rows and
// a status: 4 points), all devices at once, each waiting for its answer before the next request;
// the database is then checked against what was sent. The load generator (the devices'
// opaygo-device.wasm) runs on the same machine, so the figures are for the whole exchange.
// Each server writes its request log to a file, as in the tests. Prints a table and writes
// build/bench-server.json. Not a test: nothing is compared with a threshold.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ChildServer, Sent, checkDb, killAllChildren, post } from "../load-fleet.js";
import { fleetOf } from "../load-suite.js";
import { PgCluster } from "../pg-cluster.js";

const DEVICES = Number(process.env.BENCH_DEVICES ?? 100);
const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 10);

interface Row { engine: string; processes: number; requests: number; points: number; seconds: number; requests_per_s: number; points_per_s: number }

async function measure(engine: string, db: string, processes: number, logDir: string): Promise<Row> {
  const procs = await Promise.all(Array.from({ length: processes }, (_, i) => ChildServer.start(db, [], path.join(logDir, `${engine}-${processes}-${i}.log`))));
  try {
    const devices = await fleetOf(procs[0].url, DEVICES, `B${processes}${engine[0]}`);
    const sent: Sent[] = [];
    let turn = 0;
    const start = performance.now();
    await Promise.all(devices.map(async (d) => {
      for (let k = 0; k < UPLOADS; k++) {
        const o = d.next();
        sent.push(o.sent);
        const r = await post(procs[turn++ % processes].url, o);
        o.sent.status = r.status;
        if (r.status !== 201) throw new Error(`${d.serial}: ${r.status} ${r.body.toString()}`);
        d.answered(r);
      }
    }));
    const seconds = (performance.now() - start) / 1000;
    for (const p of procs) await p.stop();
    const c = await checkDb(db, sent, { allRequests: true });
    return {
      engine, processes, requests: c.requests, points: c.points, seconds: +seconds.toFixed(2),
      requests_per_s: Math.round(c.requests / seconds), points_per_s: Math.round(c.points / seconds),
    };
  } finally {
    await Promise.all(procs.map((p) => p.kill()));
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opaygo-bench-server-"));
const cluster = PgCluster.start();
const rows: Row[] = [];
try {
  rows.push(await measure("SQLite", path.join(dir, "bench.sqlite"), 1, dir));
  for (const n of [1, 2, 4]) rows.push(await measure("PostgreSQL", await cluster.createDatabase(`bench${n}`), n, dir));
} finally {
  await killAllChildren();
  cluster.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}
const load = os.loadavg().map((l) => l.toFixed(2)).join(" ");
console.log(`reference server: ${DEVICES} devices x ${UPLOADS} uploads (4 points each); ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}), load average ${load}, Node ${process.version}`);
console.log("| store | server processes | requests | points | seconds | requests/s | points/s |");
console.log("|---|---:|---:|---:|---:|---:|---:|");
for (const r of rows) console.log(`| ${r.engine} | ${r.processes} | ${r.requests} | ${r.points} | ${r.seconds} | ${r.requests_per_s} | ${r.points_per_s} |`);
fs.mkdirSync("build", { recursive: true });
fs.writeFileSync("build/bench-server.json", JSON.stringify({ devices: DEVICES, uploads: UPLOADS, cpus: os.cpus().length, loadavg: os.loadavg(), node: process.version, rows }, null, 2) + "\n");
