// A refused call changes nothing: for every export of every module that can refuse, seeded
// refused inputs in several prepared states, and after each one the module's whole state is
// byte-identical: all of its linear memory and every mutable global, except the areas and globals
// listed in DESIGNATED below (each with the reason it may change).
//
// How the whole state is seen: each case runs on two instances side by side, fed the same calls:
//  - the shipped module (build/opaygo*.wasm): its memory, and every state-reading export;
//  - the same sources compiled without optimisation (build/probe/KIND.wat, `make test-properties`
//    builds it), with every mutable global exported by its compiler name (binaryen), so all of
//    them are compared; its data segments name each static area (same addresses as the shipped
//    module: checked against the *_buffer() exports and memory_used()).
// The two must also return the same result for every call.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import binaryen from "binaryen";
import { WasmInstance, ModuleKind, f64Bits } from "../bindings/wasm.js";
import { generateToken } from "../bindings/index.js";
import { ROOT, testSeed } from "./helpers.js";
import { prng, randInt } from "./fuzz-shared.js";

// Fixed in make check; make test-random SEED=S derives it from S (OPAYGO_TEST_SEED).
const SEED = testSeed(20261130);
const KEY = Buffer.from("00112233445566778899aabbccddeeff", "hex");
const START = 123456789;

// ---- the probe module: compiler names of globals and static areas -------------------------------

interface Probe { module: WebAssembly.Module; areas: Map<string, [number, number]>; globals: string[] }
const probes = new Map<ModuleKind, Probe>();

// Byte length of a wat data string ("\\00abc\\22").
function watBytes(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) if (s[i] === "\\") i += /[0-9a-f]/i.test(s[i + 1]) ? 2 : 1;
  return n;
}

function probe(kind: ModuleKind): Probe {
  let p = probes.get(kind);
  if (p) return p;
  const wat = fs.readFileSync(path.join(ROOT, "build/probe", `${kind}.wat`), "utf8");
  const m = binaryen.parseText(wat);
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals);
  const segments = new Map<number, number>(); // start -> end
  for (const d of wat.matchAll(/^ \(data \$\S+ \(i32\.const (\d+)\) "(.*)"\)$/gm)) segments.set(Number(d[1]), Number(d[1]) + watBytes(d[2]));
  const areas = new Map<string, [number, number]>();
  const globals: string[] = [];
  for (let i = 0; i < m.getNumGlobals(); i++) {
    const g = binaryen.getGlobalInfo(m.getGlobalByIndex(i));
    const name = g.name.replace(/^assembly\//, "");
    if (g.mutable) {
      m.addGlobalExport(g.name, `g:${name}`);
      globals.push(name);
    } else if (g.type === binaryen.i32) {
      // an address constant names the static area (data segment) that starts there
      const at = binaryen.getExpressionInfo(g.init) as binaryen.ConstInfo;
      const end = segments.get(at.value as number);
      if (end !== undefined && !areas.has(name)) areas.set(name, [at.value as number, end]);
    }
  }
  p = { module: new WebAssembly.Module(Uint8Array.from(m.emitBinary())), areas, globals };
  m.dispose();
  probes.set(kind, p);
  return p;
}

// ---- what may change on a refusal ---------------------------------------------------------------

// Static areas a refused call may write, by compiler name (the memory map, assembly/memory.ts).
const DESIGNATED_AREAS: Record<string, string> = {
  // buffers the caller writes its input into, or reads a call's output from
  "memory/TEXT": "token text in (token_decode, device_enter_token); token_generate's digits out",
  "memory/IO": "names, string values and format text in; metrics_answer_string's text out",
  "memory/JSON_IN": "byte-layer and server input (request bodies, formats, answers); metrics_server_answer keeps its canonical answer in the unused tail",
  "memory/JSON_OUT": "byte-layer and server output; the full build's metrics output buffer, where a request or format is made before it is kept",
  "memory/STATE_BLOB": "device_save's blob out, device_load's blob in",
  "memory/TOKEN_RESULT": "token_result_*(): the result of the last decode",
  // scratch: written before being read by every call that uses it, never read across calls
  "memory/NUM_TEXT": "text of the number or character being formatted or hashed",
  "memory/CHAR_BYTES": "the character being written, escaped or in UTF-8",
  "memory/DIGITS": "digits of the number being printed or parsed",
  "memory/BN_R": "big numbers of the number being printed or parsed",
  "memory/BN_S": "big numbers of the number being printed or parsed",
  "memory/BN_M": "big numbers of the number being printed or parsed",
  "memory/SIGN_HASH": "SipHash streaming state of the signature being computed",
  "memory/ANSWER_MEMBERS": "members of the answer being parsed",
};
// The device build's metrics output buffer (metrics_out_buffer(), up to metrics_out_capacity()):
// payloads, answers and accessory requests, the inline format's text made before it is kept. The
// kept format text lies past that capacity, at the end of the area, and is state.
// STAGE_ROW past the row's length (RowsState.rowLen): a refused entry may have been written there
// before it overflowed; the row is what lies before its length.

// RowsState.rowLen (assembly/metrics/state.ts): the length of the row being built.
const ROW_LEN_OFFSET = 4;

// Mutable globals a refused call may change, by compiler name: per-call scratch only (the device
// modules keep every state between calls in linear memory: checked below).
const DESIGNATED_GLOBALS: Record<string, string> = {
  "json/out/outPtr": "writer of the call in progress",
  "json/out/outCap": "writer of the call in progress",
  "json/out/outLen": "writer of the call in progress",
  "json/out/overflow": "writer of the call in progress",
  "json/out/outMode": "writer of the call in progress",
  "json/out/hashing": "writer of the call in progress",
  "json/out/error": "writer of the call in progress",
  "utf8/lastCodePoint": "UTF-8 sequence being read",
  "json/number/parsedInt": "number being parsed",
  "json/number/parsedFloatBits": "number being parsed (json_number_float(): the last json_parse_number's)",
  "bignum/words": "big numbers of the number being printed or parsed",
  "decimal/g": "number being parsed", "decimal/ge": "number being parsed",
  "json/number/parsedIntFits": "number being parsed",
  "json/value/strCodePoint": "string character being read",
  "json/value/stringBytes": "string being read",
  "json/value/stringHasSurrogate": "string being read",
  "json/value/sawSurrogate": "strings of the call in progress",
  "json/value/containerCount": "container being read",
  "siphash/v0": "SipHash rounds in progress", "siphash/v1": "SipHash rounds in progress",
  "siphash/v2": "SipHash rounds in progress", "siphash/v3": "SipHash rounds in progress",
  "decimal/mant": "number being printed or parsed", "decimal/bexp": "number being printed or parsed",
  "decimal/digitCount": "number being printed", "decimal/decimalExponent": "number being printed",
  "json/out/grows": "writer of the call in progress",
  "json/value/keyTable": "the server's hash table of keys, during one load",
  "cbor/decode/N": "CBOR reader's end", "cbor/decode/major": "CBOR item being read", "cbor/decode/arg": "CBOR item being read",
  "cbor/decode/indefinite": "CBOR item being read", "cbor/decode/info": "CBOR item being read",
  ...Object.fromEntries(["seconds", "micros"].map((g) => [`server/expand/${g}`, "row time of the expansion in progress"])),
  ...Object.fromEntries(["order", "orderLength", "orderDistinct", "lookedUp", "lookedUpAt", "relativeAt", "timestampAt", "interval", "tsName"]
    .map((g) => [`server/expand/${g}`, "format of the expansion in progress"])),
  "server/verify/chainHash": "the `ra` hash chain of the verification in progress",
  "cbor/decode/S": "CBOR reader's position",
};

// Exports that read the result of the last call (token_decode, json_parse_number): compared
// only through their area or globals, designated above.
const RESULT_GETTERS = ["token_result_value", "token_result_count", "token_result_max_count", "token_result_used_counts",
  "json_number_float"];
// State-reading exports of the shipped module (arguments for the indexed ones).
const GETTERS: Record<string, unknown[][]> = {
  key_buffer: [[]], text_buffer: [[]], text_capacity: [[]], state_buffer: [[]], memory_used: [[]],
  token_starting_code: [[]], device_is_active: [[0], [2000], [4e9]], device_seconds_left: [[0], [2000]],
  device_payg_disabled: [[]], device_active_until: [[]], device_count: [[]], device_used_counts: [[]],
  device_last_value: [[]], device_invalid_streak: [[]], device_blocked_until: [[]],
  metrics_io_buffer: [[]], metrics_io_capacity: [[]], metrics_out_buffer: [[]], metrics_out_capacity: [[]], metrics_features: [[]],
  metrics_ring_rows: [[]], metrics_ring_sent_rows: [[]], metrics_ring_dropped: [[]], metrics_ring_bytes: [[]],
  metrics_ring_capacity: [[]], metrics_ring_accessories: [[]], metrics_answer_tokens: [[]],
  metrics_answer_token_result: [[-1], [0], [1]], metrics_answer_token_value: [[-1], [0], [1]],
  metrics_answer_time_kind: [[]], metrics_answer_time: [[]], metrics_answer_format_id: [[]],
  metrics_answer_object_offset: [[0], [1], [2]], metrics_answer_object_length: [[0], [1], [2]],
  token_generated_count: [[]], json_in_buffer: [[]], json_out_buffer: [[]], json_buffer_capacity: [[]],
  metrics_server_request_buffer: [[]], metrics_server_out_buffer: [[]], metrics_server_index_buffer: [[]], metrics_server_auth_method: [[]],
  ...Object.fromEntries(["kind", "int", "offset", "length"].map((g) => [`metrics_server_member_${g}`, [[-1], [0], [1], [3], [5], [7], [8], [10]]])),
  metrics_server_verify: [[0n, 0n], [5n, 5n]],
};
// Exports that never refuse: each returns nothing or succeeds for every argument (void setters,
// metrics_ring_clear, device_save, any i64 formatted, a valid metrics_row_begin). device_enter_token's INVALID is not a refusal
// that leaves the state: it moves the invalid-entry streak and the waiting period by design
// (tests/robustness.test.ts); its BLOCKED and ALREADY_USED are refusals and are cases below.
const NEVER_REFUSE = ["memory", "device_save", "cbor_encode_int", "metrics_timestamp", "metrics_request_count", "metrics_collection_timestamp", "metrics_ring_clear"];

// ---- twin instances ------------------------------------------------------------------------------

type Exports = Record<string, any>;
class Twin {
  readonly shipped: Exports;
  readonly probe: Exports;
  readonly areas: Map<string, [number, number]>;
  readonly globals: string[];
  readonly log: string[] = [];
  constructor(readonly kind: ModuleKind) {
    this.shipped = new WasmInstance(kind).exports;
    const p = probe(kind);
    this.probe = new WebAssembly.Instance(p.module, {}).exports as Exports;
    this.areas = p.areas;
    this.globals = p.globals;
  }
  /** Calls both; they must agree. */
  call(name: string, ...args: unknown[]): number {
    const a = this.shipped[name](...args);
    const b = this.probe[name](...args);
    this.log.push(`${name}(${args.map(String).join(", ")}) = ${a}`);
    assert.equal(typeof a === "bigint" ? a : Number(a), typeof b === "bigint" ? b : Number(b), `${this.kind}: ${name}(${args.join(", ")}) differs between the shipped and the unoptimised build`);
    return typeof a === "bigint" ? Number(a) : Number(a);
  }
  /** Writes bytes at the address an export returns, in both. */
  write(bufferExport: string, bytes: Uint8Array, offset = 0): void {
    this.writeAt(this.shipped[bufferExport]() + offset, bytes);
  }
  writeAt(at: number, bytes: Uint8Array): void {
    new Uint8Array(this.shipped.memory.buffer).set(bytes, at);
    new Uint8Array(this.probe.memory.buffer).set(bytes, at);
  }
  /** A request body where metrics_server_load reads it (metrics_server_body_buffer, in both). */
  body(bytes: Uint8Array): void {
    const at = this.call("metrics_server_body_buffer", bytes.length);
    assert.ok(at > 0, `metrics_server_body_buffer(${bytes.length}) = ${at}`);
    this.writeAt(at, bytes);
  }
  area(name: string): [number, number] {
    const a = this.areas.get(name);
    if (!a) throw new Error(`${this.kind}: no static area ${name}`);
    return a;
  }
}

interface Snapshot { shipped: Uint8Array; probe: Uint8Array; globals: Map<string, unknown>; getters: string }

function snapshot(t: Twin): Snapshot {
  const globals = new Map<string, unknown>();
  for (const g of t.globals) globals.set(g, t.probe[`g:${g}`].value);
  const getters: string[] = [];
  for (const [name, argLists] of Object.entries(GETTERS)) {
    if (!(name in t.shipped)) continue;
    for (const args of argLists) getters.push(`${name}(${args.join(",")})=${t.shipped[name](...args)}`);
  }
  return { shipped: new Uint8Array(t.shipped.memory.buffer).slice(), probe: new Uint8Array(t.probe.memory.buffer).slice(), globals, getters: getters.join(" ") };
}

/** The byte ranges a refusal may write in this state. */
function designatedRanges(t: Twin): Array<[number, number, string]> {
  const r: Array<[number, number, string]> = [];
  for (const name of Object.keys(DESIGNATED_AREAS)) {
    const a = t.areas.get(name);
    if (a) r.push([a[0], a[1], name]);
  }
  if ("metrics_server_out_buffer" in t.shipped) {
    // the server's free memory (the body being loaded, an expansion's index and text, answers), to
    // the end of memory, which may grow
    r.push([t.shipped.metrics_server_index_buffer(), Infinity, "the server's free memory"]);
  }
  if ("metrics_out_buffer" in t.shipped) {
    const out = t.shipped.metrics_out_buffer();
    r.push([out, out + t.shipped.metrics_out_capacity(), "metrics output buffer"]);
    const stage = t.area("memory/STAGE_ROW");
    const rowLen = new DataView(t.probe.memory.buffer).getUint16(t.area("memory/ROWS_STATE")[0] + ROW_LEN_OFFSET, true);
    r.push([stage[0] + rowLen, stage[1], "STAGE_ROW past the row"]);
  }
  return r;
}

function assertUnchanged(t: Twin, before: Snapshot, what: string): void {
  const after = snapshot(t);
  const ranges = designatedRanges(t);
  const allowed = (i: number) => ranges.some(([s, e]) => i >= s && i < e);
  const where = (i: number) => [...t.areas].find(([, [s, e]]) => i >= s && i < e)?.[0] ?? "no named area";
  for (const [label, b, a] of [["shipped", before.shipped, after.shipped], ["unoptimised", before.probe, after.probe]] as const) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i] && !allowed(i)) assert.fail(`${t.kind} ${label}: ${what} changed memory byte ${i} (${where(i)}): ${b[i]} -> ${a[i]}`);
    }
  }
  for (const [g, v] of before.globals) {
    if (after.globals.get(g) !== v && !(g in DESIGNATED_GLOBALS)) assert.fail(`${t.kind}: ${what} changed global ${g}: ${v} -> ${after.globals.get(g)}`);
  }
  assert.equal(after.getters, before.getters, `${t.kind}: ${what} changed what the state-reading exports return`);
}

// ---- prepared states -----------------------------------------------------------------------------

const enc = (s: string) => Buffer.from(s, "utf8");
const FORMAT = '{"data_order":["a","b","gps"],"historical_data_order":["timestamp","v"],"id":4}';

function tokenState(kind: ModuleKind): Twin {
  const t = new Twin(kind);
  t.write("key_buffer", KEY);
  assert.equal(t.call("device_init", START, 5, 0, 86400), 0);
  const tok = generateToken({ key: KEY.toString("hex"), startingCode: START, count: 5, type: "ADD_TIME", value: 3 });
  t.write("text_buffer", enc(tok.token));
  assert.equal(t.call("device_enter_token", 1000, tok.token.length), 1);
  return t;
}

function io(t: Twin, s: string | Uint8Array): number {
  const b = typeof s === "string" ? enc(s) : s;
  t.write("metrics_io_buffer", b);
  return b.length;
}

/** A reading put as the profile takes it: a double, or x100 as an integer (the lean profile has no floats). */
function putReading(t: Twin, nameLength: number, x: number): number {
  return t.kind === "lean" ? t.call("metrics_put_int", nameLength, BigInt(Math.round(x * 100))) : t.call("metrics_put_float", nameLength, f64Bits(x));
}

/** A metrics encoder with a format, ts / rc, current data, a ring row; `stage` says what is open. */
function metricsState(kind: ModuleKind, stage: "idle" | "row" | "array" | "sent"): Twin {
  const t = tokenState(kind);
  assert.equal(t.call("metrics_init", io(t, "SN-42"), 5), 0);
  // the seed and lean profiles have no inline format (docs/profiles.md): their format goes by id
  if (kind === "seed" || kind === "lean") assert.equal(t.call("metrics_format_id", 7n, true), 0);
  else assert.equal(t.call("metrics_format_object", io(t, FORMAT), true), 0);
  for (const [list, n] of [[0, "a"], [0, "b"], [0, "gps"], [1, "timestamp"], [1, "v"]] as const) assert.equal(t.call("metrics_format_name", list, io(t, n)), 0);
  t.call("metrics_timestamp", 1700000000n);
  t.call("metrics_request_count", 7n);
  assert.equal(t.call("metrics_row_begin", 1), 0);
  assert.equal(putReading(t, io(t, "a"), 12.5), 0);
  assert.equal(t.call("metrics_row_end"), 0);
  assert.equal(t.call("metrics_row_begin", 2), 0);
  assert.equal(t.call("metrics_put_int", io(t, "timestamp"), 1699999000n), 0);
  assert.equal(t.call("metrics_put_string", io(t, "v"), io(t, "vé")  - 1), 0); // name "v", value "é" right after it
  assert.equal(t.call("metrics_row_end"), 0);
  if (stage === "sent") assert.ok(t.call("metrics_encode", 0, false) > 0);
  if (stage === "row" || stage === "array") {
    assert.equal(t.call("metrics_row_begin", 1), 0);
    assert.equal(t.call("metrics_put_int", io(t, "b"), -3n), 0);
  }
  if (stage === "array") {
    assert.equal(t.call("metrics_array_begin", io(t, "gps")), 0);
    assert.equal(putReading(t, 0, 1.25), 0);
  }
  return t;
}

/** The full build with a request and a host data format loaded on the server side. */
function serverState(): Twin {
  const t = metricsState("full", "idle");
  t.write("key_buffer", KEY);
  const n = t.call("metrics_encode", 0, false);
  assert.ok(n > 0);
  const body = Buffer.from(new Uint8Array(t.shipped.memory.buffer, t.shipped.metrics_out_buffer(), n));
  t.body(body);
  assert.ok(t.call("metrics_server_load", n, false) > 0);
  t.write("json_in_buffer", enc(FORMAT));
  assert.ok(t.call("metrics_server_format", FORMAT.length) > 0);
  return t;
}

// ---- refused inputs ------------------------------------------------------------------------------

type Rng = () => number;
const LENGTHS = [-1, -2, -65, -2147483648, 2147483647, 65536, 1 << 20];
const pick = <T>(r: Rng, xs: readonly T[]): T => xs[randInt(r, xs.length)];

/** Bytes that are not valid UTF-8 somewhere (a stray continuation, a truncated sequence, an overlong form, a surrogate). */
function badUtf8(r: Rng): Uint8Array {
  const bad = [[0xff], [0x80], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]];
  const head = Array.from({ length: randInt(r, 6) }, () => 0x41 + randInt(r, 26));
  return Uint8Array.from([...head, ...pick(r, bad), ...Array.from({ length: randInt(r, 3) }, () => 0x61 + randInt(r, 26))]);
}

/** Text that is not acceptable JSON of the kind asked for: random bytes, cut JSON, a key twice, too deep, not an object. */
function badJson(r: Rng, valid: string): Uint8Array {
  switch (randInt(r, 7)) {
    case 0: return Uint8Array.from({ length: 1 + randInt(r, 40) }, () => randInt(r, 256));
    case 1: return enc(valid.slice(0, 1 + randInt(r, valid.length - 1)));
    case 2: return enc('{"sn":"x","sn":"y","a":1}');
    case 3: return enc("[".repeat(40) + "]".repeat(40));
    case 4: return enc(pick(r, ["1", "\"text\"", "null", "[1,2]", "{}x", "{\"a\":NaN}", "{\"a\":1e999}"]));
    case 5: return Uint8Array.from([...enc(valid.slice(0, -1)), ...badUtf8(r), 0x7d]);
    default: return enc(valid.replace(/"/g, "'"));
  }
}

interface Case { name: string; call: (t: Twin, r: Rng) => number; refused: (rc: number) => boolean }
const neg = (rc: number) => rc < 0;

// metrics exports: refusals in each encoder state
const METRICS_CASES: Case[] = [
  { name: "metrics_init (bad UTF-8 serial)", call: (t, r) => t.call("metrics_init", io(t, badUtf8(r)), 5), refused: neg },
  { name: "metrics_init (bad length or method)", call: (t, r) => randInt(r, 2) ? t.call("metrics_init", pick(r, [...LENGTHS, 49]), 1) : t.call("metrics_init", io(t, "SN"), pick(r, [-1, 6, 99])), refused: neg },
  { name: "metrics_format_id", call: (t) => t.call("metrics_format_id", 9n, true), refused: neg },
  { name: "metrics_format_object", call: (t, r) => randInt(r, 4) ? t.call("metrics_format_object", io(t, badJson(r, FORMAT)), true) : t.call("metrics_format_object", pick(r, LENGTHS), false), refused: neg },
  { name: "metrics_format_name", call: (t, r) => randInt(r, 2) ? t.call("metrics_format_name", pick(r, [-1, 2, 7]), 1) : t.call("metrics_format_name", 0, pick(r, LENGTHS)), refused: neg },
  { name: "metrics_row_begin", call: (t, r) => t.call("metrics_row_begin", pick(r, [-1, 3, 255, -2147483648])), refused: neg },
  { name: "metrics_row_end", call: (t) => t.call("metrics_row_end"), refused: neg },
  { name: "metrics_put_int", call: (t, r) => t.call("metrics_put_int", randInt(r, 2) ? io(t, "b") : pick(r, LENGTHS), 5n), refused: neg },
  { name: "metrics_put_float", call: (t, r) => t.call("metrics_put_float", io(t, "zz"), f64Bits(pick(r, [NaN, Infinity, -Infinity]))), refused: neg },
  { name: "metrics_put_bool", call: (t, r) => t.call("metrics_put_bool", randInt(r, 2) ? io(t, "b") : pick(r, LENGTHS), 1), refused: neg },
  { name: "metrics_put_null", call: (t, r) => t.call("metrics_put_null", randInt(r, 2) ? io(t, "b") : pick(r, LENGTHS)), refused: neg },
  { name: "metrics_put_string", call: (t, r) => {
    if (randInt(r, 2)) { const v = badUtf8(r); io(t, Uint8Array.from([0x73, ...v])); return t.call("metrics_put_string", 1, v.length); }
    return t.call("metrics_put_string", pick(r, [...LENGTHS, 1]), pick(r, LENGTHS));
  }, refused: neg },
  { name: "metrics_array_begin", call: (t, r) => t.call("metrics_array_begin", randInt(r, 2) ? io(t, "b") : pick(r, LENGTHS)), refused: neg },
  { name: "metrics_array_end", call: (t) => t.call("metrics_array_end"), refused: neg },
  { name: "metrics_encode", call: (t, r) => t.call("metrics_encode", pick(r, [-1, 2, 7]), 0), refused: neg },
  { name: "metrics_accessory_add", call: (t, r) => {
    const acc = '{"sn":"ACC1","dfo":{"do":["x"]},"d":[1]}';
    const b = randInt(r, 5) ? badJson(r, acc) : enc('{"serial":"ACC1","d":[1]}');
    t.write("metrics_out_buffer", b);
    return randInt(r, 6) ? t.call("metrics_accessory_add", b.length) : t.call("metrics_accessory_add", pick(r, LENGTHS));
  }, refused: neg },
  { name: "metrics_answer_apply", call: (t, r) => {
    const answers = ['{"tkl":["123"],"auts":1800000000,"a":"da0"}', '{"sn":"OTHER","tkl":[]}', '{"auts":5}', '{"tkl":["12x"]}',
      '{"tkl":[1.5]}', '{"st":[1]}', '{"st":{"df":-1},"a":"da1"}', '{"auts":1,"asl":2}'];
    const b = randInt(r, 3) ? enc(pick(r, answers)) : badJson(r, answers[0]);
    t.write("metrics_out_buffer", b);
    return randInt(r, 8) ? t.call("metrics_answer_apply", b.length, 5000) : t.call("metrics_answer_apply", pick(r, LENGTHS), 5000);
  }, refused: neg },
  { name: "metrics_answer_string", call: (t, r) => t.call("metrics_answer_string", pick(r, [0, 1, 2, -1]), randInt(r, 2) ? io(t, "base_url") : pick(r, LENGTHS)), refused: neg },
];

// token and device exports
const TOKEN_CASES: Case[] = [
  { name: "token_decode (impossible length)", call: (t, r) => t.call("token_decode", START, 5, 0, pick(r, [...LENGTHS, 65]), 0), refused: (rc) => rc === 10 },
  { name: "token_decode (wrong digits)", call: (t, r) => {
    const s = Array.from({ length: 1 + randInt(r, 20) }, () => "0123456789 x#"[randInt(r, 13)]).join("");
    t.write("text_buffer", enc(s));
    return t.call("token_decode", START, 5, 0, s.length, randInt(r, 2));
  }, refused: (rc) => rc === 10 || rc === 11 },
  { name: "device_init", call: (t, r) => t.call("device_init", pick(r, [1e9, 4294967295]), 5, 0, 86400) && t.call("device_init", START, pick(r, [65536, 4294967295]), 0, 86400) && t.call("device_init", START, 5, 0, 0), refused: neg },
  { name: "device_enter_token (already used)", call: (t) => {
    const tok = generateToken({ key: KEY.toString("hex"), startingCode: START, count: 5, type: "ADD_TIME", value: 3 });
    t.write("text_buffer", enc(tok.token));
    return t.call("device_enter_token", 3000, tok.token.length);
  }, refused: (rc) => rc === 11 },
  { name: "device_load", call: (t, r) => {
    const blob = Uint8Array.from({ length: 32 }, () => randInt(r, 256));
    t.write("state_buffer", blob);
    return t.call("device_load");
  }, refused: (rc) => rc <= -10 && rc >= -13 },
];

const FULL_CASES: Case[] = [
  { name: "token_generate", call: (t, r) => t.call("token_generate", START, pick(r, [0, 70000]), pick(r, [1, 9]), pick(r, [1000, 5]), 0), refused: neg },
  { name: "json_format_string / json_canonicalize / cbor_to_json / json_parse_number", call: (t, r) => {
    const b = badJson(r, '{"a":[1,2.5,"x"]}');
    t.write("json_in_buffer", b);
    const f = pick(r, ["json_format_string", "json_canonicalize", "cbor_to_json", "json_parse_number"]);
    return t.call(f, randInt(r, 6) ? b.length : pick(r, [-1, 1 << 20]));
  }, refused: neg },
  { name: "json_format_float / cbor_encode_float", call: (t, r) => t.call(pick(r, ["json_format_float", "cbor_encode_float"]), pick(r, [NaN, Infinity])), refused: neg },
  { name: "metrics_server_load", call: (t, r) => {
    const b = badJson(r, '{"sn":"SN-42","df":4,"d":[1],"hd":[]}');
    t.body(b);
    return randInt(r, 6) ? t.call("metrics_server_load", b.length, randInt(r, 2)) : t.call("metrics_server_load", pick(r, LENGTHS), 0);
  }, refused: neg },
  { name: "metrics_server_body_buffer", call: (t, r) => t.call("metrics_server_body_buffer", pick(r, [-1, -2147483648, 2147483647, 64 << 20])), refused: neg },
  { name: "metrics_server_format", call: (t, r) => {
    const b = badJson(r, FORMAT);
    t.write("json_in_buffer", b);
    return randInt(r, 6) ? t.call("metrics_server_format", b.length) : t.call("metrics_server_format", pick(r, LENGTHS.filter((n) => n !== 0)));
  }, refused: neg },
  { name: "metrics_server_answer", call: (t, r) => {
    const b = badJson(r, '{"tkl":["123"]}');
    t.write("json_in_buffer", b);
    return t.call("metrics_server_answer", randInt(r, 6) ? b.length : pick(r, LENGTHS), randInt(r, 2));
  }, refused: neg },
];

// Some refusals only exist in a state: ring in use (init), data or a row in use (format), full
// tables and rows. Each is a prepared state plus the call.
const STATE_CASES: Array<{ name: string; kinds: ModuleKind[]; prepare: (kind: ModuleKind) => Twin; call: (t: Twin) => number }> = [
  { name: "metrics_init while the ring holds rows", kinds: ["device", "seed", "lean", "full"], prepare: (k) => metricsState(k, "idle"), call: (t) => t.call("metrics_init", io(t, "OTHER"), 1) },
  { name: "metrics_format_object while rows use the format", kinds: ["device", "seed", "lean", "full"], prepare: (k) => metricsState(k, "idle"), call: (t) => t.call("metrics_format_object", io(t, '{"data_order":["q"]}'), true) },
  { name: "metrics_format_name into a full name table", kinds: ["device", "seed", "lean", "full"], prepare: (k) => {
    const t = metricsState(k, "idle");
    for (let i = 0; t.call("metrics_format_name", 1, io(t, `name-${i}-${"x".repeat(20)}`)) === 0; i++) assert.ok(i < 300);
    return t;
  }, call: (t) => t.call("metrics_format_name", 1, io(t, "one more")) },
  { name: "metrics_put_* that overflows the row", kinds: ["device", "seed", "lean", "full"], prepare: (k) => {
    const t = metricsState(k, "row");
    for (let i = 0; t.call("metrics_put_int", io(t, `k${i}`), 123456789n) === 0; i++) assert.ok(i < 2000);
    return t;
  }, call: (t) => t.call("metrics_put_string", io(t, "long" + "y".repeat(100)) - 100, 100) },
  { name: "an array element that overflows the row", kinds: ["device", "seed", "lean", "full"], prepare: (k) => {
    const t = metricsState(k, "array");
    for (let i = 0; putReading(t, 0, Math.PI + i) === 0; i++) assert.ok(i < 300);
    return t;
  }, call: (t) => putReading(t, 0, Math.PI) },
  { name: "metrics_encode that does not fit the output", kinds: ["device"], prepare: (k) => {
    const t = metricsState(k, "idle");
    for (let i = 0; i < 7; i++) {
      assert.equal(t.call("metrics_row_begin", 2), 0);
      assert.equal(t.call("metrics_put_int", io(t, "timestamp"), BigInt(1699999100 + i)), 0);
      assert.equal(t.call("metrics_put_string", io(t, "v" + "w".repeat(100)) - 100, 100), 0);
      assert.equal(t.call("metrics_row_end"), 0);
    }
    return t;
  }, call: (t) => t.call("metrics_encode", 1, 0) },
  { name: "device_enter_token while blocked", kinds: ["token", "device", "seed", "lean", "full"], prepare: (k) => {
    const t = tokenState(k);
    t.write("text_buffer", enc("111111111"));
    assert.equal(t.call("device_enter_token", 5000, 9), 10);
    return t;
  }, call: (t) => { t.write("text_buffer", enc("222222222")); return t.call("device_enter_token", 5030, 9); } },
  { name: "metrics_server_load, then the same request (replay check unchanged)", kinds: ["full"], prepare: () => serverState(), call: (t) => {
    t.body(enc('{"sn":"SN-42","d":{}}'.repeat(2)));
    return t.call("metrics_server_load", 42, 0);
  } },
  { name: "metrics_server_expand of a format naming a variable twice", kinds: ["full"], prepare: () => {
    const t = serverState();
    const body = '{"sn":"X","d":[1,2],"hd":[]}';
    t.body(enc(body));
    assert.ok(t.call("metrics_server_load", body.length, 0) > 0);
    const format = '{"data_order":["x","x"]}';
    t.write("json_in_buffer", enc(format));
    assert.ok(t.call("metrics_server_format", format.length) > 0);
    return t;
  }, call: (t) => t.call("metrics_server_expand", 0) },
];

// ---- the tests -------------------------------------------------------------------------------------

const ROUNDS = 12;

function runCases(kind: ModuleKind, cases: Case[], states: Array<[string, () => Twin]>): void {
  const r = prng(SEED ^ kind.length * 7919);
  for (const [stateName, prepare] of states) {
    const t = prepare();
    for (const c of cases) {
      for (let round = 0; round < ROUNDS; round++) {
        const before = snapshot(t);
        const mark = t.log.length;
        const rc = c.call(t, r);
        const what = `${c.name} in state ${stateName} [seed ${SEED}, round ${round}: ${t.log.slice(mark).join("; ")}]`;
        if (!c.refused(rc)) {
          // an input that happened to be acceptable here: not a refusal, start over from the state
          continue;
        }
        assertUnchanged(t, before, what);
      }
    }
  }
}

function refusedSomething(kind: ModuleKind, cases: Case[], states: Array<[string, () => Twin]>): Set<string> {
  // the exports the cases exercised with a refusal at least once (a case that never refuses tests nothing)
  const seen = new Set<string>();
  const r = prng(SEED + 1);
  for (const [, prepare] of states) {
    const t = prepare();
    for (const c of cases) for (let i = 0; i < ROUNDS; i++) {
      const mark = t.log.length;
      if (c.refused(c.call(t, r))) for (const l of t.log.slice(mark)) seen.add(l.slice(0, l.indexOf("(")));
    }
  }
  return seen;
}

const STATES: Record<ModuleKind, Array<[string, () => Twin]>> = {
  token: [["device at count 5", () => tokenState("token")]],
  device: [["idle", () => metricsState("device", "idle")], ["row open", () => metricsState("device", "row")],
    ["array open", () => metricsState("device", "array")], ["request sent", () => metricsState("device", "sent")]],
  seed: [["idle", () => metricsState("seed", "idle")], ["row open", () => metricsState("seed", "row")],
    ["array open", () => metricsState("seed", "array")], ["request sent", () => metricsState("seed", "sent")]],
  lean: [["idle", () => metricsState("lean", "idle")], ["row open", () => metricsState("lean", "row")],
    ["array open", () => metricsState("lean", "array")], ["request sent", () => metricsState("lean", "sent")]],
  full: [["idle", () => metricsState("full", "idle")], ["row open", () => metricsState("full", "row")],
    ["array open", () => metricsState("full", "array")], ["server: request and format loaded", () => serverState()]],
};
const CASES: Record<ModuleKind, Case[]> = {
  token: TOKEN_CASES,
  device: [...TOKEN_CASES, ...METRICS_CASES],
  seed: [...TOKEN_CASES, ...METRICS_CASES],
  lean: [...TOKEN_CASES, ...METRICS_CASES],
  full: [...TOKEN_CASES, ...METRICS_CASES, ...FULL_CASES],
};

for (const kind of ["token", "device", "seed", "lean", "full"] as const) {
  test(`${kind}: the unoptimised build has the shipped build's memory layout`, () => {
    const t = new Twin(kind);
    for (const e of ["key_buffer", "text_buffer", "state_buffer", "memory_used", "metrics_io_buffer", "metrics_out_buffer", "json_in_buffer", "json_out_buffer"]) {
      if (e in t.shipped) assert.equal(t.probe[e](), t.shipped[e](), e);
    }
    assert.equal(t.area("memory/KEY")[0], t.shipped.key_buffer());
    assert.equal(t.area("memory/TEXT")[0], t.shipped.text_buffer());
    assert.equal(t.area("memory/STATE_BLOB")[0], t.shipped.state_buffer());
    // memory_used() is true: every static area lies below it, and areas of different addresses
    // do not overlap (an area may have two names: the full build's IO is JSON_IN)
    const areas = [...t.areas].sort(([, a], [, b]) => a[0] - b[0]);
    for (const [name, [start, end]] of areas) assert.ok(start >= 16 && end <= t.shipped.memory_used(), `${kind}: ${name} [${start}, ${end}) past memory_used()`);
    for (let i = 1; i < areas.length; i++) {
      const [prev, [ps, pe]] = areas[i - 1], [name, [s]] = areas[i];
      assert.ok(s >= pe || s === ps, `${kind}: ${name} at ${s} overlaps ${prev} [${ps}, ${pe})`);
    }
  });

  test(`${kind}: every refusal of every export leaves memory and globals byte-identical (seed ${SEED})`, () => {
    runCases(kind, CASES[kind], STATES[kind]);
    for (const s of STATE_CASES.filter((c) => c.kinds.includes(kind))) {
      const t = s.prepare(kind);
      const before = snapshot(t);
      const mark = t.log.length;
      const rc = s.call(t);
      assert.ok(rc < 0 || rc === 12 || rc === 3, `${s.name}: expected a refusal, got ${rc} (${t.log.slice(mark).join("; ")})`);
      assertUnchanged(t, before, `${s.name} [${t.log.slice(mark).join("; ")}]`);
    }
  });

  test(`${kind}: every export is either refused by a case above, a state reader, or never refuses`, () => {
    const exports = WebAssembly.Module.exports(probe(kind).module).map((e) => e.name).filter((e) => !e.startsWith("g:"));
    const refused = refusedSomething(kind, CASES[kind], STATES[kind]);
    const stateful = new Set(STATE_CASES.filter((c) => c.kinds.includes(kind)).flatMap((c) => {
      const u = c.prepare(kind); const mark = u.log.length; c.call(u);
      return u.log.slice(mark).map((l) => l.slice(0, l.indexOf("(")));
    }));
    const missing = exports.filter((e) => !refused.has(e) && !stateful.has(e) && !(e in GETTERS) && !RESULT_GETTERS.includes(e) &&
      !NEVER_REFUSE.includes(e) && e !== "metrics_row_begin");
    assert.deepEqual(missing, [], `${kind}: exports with no refusal case`);
  });
}

test("the device modules keep no state in globals: every mutable global is per-call scratch", () => {
  for (const kind of ["token", "device", "seed", "lean"] as const) {
    assert.deepEqual(probe(kind).globals.filter((g) => !(g in DESIGNATED_GLOBALS)), [], `${kind}: globals that are not per-call scratch`);
  }
});

test("every designated area and global exists (no stale entries in the lists)", () => {
  const areas = new Set((["token", "device", "seed", "lean", "full"] as ModuleKind[]).flatMap((k) => [...probe(k).areas.keys()]));
  const globals = new Set((["token", "device", "seed", "lean", "full"] as ModuleKind[]).flatMap((k) => probe(k).globals));
  assert.deepEqual(Object.keys(DESIGNATED_AREAS).filter((a) => !areas.has(a)), []);
  assert.deepEqual(Object.keys(DESIGNATED_GLOBALS).filter((g) => !globals.has(g)), []);
});
