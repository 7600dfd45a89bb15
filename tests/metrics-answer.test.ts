// Device side of server answers: the reference's signed answers accepted, tokens credited through
// the token engine, time / settings / extra data handed over, rows released, and every refused
// answer leaving the device exactly as it was.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { Device } from "../bindings/device.js";
import { generateToken } from "../bindings/token.js";
import { MetricsEncoder, buildAnswer, parseLossless, rawMember, stringifyLossless, Float } from "../bindings/metrics.js";
import type { JsonValue, DataFormat } from "../bindings/metrics.js";
import { withSeed } from "./helpers.js";

type Obj = { [k: string]: JsonValue };
const dir = new URL("../../../tests/vectors/", import.meta.url);
const lines = (name: string) => fs.readFileSync(new URL(name, dir), "utf8").split("\n").filter(Boolean);
const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const NOW = 1_700_000_000;
const FORMAT: DataFormat = { id: 7, data_order: ["token_count"], historical_data_order: ["v"], historical_data_interval: 60 };

interface Setup { device: Device; enc: MetricsEncoder; request: string }

// A device that has sent one condensed request (rc 5, ts NOW, two historical rows).
function setup(o: { ts?: number | null; rc?: number | null; serial?: string } = {}): Setup {
  const device = new Device({ key: KEY, waitingPeriod: true });
  const enc = new MetricsEncoder({ serialNumber: o.serial ?? "SN1", device, authMethod: "ra", dataFormat: FORMAT });
  if (o.ts !== null) enc.setTimestamp(o.ts ?? NOW);
  if (o.rc !== null) enc.setRequestCount(o.rc ?? 5);
  enc.setData({ token_count: 0 });
  enc.addHistoricalRow({ v: 1 });
  enc.addHistoricalRow({ v: 2 });
  const request = enc.condensed();
  return { device, enc, request };
}

function snapshot(s: Setup) {
  return { blob: Buffer.from(s.device.save()).toString("hex"), ring: s.enc.ring(), payload: s.enc.condensed() };
}

function token(count: number, type: "ADD_TIME" | "SET_TIME" | "DISABLE_PAYG", value?: number) {
  return generateToken({ key: KEY, count, type, value: value ?? null });
}

lines("metrics_responses.jsonl").forEach((line, i) => {
  test(`reference answer line ${i + 1}: accepted, verified, handed over; tampered copies refused`, () => {
    const v = JSON.parse(line);
    const req = parseLossless(v.request) as Obj;
    const device = new Device({ key: v.key });
    const enc = new MetricsEncoder({ serialNumber: req.sn as string, device });
    if (typeof req.ts === "number") enc.setTimestamp(req.ts);
    if (typeof req.rc === "number") enc.setRequestCount(req.rc);
    enc.setData({});
    enc.simple();
    const answer = parseLossless(rawMember(line, "answer")!) as Obj;
    const before = Buffer.from(device.save()).toString("hex");
    // a changed signature, and the answer with a changed part, are both refused
    const badSig = v.payload.replace(/"a":"da(.)/, (_m: string, c: string) => `"a":"da${c === "0" ? "1" : "0"}`);
    assert.throws(() => enc.applyAnswer(badSig, NOW), /signature/);
    if (answer.extra_data) assert.throws(() => enc.applyAnswer(v.payload.replace(/"ed":\{/, '"ed":{"x":1,'), NOW), /signature/);
    assert.equal(Buffer.from(device.save()).toString("hex"), before);

    const r = enc.applyAnswer(v.payload, NOW);
    assert.equal(r.signed, true);
    assert.deepEqual(r.tokens.map((t) => t.token), ((answer.token_list ?? []) as string[]).map(String));
    const st = answer.settings as Obj | undefined;
    assert.equal(r.settings === null ? null : stringifyLossless(r.settings), st ? stringifyLossless(st) : null);
    const ed = answer.extra_data as Obj | undefined;
    assert.equal(r.extraData === null ? null : stringifyLossless(r.extraData), ed ? stringifyLossless(ed) : null);
    assert.equal(r.baseUrl, st && typeof st.base_url === "string" ? st.base_url : null);
    if (answer.active_until_timestamp !== undefined) {
      assert.deepEqual(r.time, { kind: "active_until_timestamp", value: answer.active_until_timestamp });
      assert.equal(device.wasm.exports.device_active_until() >>> 0, answer.active_until_timestamp);
    } else if (answer.active_seconds_left !== undefined) {
      assert.deepEqual(r.time, { kind: "active_seconds_left", value: answer.active_seconds_left });
      assert.equal(device.secondsLeft(NOW), answer.active_seconds_left);
    } else assert.equal(r.time, null);
  });
});

test("tokens from a signed answer credit the device in order; already used and invalid ones are reported", () => {
  const s = setup();
  const t1 = token(0, "SET_TIME", 10); // count 1
  const t2 = token(t1.count, "ADD_TIME", 5); // count 2
  const answer = buildAnswer({ body: s.request, key: KEY, answer: { token_list: [t1.token, t2.token, t1.token, "123456789"] } });
  const r = s.enc.applyAnswer(answer, NOW);
  assert.deepEqual(r.tokens.map((t) => [t.result, t.type, t.value]), [
    ["ACCEPTED", "SET_TIME", 10], ["ACCEPTED", "ADD_TIME", 5], ["ALREADY_USED", null, null], ["INVALID", null, null],
  ]);
  assert.equal(s.device.secondsLeft(NOW), 15 * 86400);
  assert.equal(s.device.count(), 2);
  // network tokens do not start the keypad waiting period
  assert.equal(s.device.wasm.exports.device_invalid_streak(), 0);
  // the rows the request carried are released
  assert.deepEqual([s.enc.ring().rows, s.enc.ring().sentRows], [0, 0]);
});

test("network tokens are neither blocked by nor counted toward the keypad waiting period", () => {
  const s = setup();
  assert.equal(s.device.enterToken("111111111", NOW).result, "INVALID");
  assert.equal(s.device.enterToken(token(0, "ADD_TIME", 1).token, NOW + 1).result, "BLOCKED");
  const streak = s.device.wasm.exports.device_invalid_streak();
  const blocked = s.device.wasm.exports.device_blocked_until();
  const t = token(0, "SET_TIME", 3);
  const r = s.enc.applyAnswer(JSON.stringify({ tkl: [t.token, "222222222"] }), NOW + 2); // unsigned: tokens only
  assert.deepEqual(r.tokens.map((x) => x.result), ["ACCEPTED", "INVALID"]);
  assert.equal(r.signed, false);
  assert.equal(s.device.secondsLeft(NOW + 2), 3 * 86400);
  assert.equal(s.device.wasm.exports.device_invalid_streak(), streak);
  assert.equal(s.device.wasm.exports.device_blocked_until(), blocked);
});

test("tokens as JSON numbers, simple key names, whitespace", () => {
  const s = setup();
  const t = token(0, "SET_TIME", 2);
  const r = s.enc.applyAnswer(`{ "token_list" : [ ${Number(t.token)} ] }`, NOW);
  assert.equal(r.tokens[0].result, "ACCEPTED");
  assert.equal(s.device.secondsLeft(NOW), 2 * 86400);
});

test("time: active_until_timestamp replaces the credit (ends PAYG disabled); active_seconds_left counts from now", () => {
  const s = setup();
  s.enc.applyAnswer(buildAnswer({ body: s.request, key: KEY, answer: { token_list: [token(0, "DISABLE_PAYG").token] } }), NOW);
  assert.equal(s.device.paygDisabled(), true);
  let r = s.enc.applyAnswer(buildAnswer({ body: s.request, key: KEY, answer: { active_until_timestamp: NOW + 100 } }), NOW);
  assert.deepEqual(r.time, { kind: "active_until_timestamp", value: NOW + 100 });
  assert.equal(s.device.paygDisabled(), false);
  assert.equal(s.device.secondsLeft(NOW), 100);
  // the reference writes datetime.timestamp() floats: whole seconds are kept
  r = s.enc.applyAnswer(buildAnswer({ body: s.request, key: KEY, answer: { active_until_timestamp: new Float(NOW + 50.75) } }), NOW);
  assert.equal(s.device.secondsLeft(NOW), 50);
  r = s.enc.applyAnswer(buildAnswer({ body: s.request, key: KEY, answer: { active_seconds_left: new Float(3600.0) } }), NOW + 7);
  assert.deepEqual(r.time, { kind: "active_seconds_left", value: 3600 });
  assert.equal(s.device.secondsLeft(NOW + 7), 3600);
  // zero locks (it is not part of the signed text, but the answer must still be signed)
  s.enc.applyAnswer(buildAnswer({ body: s.request, key: KEY, answer: { active_seconds_left: 0 } }), NOW);
  assert.equal(s.device.isActive(NOW), false);
  // beyond u32: saturated
  s.enc.applyAnswer(buildAnswer({ body: s.request, key: KEY, answer: { active_until_timestamp: 99999999999 } }), NOW);
  assert.equal(s.device.wasm.exports.device_active_until() >>> 0, 0xffffffff);
});

test("settings: base_url decoded, data_format_id adopted by the encoder, jwt_key and the rest handed over; extra data handed over", () => {
  const s = setup();
  const settings = { base_url: "https:\\/\\/caf\\u00e9.example\\/m\\ud83d\\ude00", data_format_id: 42, power_mode: "high" };
  const text = `{"base_url":"${settings.base_url}","data_format_id":42,"jwt_key":"k3y","power_mode":"high"}`;
  const answer = buildAnswer({ body: s.request, key: KEY, answer: `{"settings":${text},"extra_data":{"x":[1,2.0]}}` });
  const r = s.enc.applyAnswer(answer, NOW);
  assert.equal(r.baseUrl, "https://café.example/m😀");
  assert.equal(r.dataFormatId, 42);
  assert.equal(stringifyLossless(r.extraData!), '{"x":[1,2.0]}');
  assert.equal((r.settings as Obj).power_mode, "high");
  assert.equal((r.settings as Obj).jwt_key, "k3y"); // for the host: the module signs no JWT
  assert.match(s.enc.condensed(), /^\{"sn":"SN1","df":42,/);
});

test("the empty answer {} releases exactly the rows the request carried", () => {
  const s = setup();
  s.enc.addHistoricalRow({ v: 3 }); // recorded after the send: the secondary store
  assert.deepEqual([s.enc.ring().rows, s.enc.ring().sentRows], [3, 2]);
  s.enc.applyAnswer("{}", NOW);
  assert.deepEqual([s.enc.ring().rows, s.enc.ring().sentRows], [1, 0]);
  assert.match(s.enc.condensed(), /"hd":\[\[3\]\]/);
});

test("the signature covers the last request's ts / rc, present or not", () => {
  for (const [ts, rc] of [[null, 9], [NOW, null], [0, 3], [null, null]] as const) {
    const s = setup({ ts, rc });
    const answer = buildAnswer({ body: s.request, key: KEY, answer: { settings: { a: 1 } } });
    assert.equal(s.enc.applyAnswer(answer, NOW).signed, true);
    // an answer signed for another request count is refused
    const other = setup({ ts, rc: (rc ?? 0) + 1 });
    if (rc !== null) assert.throws(() => other.enc.applyAnswer(answer, NOW), /signature/);
  }
});

test("refusals change nothing: device state, ring, data format", () => {
  const s = setup();
  const signed = (a: Record<string, JsonValue> | string) => buildAnswer({ body: s.request, key: KEY, answer: a });
  const good = signed({ token_list: [token(0, "SET_TIME", 4).token], settings: { data_format_id: 9 } });
  const cases: [string, RegExp][] = [
    [good.slice(0, -1), /malformed/],
    [good + "x", /malformed/],
    ["[1]", /malformed/],
    ["", /malformed/],
    ['{"tkl":["1"]', /malformed/],
    ['{"tkl":"123"}', /wrong type/],
    ['{"tkl":["12a4"]}', /not token text/],
    ['{"tkl":[1.5]}', /not token text/],
    ['{"tkl":[-123456789]}', /not token text/],
    ['{"tkl":[""]}', /not token text/],
    [`{"tkl":["${"1".repeat(65)}"]}`, /not token text/],
    [`{"tkl":[${Array(17).fill('"1"').join(",")}]}`, /wrong type/],
    ['{"tkl":[],"token_list":[]}', /wrong type/],
    ['{"st":[1]}', /wrong type/],
    ['{"a":12}', /wrong type/],
    ['{"auts":-1}', /wrong type/],
    ['{"auts":"12"}', /wrong type/],
    ['{"auts":1,"asl":1}', /wrong type/],
    ['{"settings":{"data_format_id":"9"}}', /wrong type/],
    ['{"auts":1700000000}', /signature/],
    ['{"asl":0}', /signature/],
    ['{"st":{"base_url":"evil"}}', /signature/],
    ['{"ed":{"x":1}}', /signature/],
    [good.replace('"a":"da', '"a":"ra'), /signature/],
    [good.replace(/"a":"[^"]*"/, '"a":"da0"'), /signature/],
    [good.replace('{', '{"sn":"SN2",'), /another serial/],
    [good.replace('{', '{"sn":5,'), /wrong type/],
    ["[".repeat(40) + "]".repeat(40), /nesting/],
    [`{"ed":${"[".repeat(20)}${"]".repeat(20)}}`, /nesting/],
  ];
  const before = snapshot(s);
  for (const [body, message] of cases) {
    assert.throws(() => s.enc.applyAnswer(body, NOW), message, body);
    assert.deepEqual(snapshot(s), before, body);
  }
  // oversized: refused by the binding and by the module itself
  assert.throws(() => s.enc.applyAnswer(" ".repeat(2000) + "{}", NOW), /limit/);
  const x = s.enc.wasm.exports; // the device's own instance
  assert.equal(x.metrics_answer_apply(x.metrics_out_capacity() + 1, NOW), -29);
  assert.equal(x.metrics_answer_apply(-1, NOW), -29);
  assert.deepEqual(snapshot(s), before);
  // the same answer with the right serial (either key name) is accepted
  const r = s.enc.applyAnswer(good.replace("{", '{"serial_number":"SN1",'), NOW);
  assert.equal(r.tokens[0].result, "ACCEPTED");
  assert.equal(r.dataFormatId, 9);
});

test("random bytes never trap and never change anything", () => withSeed(12345, (seed) => {
  const s = setup();
  const before = snapshot(s);
  let state = seed;
  const rand = () => ((state = (state * 1103515245 + 12345) >>> 0) >>> 8) & 0xff;
  const alphabet = '{}[]",:0123456789-.eE tkladuslnr\\ufx';
  for (let i = 0; i < 3000; i++) {
    const n = rand() % 40;
    let body = "";
    for (let j = 0; j < n; j++) body += alphabet[rand() % alphabet.length];
    try { s.enc.applyAnswer(body, NOW); } catch (e) { assert.ok((e as Error).name === "OpaygoError", String(e)); continue; }
    // accepted: only harmless answers can be accepted unsigned; put the state back
    Object.assign(before, snapshot(s));
  }
  assert.deepEqual(snapshot(s).blob, before.blob);
}));

test("device module: the inline format text lives at the end of the output buffer and survives answers", () => {
  const device = new Device({ key: KEY });
  const format = { data_order: ["token_count", "é"], historical_data_order: ["v"], historical_data_interval: 60, note: "x\u2028" };
  const enc = new MetricsEncoder({ serialNumber: "SN1", device, authMethod: "ra", dataFormat: format });
  const x = enc.wasm.exports; // the device's own instance
  const text = '{"data_order":["token_count","\\u00e9"],"historical_data_order":["v"],"historical_data_interval":60,"note":"x\\u2028"}';
  assert.equal(x.metrics_out_capacity(), 1024 - text.length);
  enc.setRequestCount(1);
  enc.setData({ token_count: 3 });
  const first = enc.condensed();
  assert.ok(first.includes(`"dfo":${text}`), first);
  enc.applyAnswer(" ".repeat(x.metrics_out_capacity() - 2) + "{}", NOW); // fills all the usable space
  enc.addAccessory('{"sn":"acc"}');
  // (acc is not covered by the request's auth: the signature stays the same)
  assert.equal(enc.condensed(), first.replace(`"rc":1,`, `"rc":1,"acc":[{"sn":"acc"}],`));
  assert.throws(() => enc.applyAnswer(" ".repeat(x.metrics_out_capacity() - 1) + "{}", NOW), /limit/);
  // a format id frees the space again (and the answer releases the accessory that was sent)
  enc.applyAnswer(buildAnswer({ body: first, key: KEY, answer: { settings: { data_format_id: 4 } } }), NOW);
  assert.equal(x.metrics_out_capacity(), 1024);
  assert.match(enc.condensed(), /^\{"sn":"SN1","df":4,"rc":1,"d":\[3\],/);
});
