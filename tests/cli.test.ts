// The opaygo CLI as users script it: batch vectors, the device procedure, and refusals.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DEVICE_PROCEDURE_FILES, ROOT, jsonLines, opaygo, vectorLines, vectorText } from "./helpers.js";

const KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";

for (const file of ["tokens_reference.jsonl", "tokens_random.jsonl"]) {
  test(`token generate/decode --jsonl reproduce ${file}`, () => {
    const vectors = vectorLines(file);
    const gen = opaygo(["token", "generate", "--jsonl"], vectorText(file));
    assert.equal(gen.status, 0, gen.stderr);
    const generated = jsonLines(gen.stdout);
    assert.equal(generated.length, vectors.length);
    generated.forEach((g, i) => assert.deepEqual(g, { count: vectors[i].new_count, token: vectors[i].token }, JSON.stringify(vectors[i])));
    const decodeInput = vectors.map((v) => JSON.stringify({ ...v, used_counts: 0 })).join("\n");
    const dec = opaygo(["token", "decode", "--jsonl"], decodeInput);
    assert.equal(dec.status, 0, dec.stderr);
    jsonLines(dec.stdout).forEach((d, i) => {
      const v = vectors[i];
      assert.equal(d.count, v.new_count, JSON.stringify(v));
      assert.equal(d.type, v.extended_token && v.token_type !== "ADD_TIME" ? "SET_TIME" : v.token_type);
    });
  });
}

test("single-shot generate and decode print what the contract says", () => {
  const plain = opaygo(["token", "generate", "--key", KEY, "--starting-code", "516959010", "--count", "1", "--type", "add", "--value", "1"]);
  assert.equal(plain.stdout, "588224011\n");
  const json = opaygo(["token", "generate", "--key", KEY, "--starting-code", "516959010", "--count", "1", "--type", "add", "--value", "1", "--json"]);
  assert.deepEqual(JSON.parse(json.stdout), { count: 2, token: "588224011" });
  const dec = opaygo(["token", "decode", "--key", KEY, "--starting-code", "516959010", "--count", "1", "--token", "588224011"]);
  assert.deepEqual(JSON.parse(dec.stdout), { type: "ADD_TIME", value: 1, count: 2, maxCount: 2, usedCounts: 1 });
  const invalid = opaygo(["token", "decode", "--key", KEY, "--count", "1", "--token", "000000000", "--used-counts", "0x00ff"]);
  assert.deepEqual(JSON.parse(invalid.stdout), { type: "INVALID", value: null, count: null, maxCount: 1, usedCounts: 255 });
});

test("token decode reports an even-count 998 as the stateless decoders do: ADD_TIME 998", () => {
  // The official procedure's U3 disable token (tests/vectors/device_procedure_official.jsonl);
  // only the device treats it as DISABLE_PAYG.
  const dec = opaygo(["token", "decode", "--key", KEY, "--starting-code", "516959010", "--count", "660", "--token", "022235008"]);
  assert.equal(dec.status, 0, dec.stderr);
  assert.deepEqual(JSON.parse(dec.stdout), { type: "ADD_TIME", value: 998, count: 664, maxCount: 664, usedCounts: 0xffff });
});

test("device run --jsonl passes the official procedure and the waiting period", () => {
  for (const s of DEVICE_PROCEDURE_FILES.flatMap(vectorLines)) {
    const args = ["device", "run", "--key", s.key, "--starting-code", String(s.starting_code), "--count", String(s.count), "--jsonl"];
    if (!s.waiting_period) args.push("--no-waiting-period");
    const input = s.steps.map((st: any) => JSON.stringify(st.token !== undefined ? { token: st.token } : { advance: st.advance })).join("\n");
    const run = opaygo(args, input);
    assert.equal(run.status, 0, run.stderr);
    const out = jsonLines(run.stdout);
    assert.equal(out.length, s.steps.length);
    s.steps.forEach((st: any, i: number) => {
      for (const [k, v] of Object.entries(st.expect)) assert.deepEqual(out[i][k], v, `${s.name} step ${i} ${k}`);
    });
  }
});

test("a bad batch line gets an error line, the batch goes on, the exit status says so", () => {
  const input = ['{"key":"zz","count":1,"token_type":"ADD_TIME","value_raw":1}', "not json", "[1]",
    JSON.stringify({ key: KEY, count: 1, token_type: "ADD_TIME", value_raw: 1, starting_code: 516959010 })].join("\n");
  const run = opaygo(["token", "generate", "--jsonl"], input);
  assert.equal(run.status, 2);
  const out = jsonLines(run.stdout);
  assert.equal(out.length, 4);
  assert.match(out[0].error, /32 hexadecimal/);
  assert.match(out[1].error, /JSON/);
  assert.match(out[2].error, /object/);
  assert.deepEqual(out[3], { count: 2, token: "588224011" });
  const dev = opaygo(["device", "run", "--key", KEY, "--jsonl"], '{"advance":-5}\n{"nothing":1}\n{"token":"1"}\n');
  assert.equal(dev.status, 2);
  const lines = jsonLines(dev.stdout);
  assert.match(lines[0].error, /advance/);
  assert.match(lines[1].error, /token/);
  assert.equal(lines[2].result, "INVALID");
});

test("bad command-line input: clear message on stderr, exit 2 (the user's mistake, not a bug), nothing on stdout", () => {
  const cases: Array<[string[], RegExp]> = [
    [["token", "generate", "--key", KEY, "--count", "x", "--type", "add", "--value", "1"], /count must be a whole number/],
    [["token", "generate", "--key", KEY, "--count", "1", "--type", "bogus"], /Allowed choices/],
    [["token", "generate", "--key", "12", "--count", "1", "--type", "add", "--value", "1"], /32 hexadecimal/],
    [["token", "generate", "--key", KEY, "--type", "add", "--value", "1"], /missing --count/],
    [["token", "generate", "--key", KEY, "--count", "1", "--type", "add", "--value", "5000"], /0\.\.995/],
    [["token", "decode", "--key", KEY, "--count", "70000", "--token", "1"], /at most 65535/],
    [["token", "decode", "--key", KEY, "--count", "1", "--token", "1", "--used-counts", "0x1ffff"], /16-bit/],
    [["device", "run", "--key", KEY], /--jsonl/],
    [["device", "run", "--key", "bad", "--jsonl"], /32 hexadecimal/],
    [["nonsense"], /unknown command/],
  ];
  for (const [args, message] of cases) {
    const r = opaygo(args, "");
    assert.equal(r.status, 2, args.join(" "));
    assert.match(r.stderr, message, args.join(" "));
    assert.doesNotMatch(r.stderr, /internal error|    at /, args.join(" "));
    assert.equal(r.stdout, "", args.join(" "));
  }
  const help = opaygo(["token", "decode", "--help"]);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--used-counts/);
});

test("--version prints the package version", () => {
  const r = opaygo(["--version"]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).version);
});
