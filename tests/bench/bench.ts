// `make bench`: payload bytes, token decode cost, request encoding cost and sizes,
// all measured in this run. Prints one table, writes build/bench.json (and, in the full run,
// docs/performance.md). Quick mode (the test-bench smoke suite) runs every piece with tiny
// repetition counts and skips nothing but the docs page.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { MetricsEncoder, buildAnswer, canonicalRequest, parseLossless, Float } from "../../bindings/metrics.js";
import type { JsonValue, MetricRow, AuthMethod } from "../../bindings/metrics.js";
import { generateToken } from "../../bindings/token.js";
import { WasmInstance, f64Bits } from "../../bindings/wasm.js";

type Obj = { [k: string]: JsonValue };
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const at = (p: string) => path.join(ROOT, p);
const DRIVER = at("build/bench/bench-driver");
const TOKEN_DRIVER = at("build/bench/bench-driver-token");
// The same driver over wasm3 (x86-64, gcc -O2; make wasm3-x86): the interpreter's instructions.
const WASM3_DRIVER = { token: at("build/wasm3-x86/bench-driver-token"), device: at("build/wasm3-x86/bench-driver-device") };
const AUTH_CODES: Record<AuthMethod, number> = { sa: 1, ta: 2, ca: 3, da: 4, ra: 5 };

// Goals (SPEC-NOTES §4 and issue #6).
export const GOALS = {
  refCInstructionsPerStep: 209,
  refCInvalidAt1000: 222700,
  wasm3VsNativeMax: 10,
  seedExchangeMaxBytes: 700,
  wasm3InstructionsPerStep: 1850,
};
// The HTTP exchange: what a device must send and what a minimal server answers.
const HTTP_HOST = "api.example.com";
const HTTP_PATH = "/dd";

export interface BenchOptions { quick?: boolean; log?: (s: string) => void }

const num = (v: JsonValue | undefined) => (v instanceof Float ? v.value : (v as number | bigint));
const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function run(cmd: string, args: string[], input?: string): string {
  const r = spawnSync(cmd, args, { input, encoding: "utf8", maxBuffer: 64 << 20, cwd: ROOT });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

// ---- payload bytes ------------------------------------------------------------------------

interface Case extends Obj {}

function encoder(c: Case, module: "device" | "full", authMethod?: AuthMethod): MetricsEncoder {
  const e = new MetricsEncoder({ serialNumber: c.serial_number as string, key: c.key as string,
    authMethod: (authMethod ?? c.auth_method) as AuthMethod, dataFormat: c.data_format as any, module });
  if (c.timestamp != null) e.setTimestamp(num(c.timestamp));
  if (c.request_count != null) e.setRequestCount(num(c.request_count));
  e.setData(c.data as MetricRow);
  for (const r of c.historical_data as MetricRow[]) e.addHistoricalRow(r);
  return e;
}

function httpExchange(body: Uint8Array, cbor: boolean, answer: string) {
  const req = `POST ${HTTP_PATH} HTTP/1.1\r\nHost: ${HTTP_HOST}\r\nContent-Type: application/${cbor ? "cbor" : "json"}\r\n` +
    `Content-Length: ${body.length}\r\n\r\n`;
  const res = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${answer.length}\r\n\r\n`;
  return { requestHead: req, responseHead: res, requestHeaders: req.length, request: req.length + body.length, responseHeaders: res.length,
    response: res.length + answer.length, total: req.length + body.length + res.length + answer.length };
}

function payloads(cases: Case[], mismatches: string[]) {
  return cases.map((c) => {
    const ref = c.ref as Obj;
    const name = `${c.name}/${c.numbers}`;
    const condensed = encoder(c, "full").condensed();
    const simple = encoder(c, "full").simple();
    const cbor = encoder(c, "full").cbor();
    // the device module (1 KiB output buffer) must give the same condensed bytes when they fit
    if (condensed.length <= 1024 && encoder(c, "device").condensed() !== condensed) mismatches.push(`${name}: device module condensed differs`);
    if (canonicalRequest({ body: cbor, cbor: true }) !== condensed) mismatches.push(`${name}: CBOR does not decode to the condensed JSON`);
    const tokens = (c.tokens as string[]) ?? [];
    const answer = buildAnswer({ body: condensed, key: c.key as string, answer: { token_list: tokens } });
    const answerFromCbor = buildAnswer({ body: cbor, cbor: true, key: c.key as string, answer: { token_list: tokens } });
    for (const [what, ours, theirs] of [["condensed", condensed, ref.condensed], ["simple", simple, ref.simple],
      ["answer", answer, ref.answer], ["answer (CBOR request)", answerFromCbor, ref.answer]] as const) {
      if (ours !== theirs) mismatches.push(`${name}: ${what} differs from openpaygo (ours ${ours.length} B, reference ${(theirs as string).length} B)`);
    }
    return {
      case: c.name as string, numbers: c.numbers as string, auth: c.auth_method as string,
      bytes: { simple: simple.length, condensed: condensed.length, cbor: cbor.length, answer: answer.length },
      reference: { simple: (ref.simple as string).length, condensed: (ref.condensed as string).length, cbor: null, answer: (ref.answer as string).length },
      identical: condensed === ref.condensed && simple === ref.simple && answer === ref.answer,
      http: { json: httpExchange(Buffer.from(condensed, "latin1"), false, answer), cbor: httpExchange(cbor, true, answer) },
    };
  });
}

// ---- op scripts shared by the C driver and wasm3 ------------------------------------------

function script(c: Case, auth: AuthMethod, cbor: boolean): string {
  const lines: string[] = [];
  const L = (...f: (string | number | bigint)[]) => lines.push(f.join("\t"));
  L("key", c.key as string);
  // a fresh ring each time (every run sends the same 30 rows), cleared before init: init refuses
  // while the ring holds rows (they name variables by index in the format init resets)
  L("clear");
  L("init", c.serial_number as string, AUTH_CODES[auth]);
  const f = c.data_format as Obj;
  L("fmtid", num(f.id) as number, f.historical_data_interval ? 1 : 0);
  for (const n of (f.data_order as string[]) ?? []) L("name", 0, n);
  for (const n of (f.historical_data_order as string[]) ?? []) L("name", 1, n);
  // ca needs a request count, which the seed has not: 1 for ca only (other methods send the seed as is)
  if (c.timestamp != null) L("ts", num(c.timestamp) as number);
  if (c.request_count != null || auth === "ca") L("rc", c.request_count != null ? (num(c.request_count) as number) : 1);
  const row = (which: number, r: MetricRow) => {
    L("begin", which);
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === "boolean") L("bool", k, v ? 1 : 0);
      else if (v === null) L("null", k);
      else if (typeof v === "string") L("str", k, v);
      else if (v instanceof Float) L("float", k, v.value.toPrecision(17));
      else if (typeof v === "number" && Number.isInteger(v)) L("int", k, v);
      else if (typeof v === "number") L("float", k, v.toPrecision(17));
      else if (typeof v === "bigint") L("int", k, v);
      else throw new Error(`bench script: unsupported value for ${k}`);
    }
    L("end");
  };
  row(1, c.data as MetricRow);
  for (const r of c.historical_data as MetricRow[]) row(2, r);
  L("encode", 0, cbor ? 1 : 0);
  return lines.join("\n") + "\n";
}

// Node: the same operations on one device-module instance (what the C driver and wasm3 run).
function nodeOps(w: WasmInstance<"device">, text: string): () => number {
  const x = w.exports;
  const mem = () => w.bytes();
  const io = x.metrics_io_buffer();
  const put = (a: Uint8Array, b?: Uint8Array) => { mem().set(a, io); if (b) mem().set(b, io + a.length); return a.length; };
  const enc = (s: string) => Buffer.from(s, "utf8");
  const ops: (() => number)[] = text.trim().split("\n").map((line) => {
    const f = line.split("\t");
    switch (f[0]) {
      case "key": return () => { w.setKey(f[1]); return 0; };
      case "init": { const a = enc(f[1]); const v = +f[2]; return () => x.metrics_init(put(a), v); }
      case "fmtid": { const a = BigInt(f[1]); const b = +f[2] !== 0; return () => x.metrics_format_id(a, b); }
      case "name": { const l = +f[1]; const a = enc(f[2]); return () => x.metrics_format_name(l, put(a)); }
      case "ts": { const v = BigInt(f[1]); return () => (x.metrics_timestamp(v), 0); }
      case "rc": { const v = BigInt(f[1]); return () => (x.metrics_request_count(v), 0); }
      case "begin": { const v = +f[1]; return () => x.metrics_row_begin(v); }
      case "int": { const a = enc(f[1]); const v = BigInt(f[2]); return () => x.metrics_put_int(put(a), v); }
      case "float": { const a = enc(f[1]); const v = f64Bits(parseFloat(f[2])); return () => x.metrics_put_float(put(a), v); }
      case "bool": { const a = enc(f[1]); const v = +f[2] !== 0; return () => x.metrics_put_bool(put(a), v); }
      case "null": { const a = enc(f[1]); return () => x.metrics_put_null(put(a)); }
      case "str": { const a = enc(f[1]); const s = enc(f[2] ?? ""); return () => x.metrics_put_string(put(a, s), s.length); }
      case "end": return () => x.metrics_row_end();
      case "clear": return () => (x.metrics_ring_clear(), 0);
      case "encode": { const a = +f[1]; const b = +f[2] !== 0; return () => x.metrics_encode(a, b); }
      default: throw new Error(`bad script line ${line}`);
    }
  });
  return () => {
    let r = 0;
    for (const op of ops) { r = op(); if (r < 0) throw new Error(`node encode op failed: ${r}`); }
    return r;
  };
}

function timeNode(fn: () => unknown, n: number, repeat: number): number {
  fn();
  const t: number[] = [];
  for (let k = 0; k < repeat; k++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    t.push(Number(process.hrtime.bigint() - t0) / n);
  }
  return median(t) / 1e9;
}

// ---- native C: build, callgrind, clock ---------------------------------------------------

// The driver over the device library, and TOKEN_DRIVER over the token library (decode only).
function buildDriver(driver: string, lib: string, defs: string[]): void {
  fs.mkdirSync(path.dirname(driver), { recursive: true });
  const src = at("tests/bench/bench_driver.c");
  if (fs.existsSync(driver) && fs.statSync(driver).mtimeMs > Math.max(fs.statSync(src).mtimeMs, fs.statSync(at(lib)).mtimeMs)) return;
  run("gcc", ["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Werror", "-DWASM_RT_MEMCHECK_SIGNAL_HANDLER=0",
    "-DWASM_RT_USE_STACK_DEPTH_COUNT=0", "-DNDEBUG", ...defs, "-Ibindings/c", "-Ibuild/c", src, at(lib), "-o", driver]);
}

function callgrind(args: string[], driver = DRIVER): number {
  const out = at(`build/bench/callgrind.out.${process.pid}`);
  const r = spawnSync("valgrind", ["--tool=callgrind", `--callgrind-out-file=${out}`, driver, ...args], { encoding: "utf8", cwd: ROOT });
  fs.rmSync(out, { force: true });
  const m = /Collected\s*:\s*(\d+)/.exec(r.stderr) ?? /refs:\s*([\d,]+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`callgrind ${args.join(" ")} failed: ${r.stderr.slice(-400)}`);
  return Number(m[1].replace(/,/g, ""));
}

// instructions per operation: run N and 2N, the difference over N
function instructions(args: (n: number) => string[], n: number, driver = DRIVER): number {
  return (callgrind(args(2 * n), driver) - callgrind(args(n), driver)) / n;
}

function driverLines(out: string): Record<string, string> {
  return Object.fromEntries(out.trim().split("\n").map((l) => { const i = l.indexOf(" "); return [l.slice(0, i), l.slice(i + 1)]; }));
}

// ---- the run -----------------------------------------------------------------------------

export async function runBench(o: BenchOptions = {}): Promise<Obj> {
  const quick = !!o.quick;
  const log = o.log ?? ((s: string) => process.stderr.write(s + "\n"));
  const started = Date.now();
  fs.mkdirSync(at("build/bench"), { recursive: true });
  const mismatches: string[] = [];

  // 1. payload bytes, ours and the reference's
  log("bench: payload bytes (ours and openpaygo)...");
  // parseLossless keeps Python's 0.0 a float (a Float), as the reference sends it
  const refOut = parseLossless(run("python3", [at("tests/bench/ref_bench.py"), "metrics"])) as Obj;
  const lossless = (refOut.cases as JsonValue[]) as Case[];
  const payload = payloads(lossless, mismatches);

  // 2. token decode: valid and invalid tokens at last counts 1, 100, 1000, 10000
  const seed = lossless.find((c) => c.name === "seed")!;
  const key = seed.key as string;
  const counts = [1, 100, 1000, 10000];
  const INVALID = "123456789";
  const decodeCases = counts.flatMap((count) => [
    { count, kind: "valid", token: generateToken({ key, count, type: "ADD_TIME", value: 7 }).token, expect: 1 },
    { count, kind: "invalid", token: INVALID, expect: 10 },
  ]);
  const repeat = quick ? 3 : 7;
  const nFor = (count: number, base: number) => Math.max(1, Math.round(base / (count + 65)));

  log("bench: native C driver (gcc -O2) and callgrind...");
  buildDriver(DRIVER, "build/c/libopaygo-device.a", []);
  buildDriver(TOKEN_DRIVER, "build/c/libopaygo-token.a", ["-DOPAYGO_TOKEN_ONLY=1"]);
  const decode = decodeCases.map((d) => {
    const args = (n: number) => ["decode", key, "0", String(d.count), d.token, String(n)];
    const cN = quick ? 1 : Math.max(2, nFor(d.count, 40000));
    const instr = instructions(args, cN);
    const t = driverLines(run(DRIVER, [...args(nFor(d.count, quick ? 20000 : 400000)), "time"]));
    if (+t.result !== d.expect) mismatches.push(`decode ${d.kind}@${d.count}: C gives ${t.result}, expected ${d.expect}`);
    return { count: d.count, kind: d.kind, token: d.token, c: { instructions: Math.round(instr), seconds: +t.ns_per_op / 1e9 } as Obj };
  });

  log("bench: Node (V8)...");
  const w = new WasmInstance("device");
  w.setKey(key);
  const sc = w.exports.token_starting_code() >>> 0;
  for (const d of decode) {
    const len = w.setText(d.token);
    const fn = () => w.exports.token_decode(sc, d.count, 0, len, false);
    const r = fn();
    const exp = d.kind === "valid" ? 1 : 10;
    if (r !== exp) mismatches.push(`decode ${d.kind}@${d.count}: Node gives ${r}`);
    (d as any).node = { seconds: timeNode(fn, nFor(d.count, quick ? 20000 : 300000), repeat) };
  }

  // 3. request encoding, seed scenario, each auth method (condensed JSON; CBOR for ra too)
  // (CBOR of float readings is larger than 1 KiB, the device's output buffer: CBOR runs on ×100 ints)
  const seedInts = lossless.find((c) => c.name === "seed" && c.numbers === "int_x100")!;
  const encCases = (["sa", "ta", "ca", "da", "ra"] as AuthMethod[]).map((a) => ({ name: `${a}, condensed JSON, floats`, auth: a, cbor: false, c: seed }))
    .concat([{ name: "ra, CBOR, ×100 ints", auth: "ra", cbor: true, c: seedInts }]);
  const encode = encCases.map((e) => {
    const file = at(`build/bench/encode-${e.auth}-${e.cbor ? "cbor" : "json"}.txt`);
    fs.writeFileSync(file, script(e.c, e.auth, e.cbor));
    const args = (n: number) => ["encode", file, String(n)];
    const instr = instructions(args, quick ? 1 : 4);
    const t = driverLines(run(DRIVER, [...args(quick ? 10 : 100), "time"]));
    const ours = encoder(e.c, "device", e.auth);
    if (e.auth === "ca") ours.setRequestCount(1);
    const expected = Buffer.from(ours.encode("condensed", e.cbor ? "cbor" : "json")).toString("hex");
    if (t.hex !== expected) mismatches.push(`encode ${e.name}: C driver output differs from the Node bindings`);
    const ops = nodeOps(w, fs.readFileSync(file, "utf8"));
    const nBytes = ops();
    if (Buffer.from(w.read(w.exports.metrics_out_buffer(), nBytes)).toString("hex") !== expected) mismatches.push(`encode ${e.name}: Node op runner differs`);
    return { name: e.name, auth: e.auth, cbor: e.cbor, numbers: e.c.numbers, script: file, bytes: +t.bytes, expectedHex: expected,
      c: { instructions: Math.round(instr), seconds: +t.ns_per_op / 1e9 } as Obj,
      node: { seconds: timeNode(ops, quick ? 5 : 200, repeat) } as Obj } as any;
  });

  log("bench: wasm3 (pywasm3)...");
  const w3 = JSON.parse(run("python3", [at("tests/bench/wasm3_bench.py")], JSON.stringify({
    wasm: at("build/opaygo-device.wasm"), repeat, key,
    decode: decode.map((d) => ({ count: d.count, token: d.token, n: nFor(d.count, quick ? 500 : 20000) })),
    encode: encode.map((e: any) => ({ name: e.name, script: e.script, n: quick ? 2 : 20 })),
  })));
  decode.forEach((d, i) => {
    const r = w3.decode[i];
    if (r.result !== (d.kind === "valid" ? 1 : 10)) mismatches.push(`decode ${d.kind}@${d.count}: wasm3 gives ${r.result}`);
    (d as any).wasm3 = { seconds: r.seconds };
  });
  encode.forEach((e: any, i: number) => {
    const r = w3.encode[i];
    if (r.hex !== e.expectedHex) mismatches.push(`encode ${e.name}: wasm3 output differs`);
    e.wasm3 = { seconds: r.seconds, pywasm3_calls: r.calls };
    delete e.expectedHex;
    delete e.script;
  });

  log("bench: reference Python decoder (openpaygo)...");
  const ref = JSON.parse(run("python3", [at("tests/bench/ref_bench.py"), "decode"], JSON.stringify({
    key, starting_code: null, repeat: quick ? 1 : 5, cases: decode.map((d) => ({ count: d.count, token: d.token })) })));
  decode.forEach((d, i) => {
    const r = ref.decode[i];
    const want = d.kind === "valid" ? 1 : 10; // openpaygo's TokenType: 1 ADD_TIME, 10 INVALID
    if (r.type !== want) mismatches.push(`decode ${d.kind}@${d.count}: openpaygo gives ${r.type}`);
    (d as any).reference_python = { seconds: r.seconds };
  });

  // chain step: the slope between invalid tokens at 1000 and 10000 (each tries count + 65 counts)
  const inv = (c: number) => decode.find((d) => d.kind === "invalid" && d.count === c)!;
  const perStep = ((inv(10000).c.instructions as number) - (inv(1000).c.instructions as number)) / 9000;
  // The token library (built for size: one hash loop for everything) on the same two tokens.
  const tokenInstr = (c: number) => instructions((n) => ["decode", key, "0", String(c), INVALID, String(n)], quick ? 1 : 2, TOKEN_DRIVER);
  const tokenPerStep = (tokenInstr(10000) - tokenInstr(1000)) / 9000;
  const inv1000 = inv(1000).c.instructions as number;
  log("bench: wasm3 on x86-64 (callgrind)...");
  const wasm3PerStep = Object.fromEntries((["token", "device"] as const).map((m) => {
    const atCount = (c: number) => instructions((n) => ["decode", key, "0", String(c), INVALID, String(n)], quick ? 1 : 2, WASM3_DRIVER[m]);
    return [m, Math.round((atCount(10000) - atCount(1000)) / 9000 * 10) / 10];
  }));
  const w3ratios = decode.map((d) => (d as any).wasm3.seconds / (d.c.seconds as number));
  const w3ratioInvalid10000 = (inv(10000) as any).wasm3.seconds / (inv(10000).c.seconds as number);

  // 4. sizes
  let size: JsonValue = null;
  const sizePath = at("build/size.json");
  if (fs.existsSync(sizePath)) size = parseLossless(fs.readFileSync(sizePath, "utf8"));

  const seedCbor = payload.find((p) => p.case === "seed" && p.numbers === "int_x100")!;
  const exchange = seedCbor.http.cbor.total;
  const cpu = (fs.readFileSync("/proc/cpuinfo", "utf8").match(/model name\s*:\s*(.*)/) ?? [])[1] ?? os.cpus()[0]?.model ?? "unknown";
  const result = {
    date: new Date().toISOString(), quick,
    machine: { nproc: os.availableParallelism?.() ?? os.cpus().length, cpu, node: process.version,
      gcc: run("gcc", ["-dumpfullversion"]).trim(), valgrind: run("valgrind", ["--version"]).trim(), openpaygo: refOut.openpaygo },
    http: { host: HTTP_HOST, path: HTTP_PATH },
    wasm3_call_overhead: w3.call_overhead_seconds,
    payload, decode, encode, size,
    summary: {
      c_instructions_per_chain_step: Math.round(perStep * 10) / 10,
      c_instructions_per_chain_step_token_library: Math.round(tokenPerStep * 10) / 10,
      c_instructions_invalid_at_1000: inv1000,
      wasm3_x86_instructions_per_chain_step: wasm3PerStep,
      ratio_to_reference_c_per_step: perStep / GOALS.refCInstructionsPerStep,
      ratio_to_reference_c_invalid_at_1000: inv1000 / GOALS.refCInvalidAt1000,
      wasm3_over_native_c_max: Math.max(...w3ratios),
      wasm3_over_native_c_invalid_10000: w3ratioInvalid10000,
      seed_exchange_cbor_int_ra_bytes: exchange,
      goals: {
        native_c_le_reference: { goal: "≤ 1.0× reference C instructions", met: perStep <= GOALS.refCInstructionsPerStep && inv1000 <= GOALS.refCInvalidAt1000 },
        wasm3_within_10x: { goal: "wasm3 ≤ 10× native C time", met: Math.max(...w3ratios) <= GOALS.wasm3VsNativeMax },
        seed_exchange_le_700: { goal: "seed HTTP exchange (CBOR, ×100 ints, ra, one token) ≤ 700 B", met: exchange <= GOALS.seedExchangeMaxBytes },
      },
      reference_identical: payload.every((p) => p.identical),
      mismatches,
    },
    seconds: (Date.now() - started) / 1000,
  };
  // the quick run (test-bench) never overwrites the measured build/bench.json
  fs.writeFileSync(at(quick ? "build/bench/bench-quick.json" : "build/bench.json"), JSON.stringify(result, null, 1) + "\n");
  return result as unknown as Obj;
}

// ---- the table ---------------------------------------------------------------------------

const fmtInt = (n: number) => Math.round(n).toLocaleString("en-US");
function fmtTime(s: number): string {
  if (s < 1e-6) return `${(s * 1e9).toFixed(0)} ns`;
  if (s < 1e-3) return `${(s * 1e6).toFixed(1)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(2)} ms`;
  return `${s.toFixed(2)} s`;
}

export function table(r: any): string {
  const rows: string[][] = [];
  const add = (...c: string[]) => rows.push(c);
  for (const p of r.payload) {
    const what = `${p.case}, ${p.numbers === "float" ? "floats" : "×100 ints"}, ${p.auth}`;
    add("bytes", `${what}: simple / condensed / CBOR`, `${p.bytes.simple} / ${p.bytes.condensed} / ${p.bytes.cbor}`,
      `openpaygo ${p.reference.simple} / ${p.reference.condensed} / —`, p.identical ? "JSON identical" : "**MISMATCH**");
    add("bytes", `${what}: HTTP/1.1 exchange, JSON / CBOR body`, `${p.http.json.total} / ${p.http.cbor.total}`,
      p.case === "seed" && p.numbers === "int_x100" ? `goal (CBOR) ≤ ${GOALS.seedExchangeMaxBytes}` : "",
      `req hdr ${p.http.cbor.requestHeaders}, resp hdr ${p.http.cbor.responseHeaders}, answer ${p.bytes.answer}`);
  }
  for (const d of r.decode) {
    add("decode", `${d.kind} token, last count ${d.count}`, `${fmtInt(d.c.instructions)} instr; C ${fmtTime(d.c.seconds)}, Node ${fmtTime(d.node.seconds)}, wasm3 ${fmtTime(d.wasm3.seconds)}`,
      `openpaygo (Python) ${fmtTime(d.reference_python.seconds)}`, `${(d.reference_python.seconds / d.c.seconds).toFixed(0)}× faster (C), ${(d.reference_python.seconds / d.node.seconds).toFixed(0)}× (Node); wasm3/C ${(d.wasm3.seconds / d.c.seconds).toFixed(1)}×`);
  }
  const s = r.summary;
  add("decode", "instructions per chain step (C, slope 1000→10000)", s.c_instructions_per_chain_step.toFixed(1),
    `reference C ≈ ${GOALS.refCInstructionsPerStep}`, `${s.ratio_to_reference_c_per_step.toFixed(2)}× — goal ≤ 1.0×: ${s.goals.native_c_le_reference.met ? "met" : "MISSED"}`);
  add("decode", "instructions per chain step, token library (C, built for size)", s.c_instructions_per_chain_step_token_library.toFixed(1),
    `reference C ≈ ${GOALS.refCInstructionsPerStep}`, `${(s.c_instructions_per_chain_step_token_library / GOALS.refCInstructionsPerStep).toFixed(2)}×; the device library above is the one built for speed`);
  for (const [m, n] of Object.entries<number>(s.wasm3_x86_instructions_per_chain_step)) {
    add("decode", `instructions per chain step, ${m} module on wasm3 (x86-64)`, n.toFixed(1), `goal ≤ ${fmtInt(GOALS.wasm3InstructionsPerStep)}`,
      `${(n / s.c_instructions_per_chain_step).toFixed(1)}× native C; ${n <= GOALS.wasm3InstructionsPerStep ? "met" : "MISSED"}`);
  }
  add("decode", "invalid token at 1000 (C instructions)", fmtInt(s.c_instructions_invalid_at_1000),
    `reference C ≈ ${fmtInt(GOALS.refCInvalidAt1000)}`, `${s.ratio_to_reference_c_invalid_at_1000.toFixed(2)}×`);
  add("decode", "wasm3 / native C time (worst case)", `${s.wasm3_over_native_c_max.toFixed(1)}×`, `goal ≤ ${GOALS.wasm3VsNativeMax}×`,
    s.goals.wasm3_within_10x.met ? "met" : "MISSED");
  for (const e of r.encode) {
    add("encode", `seed request, ${e.name} (${e.bytes} B)`, `${fmtInt(e.c.instructions)} instr; C ${fmtTime(e.c.seconds)}, Node ${fmtTime(e.node.seconds)}, wasm3 ${fmtTime(e.wasm3.seconds)}`,
      "", `wasm3 time includes ${e.wasm3.pywasm3_calls} pywasm3 calls`);
  }
  const size = r.size as any;
  if (size) {
    const leaves = (v: any, pre = ""): string[] => (v !== null && typeof v === "object"
      ? Object.entries(v).flatMap(([k, x]) => leaves(x, pre ? `${pre}.${k}` : k)) : [`${pre} ${typeof v === "number" ? fmtInt(v) : v}`]);
    for (const [k, v] of Object.entries(size)) {
      if (k !== "goals") add("size", k, leaves(v).join("; "), "", "bytes, from `make size` (build/size.json)");
    }
    for (const [label, g] of Object.entries(size.goals ?? {}) as [string, any][]) {
      add("size", label, fmtInt(g.measured), `goal ≤ ${fmtInt(g.limit)}`, g.met ? "met" : `MISSED by ${fmtInt(g.measured - g.limit)} B`);
    }
  } else add("size", "build/size.json", "missing (run make size)", "", "");
  add("bytes", "seed exchange CBOR, ×100 ints, ra, one token", String(s.seed_exchange_cbor_int_ra_bytes), `goal ≤ ${GOALS.seedExchangeMaxBytes}`,
    s.goals.seed_exchange_le_700.met ? "met" : `MISSED by ${s.seed_exchange_cbor_int_ra_bytes - GOALS.seedExchangeMaxBytes} B`);
  const head = ["area", "what", "ours", "reference / goal", "note"];
  const lines = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((c) => `| ${c.join(" | ")} |`)];
  return lines.join("\n");
}

export function performancePage(r: any): string {
  const s = r.summary;
  return `# Performance (measured ${r.date.slice(0, 10)})

Machine: ${r.machine.cpu}, ${r.machine.nproc} cores; Node ${r.machine.node}, gcc ${r.machine.gcc}, ${r.machine.valgrind},
openpaygo ${r.machine.openpaygo} (PyPI). Reproduce with \`make bench\`: one table, \`build/bench.json\`.

${table(r)}

How it was measured:
- Bytes: our encoders (\`MetricsEncoder\`, \`buildAnswer\`) and the reference library \`openpaygo\` on the same inputs
  (\`tests/bench/ref_bench.py\`); the bench fails loudly if any JSON differs. "×100 ints" are the float readings
  multiplied by 100 and rounded (a scale factor of 0.01 the server applies). The HTTP/1.1 exchange is
  \`POST ${r.http.path}\` with Host (\`${r.http.host}\`), Content-Type and Content-Length only, the body, then
  \`HTTP/1.1 200 OK\` with Content-Type and Content-Length and the signed answer carrying one token.
- Instructions: \`valgrind --tool=callgrind\` on a C driver (\`tests/bench/bench_driver.c\`, gcc -O2) over
  \`libopaygo-device.a\` (wasm2c); each figure is (run with 2N − run with N) / N, which removes start-up and
  instantiation. Token decodes go through \`opaygo_token_decode\`; request encoding calls the wasm2c exports
  directly (init, data format, data row, 30 historical rows, encode: the whole request, each time).
- wasm3: the same driver over wasm3 0.5.0 (its MCU settings, \`mk/mcu-wasm.mk\`) built for x86-64 with gcc -O2
  (\`make wasm3-x86\`), under callgrind the same way: instructions the interpreter runs per chain step.
- Times: medians of repeated batches: C with \`clock_gettime\`, Node (V8) with \`process.hrtime\` on the
  device module's exports, wasm3 through pywasm3 (\`time.perf_counter\`; one Python→wasm3 call costs
  ${fmtTime(r.wasm3_call_overhead ?? 0)}), the reference Python decoder on the same tokens.
- Chain step: the slope between invalid tokens at last counts 1000 and 10000 (each tries last + 65 counts).
  Goals: native C ≤ 1.0× the reference C decoder's instructions (${s.goals.native_c_le_reference.met ? "met" : "missed"}),
  wasm3 within 10× native C (${s.goals.wasm3_within_10x.met ? "met" : "missed"}), seed exchange ≤ 700 B (${s.goals.seed_exchange_le_700.met ? "met" : "missed"}).
`;
}

export async function main(argv: string[]): Promise<number> {
  const quick = argv.includes("--quick");
  const r: any = await runBench({ quick });
  const out = table(r);
  console.log(out);
  const s = r.summary;
  if (s.mismatches.length) {
    console.log("\n!!! MISMATCH !!!");
    for (const m of s.mismatches) console.log(`!!! ${m}`);
  }
  console.log(`\n${quick ? "build/bench/bench-quick.json" : "build/bench.json"} written (${r.seconds.toFixed(0)} s)`);
  if (!quick) {
    fs.writeFileSync(at("docs/performance.md"), performancePage(r));
    console.log("docs/performance.md written");
  }
  return s.mismatches.length ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
