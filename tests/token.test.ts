// Token engine through the Node bindings: every token vector generated and decoded, the
// decoder's count window and used-counts mask, and refusals of bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeToken, generateToken, startingCodeOf, roundHalfEven, OpaygoError } from "../bindings/index.js";
import { vectorLines } from "./helpers.js";

const KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
const START = 516959010;

for (const file of ["tokens_reference.jsonl", "tokens_random.jsonl"]) {
  test(`${file}: every token generated exactly and decoded back`, () => {
    const lines = vectorLines(file);
    assert.ok(lines.length > 0);
    for (const v of lines) {
      const label = JSON.stringify(v);
      const g = generateToken({
        key: v.key, count: v.count, type: v.token_type, value: v.value_raw, startingCode: v.starting_code,
        extended: v.extended_token, restricted: v.restricted_digit_set,
      });
      assert.deepEqual(g, { count: v.new_count, token: v.token }, label);
      const d = decodeToken({ key: v.key, count: v.count, token: v.token, startingCode: v.starting_code, restricted: v.restricted_digit_set });
      // Extended tokens have no DISABLE_PAYG / COUNTER_SYNC: 998 and 999 are plain values there.
      const expectedType = v.extended_token && v.token_type !== "ADD_TIME" ? "SET_TIME" : v.token_type;
      assert.equal(d.type, expectedType, label);
      assert.equal(d.count, v.new_count, label);
      assert.equal(d.maxCount, v.new_count, label);
      if (v.token_type === "ADD_TIME" || v.token_type === "SET_TIME") assert.equal(d.value, v.value_raw, label);
    }
  });
}

test("starting code derived from the key matches the reference vectors", () => {
  const derived = vectorLines("tokens_random.jsonl").filter((v) => v.starting_code === null);
  assert.ok(derived.length > 0);
  for (const v of derived) {
    const start = startingCodeOf(v.key);
    const g = generateToken({ key: v.key, count: v.count, type: v.token_type, value: v.value_raw, startingCode: start, extended: v.extended_token, restricted: v.restricted_digit_set });
    assert.equal(g.token, v.token);
  }
});

test("value divider: Python rounding half to even, decode divides", () => {
  assert.equal(roundHalfEven(2.5), 2);
  assert.equal(roundHalfEven(3.5), 4);
  assert.equal(roundHalfEven(0.5), 0);
  assert.equal(roundHalfEven(1.5), 2);
  const g = generateToken({ key: KEY, count: 10, type: "ADD_TIME", value: 1.5, valueDivider: 10, startingCode: START });
  const same = generateToken({ key: KEY, count: 10, type: "ADD_TIME", value: 15, startingCode: START });
  assert.equal(g.token, same.token);
  const d = decodeToken({ key: KEY, count: 10, token: g.token, valueDivider: 10, startingCode: START });
  assert.equal(d.value, 1.5);
});

test("decode window: jumps up to 64 ahead, 100 for COUNTER_SYNC", () => {
  const ok = generateToken({ key: KEY, count: 100 + 62, type: "ADD_TIME", value: 3, startingCode: START });
  assert.equal(ok.count, 164);
  assert.equal(decodeToken({ key: KEY, count: 100, token: ok.token, startingCode: START }).type, "ADD_TIME");
  const far = generateToken({ key: KEY, count: 100 + 64, type: "ADD_TIME", value: 3, startingCode: START });
  assert.equal(far.count, 166);
  assert.equal(decodeToken({ key: KEY, count: 100, token: far.token, startingCode: START }).type, "INVALID");
  const sync = generateToken({ key: KEY, count: 100 + 95, type: "COUNTER_SYNC", startingCode: START });
  assert.equal(decodeToken({ key: KEY, count: 100, token: sync.token, startingCode: START }).type, "COUNTER_SYNC");
});

test("used counts: an older unused ADD_TIME is accepted once, odd counts below the max never", () => {
  const older = generateToken({ key: KEY, count: 20, type: "ADD_TIME", value: 5, startingCode: START }); // count 22
  const newer = generateToken({ key: KEY, count: 22, type: "ADD_TIME", value: 7, startingCode: START }); // count 24
  const first = decodeToken({ key: KEY, count: 20, token: newer.token, startingCode: START });
  assert.deepEqual([first.type, first.count, first.maxCount, first.usedCounts], ["ADD_TIME", 24, 24, 0b1000]); // count 20 used
  const second = decodeToken({ key: KEY, count: first.maxCount, usedCounts: first.usedCounts, token: older.token, startingCode: START });
  assert.deepEqual([second.type, second.value, second.maxCount, second.count], ["ADD_TIME", 5, 24, 22]);
  assert.equal(second.usedCounts, 0b1010);
  const again = decodeToken({ key: KEY, count: second.maxCount, usedCounts: second.usedCounts, token: older.token, startingCode: START });
  assert.equal(again.type, "ALREADY_USED");
  const oldSet = generateToken({ key: KEY, count: 18, type: "SET_TIME", value: 5, startingCode: START }); // count 19
  assert.equal(decodeToken({ key: KEY, count: 24, usedCounts: 0, token: oldSet.token, startingCode: START }).type, "ALREADY_USED");
  const set = generateToken({ key: KEY, count: 24, type: "SET_TIME", value: 1, startingCode: START });
  assert.equal(decodeToken({ key: KEY, count: 24, token: set.token, startingCode: START }).usedCounts, 0xffff);
});

test("keypad text: spaces ignored, anything else INVALID, never a trap", () => {
  const g = generateToken({ key: KEY, count: 1, type: "ADD_TIME", value: 1, startingCode: START });
  const spaced = g.token.replace(/(\d{3})/g, "$1 ");
  assert.equal(decodeToken({ key: KEY, count: 1, token: spaced, startingCode: START }).type, "ADD_TIME");
  for (const bad of ["", "   ", "12345678a", "-12345678", "1".repeat(13), "１２３", "9".repeat(64), "\u0000"]) {
    assert.equal(decodeToken({ key: KEY, count: 1, token: bad, startingCode: START }).type, "INVALID", JSON.stringify(bad));
  }
  assert.throws(() => decodeToken({ key: KEY, count: 1, token: "1".repeat(65), startingCode: START }), OpaygoError);
  const r = generateToken({ key: KEY, count: 1, type: "ADD_TIME", value: 1, startingCode: START, restricted: true });
  assert.match(r.token, /^[1-4]{15}$/);
  assert.equal(decodeToken({ key: KEY, count: 1, token: r.token, startingCode: START, restricted: true }).type, "ADD_TIME");
  assert.equal(decodeToken({ key: KEY, count: 1, token: r.token.replace(/.$/, "5"), startingCode: START, restricted: true }).type, "INVALID");
});

test("generation refuses bad parameters with clear errors", () => {
  const bad: Array<[object, RegExp]> = [
    [{ key: "abc", count: 1, type: "ADD_TIME", value: 1 }, /32 hexadecimal/],
    [{ key: KEY, count: -1, type: "ADD_TIME", value: 1 }, /count/],
    [{ key: KEY, count: 1.5, type: "ADD_TIME", value: 1 }, /count/],
    [{ key: KEY, count: 1, type: "ADD_TIME", value: 996 }, /0\.\.995/],
    [{ key: KEY, count: 1, type: "ADD_TIME", value: -1 }, /0\.\.995/],
    [{ key: KEY, count: 1, type: "SET_TIME", value: 1000000, extended: true }, /0\.\.999999/],
    [{ key: KEY, count: 1, type: "ADD_TIME" }, /numeric value/],
    [{ key: KEY, count: 1, type: "DISABLE_PAYG", value: 3 }, /no value/],
    [{ key: KEY, count: 1, type: "BOGUS", value: 3 }, /token type/],
    [{ key: KEY, count: 1, type: "ADD_TIME", value: 1, startingCode: 1e9 }, /starting code/],
    [{ key: KEY, count: 1, type: "ADD_TIME", value: 1, valueDivider: 0 }, /divider/],
  ];
  for (const [options, message] of bad) assert.throws(() => generateToken(options as any), message, JSON.stringify(options));
});
