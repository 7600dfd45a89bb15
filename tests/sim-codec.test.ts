// The sim's codec adapter (host-sim/codec.ts) against the reference library's vectors: request
// bytes, signatures, expansion, answers, CBOR round trips.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { VECTORS } from "./helpers.js";
import { parse, dump, isObj, JObj, JVal, Float } from "../host-sim/interim/jsonval.js";
import { encodeCbor, decodeCbor } from "../host-sim/interim/cbor.js";
import { buildRequest, expand, responseSignature, requestSignature, toSimpleKeys, AuthMethod, DataFormat } from "../host-sim/interim/metrics.js";
import { toPlain } from "../host-sim/interim/jsonval.js";
import { parseKey } from "../bindings/wasm.js";

function lines(name: string): JObj[] {
  return fs.readFileSync(path.join(VECTORS, name), "utf8").trim().split("\n").map((l) => parse(l) as JObj);
}

test("requests: condensed bytes and signatures equal the reference library's", () => {
  let checked = 0;
  for (const v of lines("metrics_requests.jsonl")) {
    if (v.get("error") !== undefined && v.get("error") !== null) continue;
    const format = toPlain(v.get("data_format")!) as DataFormat;
    const ts = v.get("timestamp"), rc = v.get("request_count");
    const hd = v.get("historical_data");
    const parts = {
      serial: v.get("serial_number") as string, format,
      timestamp: ts === null ? undefined : (ts as number), requestCount: rc === null ? undefined : (rc as number),
      data: v.get("data") as JObj, rows: (Array.isArray(hd) ? hd : []) as JObj[],
      auth: v.get("auth_method") as AuthMethod | null, key: parseKey(v.get("key") as string), condensed: true,
    };
    let out: string;
    try { out = dump(buildRequest(parts)); } catch { continue; } // variables outside the format: refused by both
    assert.equal(out, v.get("condensed"), dump(v.get("serial_number")!));
    checked++;
  }
  assert.ok(checked > 100, `only ${checked} vectors checked`);
});

test("expansion and auth validity equal the reference library's", () => {
  for (const v of lines("metrics_expand.jsonl")) {
    const payload = toSimpleKeys(parse(v.get("payload") as string) as JObj);
    const format = toPlain(v.get("data_format")!) as DataFormat;
    const e = expand(payload, format, v.get("received_at") as number);
    const want = v.get("simple_metrics") as JObj;
    assert.equal(dump(e.data), dump(want.get("data")!));
    assert.equal(dump(e.rows), dump(want.get("historical_data")!));
    const a = payload.get("auth");
    if (v.get("auth_valid") === null) continue;
    const hasTime = payload.get("timestamp") || payload.get("request_count");
    const ok = typeof a === "string" && !!hasTime && requestSignature(a.slice(0, 2) as AuthMethod, parseKey(v.get("key") as string), payload) === a;
    assert.equal(ok, v.get("auth_valid"));
  }
});

test("answers: signatures equal the reference library's", () => {
  for (const v of lines("metrics_responses.jsonl")) {
    const req = toSimpleKeys(parse(v.get("request") as string) as JObj);
    const want = parse(v.get("payload") as string) as JObj;
    const sig = responseSignature(parseKey(v.get("key") as string), req.get("serial_number") as string, req.get("timestamp"), req.get("request_count"), want);
    assert.equal(sig, want.get("a"));
  }
});

test("seed scenario: condensed request and answer as the reference writes them", () => {
  const s = parse(fs.readFileSync(path.join(VECTORS, "seed_scenario.json"), "utf8")) as JObj;
  const key = parseKey(s.get("key") as string);
  const req = buildRequest({
    serial: s.get("serial_number") as string, format: toPlain(s.get("data_format")!) as DataFormat,
    timestamp: s.get("timestamp") as number, data: s.get("data") as JObj, rows: s.get("historical_data") as JObj[],
    auth: "ra", key, condensed: true,
  });
  assert.equal(dump(req), s.get("condensed"));
  const answer = parse(s.get("answer") as string) as JObj;
  assert.equal(responseSignature(key, s.get("serial_number") as string, s.get("timestamp"), undefined, answer), answer.get("a"));
});

test("JSON and CBOR round trips keep floats, big integers and key order", () => {
  const samples = ['{"7":1,"a":[1.0,-0.0,1e-05,1.5e+16,12345678901234567890,"\\u00fc\\ud83d\\ude00",null,true]}', "[0.1,100.0,-3]"];
  for (const text of samples) {
    const v = parse(text);
    assert.equal(dump(v), text);
    assert.equal(dump(decodeCbor(encodeCbor(v))), text);
  }
  assert.ok(encodeCbor(new Float(0)).length === 3);
  for (const bad of ["{", "[1,]", "NaN", '{"a":1}x', '"\\x"', "1e999"]) assert.throws(() => parse(bad));
  for (const bad of [Buffer.from([0x9f]), Buffer.from([0x83, 1]), Buffer.from([0x5f]), Buffer.from([0xfb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0])]) assert.throws(() => decodeCbor(bad));
});
