// `make bench-codec`: the server codec's CPU per upload, what host-sim/server.ts asks of
// host-sim/codec.ts for one seed-sized upload (30 rows x 5 variables, `ra`,
// tests/vectors/seed_scenario.json): readRequest (one load), verifyAuth, expandRequest,
// encodeAnswer; where the time goes (the module's calls apart from the host's JS); the same upload
// through the one-call functions (a load each, as the host did before the loaded request); and a
// 1 MiB and a 4 MiB signed backlog: time and the module's memory. Process CPU time (user +
// system), not wall time: the machine may be shared; and instruction counts, which do not depend
// on it (valgrind --tool=callgrind, the difference of two runs over the difference of their
// uploads): the whole upload in Node, and the module's calls alone in C (tests/bench/
// server_driver.c over build/c/libopaygo.a, and over BASELINE's when given: an older checkout,
// built with make build/c/libopaygo.a). Writes build/bench-codec.json and, with --write-docs, the
// table in docs/codec.md. Not a test: nothing is compared with a threshold.
//   node build/js/tests/bench/codec-bench.js [--quick] [--write-docs] [--baseline DIR]
// With --count N it only runs N uploads (what callgrind measures).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { encodeAnswer, expandRequest, readRequest, verifyAuth, type DataFormat } from "../../host-sim/codec.js";
import { LoadedRequest, buildAnswer, canonicalRequest, expandRequest as expandOnce, serverMemoryBytes, verifyRequest } from "../../bindings/server.js";
import { parseLossless, stringifyLossless } from "../../bindings/metrics-json.js";
import { recursiveAuth } from "../siphash.js";
import { writeDocBlock } from "./doc-block.js";

const seed = JSON.parse(fs.readFileSync(new URL("../../../../tests/vectors/seed_scenario.json", import.meta.url), "utf8"));
const argText = (name: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const arg = (name: string) => (argText(name) === undefined ? undefined : Number(argText(name)));
const QUICK = process.argv.includes("--quick");
const body = Buffer.from(seed.condensed as string, "latin1");
const format = seed.data_format as DataFormat;
const formatText = JSON.stringify(format);
const KEY = seed.key as string;
const ANSWER = { tokens: ["703181784"], settings: null, activeUntil: null };

function upload(): void {
  const r = readRequest(body, "json");
  if (!verifyAuth(r, KEY, null, null).ok) throw new Error("the seed upload does not verify");
  if (expandRequest(r, format, 1_700_000_000).rows.length !== 30) throw new Error("the seed upload does not expand to 30 rows");
  encodeAnswer(KEY, r, ANSWER);
}

const count = arg("--count");
if (count !== undefined) {
  for (let i = 0; i < count; i++) upload();
  process.exit(0);
}

const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }; // ms
// CPU microseconds per call of f, after a warm-up (the JIT's tiers).
function perCall(f: () => void, n: number): number {
  for (let i = 0; i < Math.min(n, 500); i++) f();
  const t = cpu();
  for (let i = 0; i < n; i++) f();
  return ((cpu() - t) * 1000) / n;
}

const N = arg("--uploads") ?? (QUICK ? 300 : 5000);
const loaded = LoadedRequest.load({ body });
const inc = readRequest(body, "json");
const round1 = (x: number) => Math.round(x * 10) / 10;
const parts = {
  upload: perCall(upload, N),
  load: perCall(() => LoadedRequest.load({ body }), N),
  verify: perCall(() => loaded.verify({ key: KEY }), N),
  expand_module: perCall(() => loaded.expand({ dataFormat: formatText, receivedAt: 1_700_000_000 }), N),
  expand_host: perCall(() => expandRequest(inc, format, 1_700_000_000), N),
  answer_module: perCall(() => loaded.answer({ key: KEY, answer: { tkl: ANSWER.tokens } }), N),
  read_host: perCall(() => readRequest(body, "json"), N),
  // the same upload as the host made it before the loaded request: a load for each call, and the
  // whole expansion parsed and every row printed again
  four_loads: perCall(() => {
    canonicalRequest({ body });
    verifyRequest({ body, key: KEY });
    const e = parseLossless(expandOnce({ body, dataFormat: formatText, receivedAt: 1_700_000_000 })) as { historical_data: object[] };
    for (const row of e.historical_data) stringifyLossless(row as never);
    buildAnswer({ body, key: KEY, answer: { tkl: ANSWER.tokens } });
  }, N),
};

// Backlogs: signed `ra` requests of list rows (5 readings), loaded, verified and expanded through
// the host's codec.
const NAMES = ["battery_voltage", "battery_current", "panel_voltage", "output_1_current", "output_2_current"];
function backlog(bytes: number): Buffer {
  const texts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const t = "[" + NAMES.map((_, j) => ((i * 7919 + j * 104729) % 4000 - (j === 1 ? 2000 : 0)) / 100).join(",") + "]";
    texts.push(t);
    size += t.length + 1;
  }
  const ts = 1_700_000_000, dtc = ts - (texts.length - 1) * 120;
  const a = recursiveAuth(KEY, "BIG-1", ts, null, "[]", texts);
  return Buffer.from(`{"sn":"BIG-1","df":12,"ts":${ts},"dtc":${dtc},"hd":[${texts.join(",")}],"a":"${a}"}`);
}
const backlogs = (QUICK ? [1 << 20] : [1 << 20, 4 << 20]).map((bytes) => {
  const b = backlog(bytes);
  const rssBefore = process.memoryUsage().rss;
  const t = cpu();
  const r = readRequest(b, "json");
  if (!verifyAuth(r, KEY, null, null).ok) throw new Error("the backlog does not verify");
  const rows = expandRequest(r, { ...format, id: 12 }, 1_700_000_000).rows.length;
  encodeAnswer(KEY, r, ANSWER);
  const ms = cpu() - t;
  return { body_bytes: b.length, rows, cpu_ms: Math.round(ms), module_memory_bytes: serverMemoryBytes(),
    rss_growth_bytes: process.memoryUsage().rss - rssBefore };
});

// ---- instructions -------------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../..");
const at = (p: string) => path.join(ROOT, p);
const hasValgrind = spawnSync("valgrind", ["--version"]).status === 0;

function callgrind(cmd: string[]): number {
  const r = spawnSync("valgrind", ["--tool=callgrind", "--callgrind-out-file=/dev/null", ...cmd], { encoding: "utf8", cwd: ROOT, maxBuffer: 1 << 26 });
  const m = /refs:\s*([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`callgrind ${cmd.join(" ")} failed: ${r.stderr.slice(-400)}`);
  return Number(m[1].replace(/,/g, ""));
}
const perRun = (cmd: (n: number) => string[], n: number) => Math.round((callgrind(cmd(2 * n)) - callgrind(cmd(n))) / n);

// The module's calls in C, over a library (this build's, or the baseline's).
const OPS = ["load", "verify", "expand", "answer"] as const;
function moduleInstructions(lib: string, name: string): Record<(typeof OPS)[number], number> {
  const dir = at("build/bench");
  fs.mkdirSync(dir, { recursive: true });
  const driver = path.join(dir, `server-driver-${name}`);
  const r = spawnSync("gcc", ["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-DOPAYGO_FULL=1", "-Ibindings/c", "-Ibuild/c",
    at("tests/bench/server_driver.c"), lib, "-o", driver], { encoding: "utf8", cwd: ROOT });
  if (r.status !== 0) throw new Error(`server driver: ${r.stderr}`);
  fs.writeFileSync(path.join(dir, "seed-body.json"), body);
  fs.writeFileSync(path.join(dir, "seed-format.json"), formatText);
  const cmd = (op: string) => (n: number) => [driver, path.join(dir, "seed-body.json"), path.join(dir, "seed-format.json"), KEY, op, String(n)];
  return Object.fromEntries(OPS.map((op) => [op, perRun(cmd(op), QUICK ? 2 : 20)])) as Record<(typeof OPS)[number], number>;
}

const baselineDir = argText("--baseline");
const instructions = hasValgrind && !QUICK ? {
  node_upload: perRun((n) => ["node", "--single-threaded", at("build/js/tests/bench/codec-bench.js"), "--count", String(n)], 300),
  module: moduleInstructions(at("build/c/libopaygo.a"), "this"),
  baseline: baselineDir ? moduleInstructions(path.resolve(baselineDir, "build/c/libopaygo.a"), "baseline") : null,
} : null;

const result = {
  date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? "?", loadavg: os.loadavg(),
  uploads: N, upload_body_bytes: body.length,
  cpu_us: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round1(v)])),
  instructions,
  backlogs,
};
fs.mkdirSync("build", { recursive: true });
fs.writeFileSync("build/bench-codec.json", JSON.stringify(result, null, 2) + "\n");
const p = result.cpu_us;
const fmt = (n: number) => n.toLocaleString("en-US");
const lines: string[] = [];
const out = (l: string) => lines.push(l);
out(`Server codec, one seed upload (${body.length} B condensed JSON, 30 rows x 5 variables, \`ra\`), \`make bench-codec\`; ` +
  `Node ${process.version}, ${os.cpus().length} CPUs (${result.cpu}), load average ${os.loadavg()[0].toFixed(1)}.`);
out("");
if (instructions) {
  const m = instructions.module, b = instructions.baseline;
  const sum = (x: typeof m) => x.load + x.verify + x.expand + x.answer;
  // the host before the loaded request: a load for readRequest, verifyAuth, expandRequest and encodeAnswer each
  const four = (x: typeof m) => 4 * x.load + x.verify + x.expand + x.answer;
  out(`| instructions (callgrind) | this build${b ? " | baseline" : ""} |`);
  out(`|---|---:|${b ? "---:|" : ""}`);
  out(`| upload through host-sim/codec.ts, Node (module and JS) | **${fmt(instructions.node_upload)}** |${b ? " |" : ""}`);
  out(`| the module's calls for one upload, C (wasm2c, gcc -O2): one load | **${fmt(sum(m))}** |${b ? ` ${fmt(sum(b))} |` : ""}`);
  out(`| the same with a load for each of the four calls | ${fmt(four(m))} |${b ? ` **${fmt(four(b))}** |` : ""}`);
  for (const op of OPS) out(`| &nbsp;&nbsp;${op} | ${fmt(m[op])} |${b ? ` ${fmt(b[op])} |` : ""}`);
  out("");
}
out("| CPU µs per upload, Node, process time | |");
out("|---|---:|");
out(`| upload through host-sim/codec.ts (one load) | **${p.upload}** |`);
out(`| &nbsp;&nbsp;readRequest (the load and the host's checks) | ${p.read_host} |`);
out(`| &nbsp;&nbsp;&nbsp;&nbsp;of which the load | ${p.load} |`);
out(`| &nbsp;&nbsp;verify | ${p.verify} |`);
out(`| &nbsp;&nbsp;expandRequest (the expansion and the rows cut from it) | ${p.expand_host} |`);
out(`| &nbsp;&nbsp;&nbsp;&nbsp;of which the expansion | ${p.expand_module} |`);
out(`| &nbsp;&nbsp;answer | ${p.answer_module} |`);
out(`| the same with a load per call, the expansion parsed and every row printed again (the host before) | ${p.four_loads} |`);
out("");
out("| backlog (signed `ra`, JSON) | rows | CPU ms (load, verify, expand, answer) | module memory | process RSS growth |");
out("|---:|---:|---:|---:|---:|");
for (const b of backlogs) {
  out(`| ${(b.body_bytes / 1048576).toFixed(2)} MiB | ${fmt(b.rows)} | ${b.cpu_ms} | ${(b.module_memory_bytes / 1048576).toFixed(0)} MiB | ${(b.rss_growth_bytes / 1048576).toFixed(0)} MiB |`);
}
console.log(lines.join("\n"));
if (process.argv.includes("--write-docs")) writeDocBlock("docs/codec.md", "bench-codec", lines);
