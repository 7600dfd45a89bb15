// Differential tests of the byte layer (assembly/json, assembly/cbor) through opaygo.wasm against
// what Python's json and cbor2 do: the committed vectors (tests/peers/make_json_vectors.py --seed 1)
// and a second seeded set from the same generator (python3 and cbor2 must be present: CI installs them).
import test from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { withSeed } from "./helpers.js";
import { CODE_NAMES } from "../bindings/abi.js";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const wasm = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(root + "build/opaygo.wasm")), {});
const x = wasm.exports as Record<string, any>;

// The vectors name the byte layer's errors without their ERR_JSON_ / ERR_ prefix (SPACE, CBOR_KEY).
const ERR: Record<string, number> = Object.fromEntries(Object.entries(CODE_NAMES)
  .filter(([, name]) => /^ERR_(JSON|CBOR)_/.test(name))
  .map(([code, name]) => [name.replace(/^ERR_(JSON_)?/, ""), Number(code)]));

const mem = () => new Uint8Array(x.memory.buffer);
const put = (bytes: Uint8Array): number => {
  assert.ok(bytes.length <= x.json_buffer_capacity(), "input fits the I/O buffer");
  mem().set(bytes, x.json_in_buffer());
  return bytes.length;
};
const result = (n: number): string | number =>
  n < 0 ? n : Buffer.from(mem().subarray(x.json_out_buffer(), x.json_out_buffer() + n)).toString("latin1");
const hexResult = (n: number): string | number =>
  n < 0 ? n : Buffer.from(mem().subarray(x.json_out_buffer(), x.json_out_buffer() + n)).toString("hex");
const double = (hex: string): number => Buffer.from(hex, "hex").readDoubleBE(0);
const bitsOf = (v: number): string => { const b = Buffer.alloc(8); b.writeDoubleBE(v); return b.toString("hex"); };

type Line = Record<string, string>;

// What our layer gives for one vector line, and what it should give.
function check(line: Line): [unknown, unknown] {
  const want = line.error !== undefined ? ERR[line.error] : undefined;
  switch (line.kind) {
    case "format":
      return [result(x.json_format_float(double(line.bits))), line.out];
    case "parse": {
      const k = x.json_parse_number(put(Buffer.from(line.text, "latin1")));
      if (k < 0) return [k, want ?? line.bits];
      if (k !== 2) return [`kind ${k}`, want ?? line.bits];
      return [bitsOf(x.json_number_float()), want ?? line.bits];
    }
    case "string":
      return [result(x.json_format_string(put(Buffer.from(line.hex, "hex")))), want ?? line.out];
    case "canonical": {
      const bytes = line.hex !== undefined ? Buffer.from(line.hex, "hex") : Buffer.from(line.text, "utf8");
      return [result(x.json_canonicalize(put(bytes))), want ?? line.out];
    }
    case "cbor":
      return [result(x.cbor_to_json(put(Buffer.from(line.hex, "hex")))), want ?? line.out];
    case "cbor_encode":
      if (line.bits !== undefined) return [hexResult(x.cbor_encode_float(double(line.bits))), line.hex];
      return [hexResult(x.cbor_encode_int(BigInt(line.int))), line.hex];
    default:
      throw new Error(`unknown vector kind ${line.kind}`);
  }
}

function runAll(lines: Line[], kind: string): void {
  const failures: string[] = [];
  let n = 0;
  for (const line of lines) {
    if (line.kind !== kind) continue;
    n++;
    const [got, want] = check(line);
    if (got !== want) failures.push(`${JSON.stringify(line).slice(0, 300)}\n    got ${JSON.stringify(got).slice(0, 300)}`);
  }
  assert.ok(n > 0, `vectors of kind ${kind}`);
  assert.equal(failures.length, 0, `${failures.length} of ${n} ${kind} vectors differ:\n  ${failures.slice(0, 8).join("\n  ")}`);
}

const KINDS = ["format", "parse", "string", "canonical", "cbor", "cbor_encode"];
const parseLines = (text: string): Line[] => text.split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));

const committed = parseLines(fs.readFileSync(root + "tests/vectors/json_canonical.jsonl", "utf8"));
for (const kind of KINDS) {
  test(`committed vectors: ${kind}`, () => runAll(committed, kind));
}

// More vectors from the same generator at a seed of their own (fixed in make check; make test-random
// SEED=S draws another set). Python is the oracle for json; CBOR encodings are checked against RFC
// 8949's preferred serialization, and where cbor2 writes other bytes the line records it.
test("live: random vectors from python3 agree", (t) => withSeed(2026, (seed) => {
  const run = spawnSync("python3", [root + "tests/peers/make_json_vectors.py", "--seed", String(seed), "--scale", "0.5", "--stdout"],
    { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(run.error, undefined, `python3 could not run: ${run.error}`);
  assert.equal(run.status, 0, run.stderr);
  const lines = parseLines(run.stdout);
  for (const kind of KINDS) runAll(lines, kind);
  const quirks = lines.filter((l) => l.cbor2 !== undefined);
  t.diagnostic(`generator seed ${seed}: ${lines.length} vectors; cbor2 departs from preferred serialization on ${quirks.length}` +
    (quirks.length ? ` (e.g. ${quirks[0].bits ?? quirks[0].int}: ${quirks[0].cbor2} for ${quirks[0].hex})` : ""));
}));

test("buffer limits: input cut short is truncated, output that does not fit is refused", () => {
  const big = Buffer.from(JSON.stringify(["x".repeat(9000), "y".repeat(9000)]));
  assert.equal(x.json_canonicalize(put(big.subarray(0, 16000))), ERR.TRUNCATED);
  const escapes = Buffer.from("\"" + "\x7f".repeat(3000) + "\"");
  assert.equal(x.json_canonicalize(put(escapes)), ERR.SPACE);
  assert.equal(x.json_canonicalize(x.json_buffer_capacity() + 1), ERR.SPACE);
});
