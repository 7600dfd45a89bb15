// Signatures are compared in constant time (assembly/server/verify.ts sameHex: a fixed 16
// XOR rounds with the length folded in; assembly/metrics/answer.ts: stringEqualsSecret). This is
// the functional side of that change: a wrong signature of every length, and the right one with
// any single digit changed, is still refused, on the server and on the device; the right one is
// accepted. No timing is measured or asserted.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Device } from "../bindings/device.js";
import { generateToken } from "../bindings/token.js";
import { MetricsEncoder, buildAnswer, verifyRequest } from "../bindings/metrics.js";
import type { AuthMethod, DataFormat } from "../bindings/metrics.js";

const KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const NOW = 1_700_000_000;
const FORMAT: DataFormat = { id: 7, data_order: ["token_count"], historical_data_order: ["v"], historical_data_interval: 60 };
const HEX = "0123456789abcdef";

/** Wrong signatures of every length 0..20 (prefixes of the right one, the right one with extra
 *  digits, other digits) and the right one with each digit changed in turn. */
function wrongSignatures(right: string): string[] {
  const out = new Set<string>();
  for (let len = 0; len <= 20; len++) {
    if (len < right.length) out.add(right.slice(0, len));
    if (len > right.length) out.add(right + "0".repeat(len - right.length));
    out.add(Array.from({ length: len }, (_, i) => HEX[(i * 7 + 3) % 16]).join(""));
  }
  for (let i = 0; i < right.length; i++) {
    const c = right[i] === "0" ? "1" : "0";
    out.add(right.slice(0, i) + c + right.slice(i + 1));
  }
  out.add(right.toUpperCase() === right ? right + "x" : right.toUpperCase());
  out.delete(right);
  return [...out];
}

function signedRequest(method: AuthMethod, serial = "SN1"): string {
  const device = new Device({ key: KEY, waitingPeriod: true });
  const enc = new MetricsEncoder({ serialNumber: serial, device, authMethod: method, dataFormat: FORMAT });
  enc.setTimestamp(NOW);
  enc.setRequestCount(5);
  enc.setData({ token_count: 0 });
  enc.addHistoricalRow({ v: 1 });
  enc.addHistoricalRow({ v: 2 });
  return enc.condensed();
}

for (const method of ["sa", "ta", "ca", "da", "ra"] as AuthMethod[]) {
  test(`server: a '${method}' request verifies; a wrong signature of every length (0..20) and each digit changed is refused`, () => {
    const body = signedRequest(method);
    const m = /"a":"([a-z]{2})([0-9a-f]+)"/.exec(body);
    assert.ok(m, body);
    assert.equal(m[1], method);
    const right = m[2];
    const verify = (text: string) => verifyRequest({ body: text, key: KEY, lastTimestamp: 0, lastRequestCount: 0 }).result;
    assert.equal(verify(body), "valid");
    const wrong = wrongSignatures(right);
    const lengths = new Set(wrong.map((s) => s.length));
    for (let len = 0; len <= 20; len++) assert.ok(lengths.has(len) || len === right.length, `a wrong signature of length ${len}`);
    for (const sig of wrong) {
      const text = body.replace(`"a":"${method}${right}"`, `"a":"${method}${sig}"`);
      assert.notEqual(text, body);
      // "ra" with nothing after it is still a (bad) signature; an empty "a" is no signature at all
      assert.equal(verify(text), "bad_signature", `signature ${JSON.stringify(method + sig)}`);
    }
    // the method prefix alone changed: refused too
    const other = method === "ra" ? "da" : "ra";
    assert.equal(verify(body.replace(`"a":"${method}`, `"a":"${other}`)), "bad_signature");
    // the right signature with the key of another device
    assert.equal(verifyRequest({ body, key: "00".repeat(16), lastTimestamp: 0, lastRequestCount: 0 }).result, "bad_signature");
  });
}

test("device: a signed answer applies; a wrong signature of every length and each digit changed is refused and changes nothing", () => {
  const fresh = () => {
    const device = new Device({ key: KEY, waitingPeriod: true });
    const enc = new MetricsEncoder({ serialNumber: "SN1", device, authMethod: "ra", dataFormat: FORMAT });
    enc.setTimestamp(NOW);
    enc.setRequestCount(5);
    enc.setData({ token_count: 0 });
    enc.addHistoricalRow({ v: 1 });
    enc.addHistoricalRow({ v: 2 });
    const request = enc.condensed();
    return { device, enc, request };
  };
  const s = fresh();
  const token = generateToken({ key: KEY, count: 1, type: "ADD_TIME", value: 3 }).token;
  const answer = buildAnswer({ body: s.request, key: KEY, answer: { tkl: [token], st: { upload_interval: 7200 } } });
  const m = /"a":"da([0-9a-f]+)"/.exec(answer);
  assert.ok(m, answer);
  const right = m[1];
  const state = () => ({ blob: Buffer.from(s.device.save()).toString("hex"), ring: s.enc.ring() });
  const before = state();
  let refused = 0;
  for (const sig of wrongSignatures(right)) {
    const text = answer.replace(`"a":"da${right}"`, `"a":"da${sig}"`);
    assert.notEqual(text, answer);
    assert.throws(() => s.enc.applyAnswer(text, NOW), /signature/, `signature ${JSON.stringify("da" + sig)}`);
    assert.deepEqual(state(), before, "a refused answer changes nothing");
    refused++;
  }
  // non-ASCII and escaped characters in place of a digit: decoded, compared, refused
  for (const sig of [right.slice(0, -1) + "\\u00e9", right.slice(0, -1) + "\\u0030\\u0030", "\\ud83d\\ude00" + right.slice(2)]) {
    assert.throws(() => s.enc.applyAnswer(answer.replace(`"a":"da${right}"`, `"a":"da${sig}"`), NOW), /signature/, sig);
    assert.deepEqual(state(), before);
  }
  // an escaped copy of the right signature decodes to the same text and is accepted, as before
  const r = s.enc.applyAnswer(answer.replace(`"a":"da${right}"`, `"a":"\\u0064a${right}"`), NOW);
  assert.equal(r.signed, true);
  assert.deepEqual(r.tokens.map((t) => t.result), ["ACCEPTED"]);
  assert.ok(refused > 30);
  // and the unmodified answer on a fresh device
  const t = fresh();
  const ok = t.enc.applyAnswer(buildAnswer({ body: t.request, key: KEY, answer: { tkl: [token] } }), NOW);
  assert.equal(ok.signed, true);
  assert.deepEqual(ok.tokens.map((x) => x.result), ["ACCEPTED"]);
  assert.equal(t.enc.ring().rows, 0, "the answer released the rows");
});
