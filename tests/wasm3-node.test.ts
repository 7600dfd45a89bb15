// The three modules on wasm3 (built for WASI, run through node:wasi: make wasm3-wasi) beside Node's
// own engine, with no Python: every token vector, the device procedures with a state blob save and
// restore after each entry, bad input and corrupt blobs. Both engines must match the vectors and
// give the same trace of every observed value; the time each takes is reported, not asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { performance } from "node:perf_hooks";
import { Device, Engine, ModuleInstance, ModuleKind, OpaygoError, Wasm3Instance, WasmInstance, instantiate } from "../bindings/index.js";
import { Float, MetricsEncoder, parseLossless, stringifyLossless } from "../bindings/metrics.js";
import type { JsonValue, MetricRow } from "../bindings/metrics.js";
import { DEVICE_PROCEDURE_FILES, opaygo, jsonLines, vectorLines, vectorText } from "./helpers.js";

const TYPES: Record<string, number> = { ADD_TIME: 1, SET_TIME: 2, DISABLE_PAYG: 3, COUNTER_SYNC: 4 };
const SPECIAL_VALUE: Record<string, number> = { DISABLE_PAYG: 998, COUNTER_SYNC: 999 };
const TOKENS = ["tokens_reference.jsonl", "tokens_random.jsonl"].flatMap((f) => vectorLines(f).map((v, i) => ({ where: `${f}:${i + 1}`, v })));
const SCENARIOS = DEVICE_PROCEDURE_FILES.flatMap(vectorLines);
const KINDS: ModuleKind[] = ["token", "device", "full"];

interface Run {
  trace: string[];
  failures: string[];
  ms: number;
  /** the token vectors alone: calls on three instances, no instantiation in between */
  tokenMs: number;
}

const isFull = (m: ModuleInstance): m is ModuleInstance<"full"> => m.kind === "full";

// Token vectors on the raw exports, as a device or server would call them.
function tokenVectors(m: ModuleInstance, run: Run): void {
  const x = m.exports;
  for (const { where, v } of TOKENS) {
    if (isFull(m)) {
      const x = m.exports;
      m.setKey(v.key);
      const flags = (v.extended_token ? 1 : 0) | (v.restricted_digit_set ? 2 : 0);
      const n = x.token_generate(v.starting_code ?? 0, v.count, TYPES[v.token_type], v.value_raw ?? 0, flags);
      const got = n < 0 ? `error ${n}` : `${m.text(n)} ${x.token_generated_count() >>> 0}`;
      run.trace.push(`generate ${where}: ${got}`);
      if (got !== `${v.token} ${v.new_count}`) run.failures.push(`generate ${where}: ${got}, want ${v.token} ${v.new_count}`);
    }
    m.setKey(v.key);
    const length = m.setText(v.token);
    const type = v.extended_token && v.token_type in SPECIAL_VALUE ? TYPES.SET_TIME : TYPES[v.token_type];
    const want = `${type} ${v.value_raw ?? SPECIAL_VALUE[v.token_type]} ${v.new_count}`;
    const code = x.token_decode(v.starting_code ?? 0, v.count, 0, length, !!v.restricted_digit_set);
    const got = `${code} ${x.token_result_value() >>> 0} ${x.token_result_count() >>> 0}`;
    run.trace.push(`decode ${where}: ${got}`);
    if (got !== want) run.failures.push(`decode ${where}: ${got}, want ${want}`);
  }
}

// The device procedures through the Device binding; after every entry the state is saved, a fresh
// device restores it, and the procedure goes on there.
function deviceProcedures(module: "token" | "device", engine: Engine, run: Run): void {
  for (const sc of SCENARIOS) {
    const options = { key: sc.key, startingCode: sc.starting_code, count: sc.count, waitingPeriod: sc.waiting_period, module, engine };
    let device = new Device(options);
    let now = 0;
    sc.steps.forEach((step: any, i: number) => {
      if (step.advance !== undefined) {
        now += step.advance;
        return;
      }
      const entry = device.enterToken(step.token, now);
      const seen = { result: entry.result, days_remaining: device.daysRemaining(now), count: device.count() };
      const label = `${module} ${sc.name} step ${i + 1}`;
      run.trace.push(`${label}: ${JSON.stringify(entry)} ${JSON.stringify(seen)} used ${device.usedCounts()}`);
      if (JSON.stringify(seen) !== JSON.stringify(step.expect)) run.failures.push(`${label}: ${JSON.stringify(seen)}, want ${JSON.stringify(step.expect)}`);
      const blob = device.save();
      const before = [device.count(), device.usedCounts(), device.secondsLeft(now), device.paygDisabled()].join();
      device = new Device(options);
      device.load(blob);
      const after = [device.count(), device.usedCounts(), device.secondsLeft(now), device.paygDisabled()].join();
      if (after !== before) run.failures.push(`${label}: state ${after} after save and load, was ${before}`);
    });
  }
}

// Keypad garbage is refused, never trapped on; every corrupted state blob is refused and changes nothing.
function refusals(module: "token" | "device", engine: Engine, run: Run): void {
  const device = new Device({ key: "a29ab82edc5fbbc41ec9530f6dac86b1", startingCode: 284712936, count: 1, waitingPeriod: false, module, engine });
  for (const text of ["", " ", "abc", "12345678a", "-12345678", "1234567890123", "99999999999999999999", "000000000", "\xff\xfe\x01", "9".repeat(300)]) {
    const r = device.enterToken(text, 0).result;
    run.trace.push(`${module} enter ${JSON.stringify(text)}: ${r}`);
    if (r !== "INVALID" && r !== "ALREADY_USED") run.failures.push(`${module} enter ${JSON.stringify(text)}: ${r}`);
  }
  device.enterToken("780532937", 0);
  const blob = device.save();
  const state = () => [device.count(), device.usedCounts(), device.secondsLeft(0)].join();
  const before = state();
  for (let i = 0; i < 32; i++) {
    const bad = Uint8Array.from(blob);
    bad[i] ^= 1 << i % 8;
    let code: number | undefined;
    try {
      device.load(bad);
    } catch (e) {
      code = (e as OpaygoError).code;
    }
    run.trace.push(`${module} blob byte ${i}: ${code}`);
    if (code === undefined || state() !== before) run.failures.push(`${module} blob with byte ${i} changed: ${code === undefined ? "loaded" : "state changed"}`);
  }
}

function runAll(engine: Engine): Run {
  const run: Run = { trace: [], failures: [], ms: 0, tokenMs: 0 };
  const start = performance.now();
  const instances = KINDS.map((kind) => instantiate(kind, engine));
  const tokensStart = performance.now();
  for (const m of instances) tokenVectors(m, run);
  run.tokenMs = performance.now() - tokensStart;
  for (const module of ["device", "token"] as const) {
    deviceProcedures(module, engine, run);
    refusals(module, engine, run);
  }
  run.ms = performance.now() - start;
  return run;
}

test("wasm3 in WASI: token vectors, device procedures, state blobs; the same as on Node's engine", (t) => {
  const node = runAll("node");
  const wasm3 = runAll("wasm3");
  assert.deepEqual(node.failures, []);
  assert.deepEqual(wasm3.failures, []);
  assert.equal(wasm3.trace.length, node.trace.length);
  wasm3.trace.forEach((line, i) => assert.equal(line, node.trace[i]));
  assert.ok(wasm3.trace.length > 2 * TOKENS.length, `${wasm3.trace.length} values observed`);
  const ms = (r: Run, key: "ms" | "tokenMs") => `${r[key].toFixed(0)} ms`;
  t.diagnostic(`${wasm3.trace.length} values alike. All: node ${ms(node, "ms")}, wasm3 ${ms(wasm3, "ms")}, ratio ${(wasm3.ms / node.ms).toFixed(1)}. ` +
    `Token vectors alone: node ${ms(node, "tokenMs")}, wasm3 ${ms(wasm3, "tokenMs")}, ratio ${(wasm3.tokenMs / node.tokenMs).toFixed(1)}`);
});

// The Metrics request vectors encoded on opaygo.wasm (its 16 KiB output) on both engines: the same
// condensed and simple payloads as the vectors, and refused where the vectors refuse.
function metricsRequests(engine: Engine): string[] {
  return vectorText("metrics_requests.jsonl").split("\n").filter(Boolean).map((line, i) => {
    const v = parseLossless(line) as { [k: string]: any };
    const want = JSON.parse(line);
    let got: string;
    try {
      const e = new MetricsEncoder({ serialNumber: v.serial_number, key: v.key, authMethod: v.auth_method ?? null, dataFormat: v.data_format, module: "full", engine });
      const num = (x: JsonValue) => (x instanceof Float ? x.value : (x as number | bigint));
      if (v.timestamp != null) e.setTimestamp(num(v.timestamp));
      if (v.request_count != null) e.setRequestCount(num(v.request_count));
      e.setData(v.data as MetricRow);
      for (const r of v.historical_data as MetricRow[]) e.addHistoricalRow(r);
      got = JSON.stringify([e.condensed(), e.simple()]);
    } catch (err) {
      got = `refused: ${(err as Error).message}`;
    }
    const ok = want.error ? got.startsWith("refused") : got === JSON.stringify([want.condensed, want.simple]);
    assert.ok(ok, `metrics_requests line ${i + 1} on ${engine}: ${got.slice(0, 200)}`);
    return got;
  });
}

test("wasm3 in WASI: the Metrics request vectors, byte for byte as on Node's engine", (t) => {
  let start = performance.now();
  const node = metricsRequests("node");
  const nodeMs = performance.now() - start;
  start = performance.now();
  const wasm3 = metricsRequests("wasm3");
  const wasm3Ms = performance.now() - start;
  assert.deepEqual(wasm3, node);
  t.diagnostic(`${wasm3.length} requests alike; node ${nodeMs.toFixed(0)} ms, wasm3 ${wasm3Ms.toFixed(0)} ms, ratio ${(wasm3Ms / nodeMs).toFixed(1)}`);
});

test("wasm3 exports behave as Node's: signed i32, bigint i64, undefined for a name not exported, TypeError for a bad i64", () => {
  const on3 = new Wasm3Instance("full");
  const onNode = new WasmInstance("full");
  assert.equal((on3.exports as Record<string, unknown>).no_such_export, undefined);
  assert.equal((onNode.exports as Record<string, unknown>).no_such_export, undefined);
  for (const m of [on3, onNode]) m.setKey("a29ab82edc5fbbc41ec9530f6dac86b1");
  assert.equal(on3.exports.token_starting_code(), onNode.exports.token_starting_code());
  // A refused generation returns a negative i32 on both.
  const refused = (m: ModuleInstance<"full">) => m.exports.token_generate(0, 1, 7, 1, 0);
  assert.ok(refused(on3) < 0);
  assert.equal(refused(on3), refused(onNode));
  for (const m of [on3, onNode]) {
    assert.throws(() => m.exports.metrics_timestamp(1.5 as unknown as bigint), TypeError); // a number where an i64 goes
    m.exports.metrics_timestamp(-1n);
  }
  assert.deepEqual(on3.read(on3.exports.key_buffer(), 16), onNode.read(onNode.exports.key_buffer(), 16));
  assert.equal(on3.bytes().length, onNode.bytes().length);
});

// The reference server answers applied on a device on each engine: what the answer did (tokens,
// time, settings) and the device state it leaves must be the same.
function metricsAnswers(engine: Engine): string[] {
  const NOW = 1_700_000_000;
  return vectorLines("metrics_responses.jsonl").map((v, i) => {
    const req = parseLossless(v.request) as { [k: string]: any };
    const device = new Device({ key: v.key, engine });
    const enc = new MetricsEncoder({ serialNumber: req.sn, device });
    if (typeof req.ts === "number") enc.setTimestamp(req.ts);
    if (typeof req.rc === "number") enc.setRequestCount(req.rc);
    enc.setData({});
    enc.simple();
    const r = enc.applyAnswer(v.payload, NOW);
    assert.equal(r.signed, true, `metrics_responses line ${i + 1} on ${engine}`);
    return `${stringifyLossless(r as any)} ${Buffer.from(device.save()).toString("hex")}`;
  });
}

test("wasm3 in WASI: the reference server answers applied on a device, as on Node's engine", () => {
  const node = metricsAnswers("node");
  assert.deepEqual(metricsAnswers("wasm3"), node);
});

// (module (memory (export "memory") 1)
//   (func (export "boom") (result i32) unreachable)
//   (func (export "oob") (result i32) i32.const 70000 i32.load)
//   (func (export "add64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.add)
//   (func (export "half") (param f64) (result f64) local.get 0 f64.const 0.5 f64.mul))
const TRAPPING = Buffer.from("0061736d010000000110036000017f60027e7e017e60017c017c030504000001020503010001072605066d656d6f7279020004626f6f6d0000036f6f62000105616464363400020468616c6600030a26040300000b090041f0a2042802000b0700200020017c0b0e00200044000000000000e03fa20b", "hex");

test("wasm3: a trap throws WebAssembly.RuntimeError as on Node's engine, and the instance goes on working", () => {
  // a module of its own (TRAPPING), not opaygo.wasm: its exports are not the full module's
  const on3 = new Wasm3Instance("full", TRAPPING).exports as unknown as Record<string, (...args: unknown[]) => unknown>;
  const onNode = new WebAssembly.Instance(new WebAssembly.Module(TRAPPING)).exports as any;
  for (const x of [on3, onNode]) {
    assert.throws(() => x.boom(), WebAssembly.RuntimeError);
    assert.throws(() => x.oob(), WebAssembly.RuntimeError);
    assert.equal(x.add64(2n ** 63n - 1n, 1n), -(2n ** 63n));
    assert.equal(x.half(3), 1.5);
  }
  assert.throws(() => on3.boom(), /wasm3: boom.*unreachable/);
  assert.throws(() => on3.oob(), /wasm3: oob.*out of bounds/);
});

test("wasm3: bytes that are not a module are refused with an error code and message", () => {
  for (const [bytes, code] of [[Buffer.from("not a module"), -3], [TRAPPING.subarray(0, 40), -3], [Buffer.alloc(0), undefined]] as const) {
    assert.throws(() => new Wasm3Instance("full", bytes), (e: unknown) => e instanceof OpaygoError && e.code === code && /^wasm3: ./.test(e.message));
  }
});

test("opaygo device run --engine wasm3 gives the official procedure's results, as --engine node does", () => {
  const sc = SCENARIOS[0];
  const input = sc.steps.map((s: any) => JSON.stringify(s.advance !== undefined ? { advance: s.advance } : { token: s.token })).join("\n") + "\n";
  const args = ["device", "run", "--key", sc.key, "--starting-code", String(sc.starting_code), "--count", String(sc.count), "--jsonl"];
  if (!sc.waiting_period) args.push("--no-waiting-period");
  const outputs = (["node", "wasm3"] as const).map((engine) => {
    const r = opaygo([...args, "--engine", engine], input);
    assert.equal(r.status, 0, r.stderr);
    // node:wasi (and its ExperimentalWarning) is loaded only when wasm3 is asked for.
    if (engine === "node") assert.equal(r.stderr, "");
    return jsonLines(r.stdout);
  });
  assert.deepEqual(outputs[1], outputs[0]);
  const expected = sc.steps.filter((s: any) => s.advance === undefined).map((s: any) => s.expect);
  assert.deepEqual(outputs[1].filter((o: any) => o.result !== "OK"), expected);
});

test("opaygo device run refuses an unknown engine with a clear message", () => {
  const r = opaygo(["device", "run", "--key", "a29ab82edc5fbbc41ec9530f6dac86b1", "--engine", "v8", "--jsonl"], "");
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /--engine.*v8.*(node|choices)/s);
});

test("instantiate refuses an unknown engine", () => {
  assert.throws(() => instantiate("device", "v8" as Engine), /engine must be one of node, wasm3/);
});
