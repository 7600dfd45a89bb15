// Invariants of the device over long seeded random runs: the count never decreases, no token is
// applied twice, random and foreign-key tokens are accepted no more often than the search space
// allows, and the waiting period bounds brute force (docs/robustness.md has the figures).
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateToken, TOKEN_TYPES } from "../bindings/index.js";
import { withSeed } from "./helpers.js";
import { prng, randInt, randomDigits, randomHexKey, RawDevice, ACCEPTED, INVALID, ALREADY_USED, BLOCKED } from "./fuzz-shared.js";

const KEY = "5f1c2e3d4b5a69788796a5b4c3d2e1f0";
const START = 412345678;

test("long random sequences: count never decreases, no token applied twice", () => withSeed(20240607, (seed) => {
  const r = prng(seed);
  for (const flags of [0, 2]) {
    const dev = new RawDevice(KEY, START, 1, flags);
    const issued: string[] = [];
    const accepted = new Set<string>();
    const acceptedCounts = new Set<number>();
    let now = 1_000_000;
    let last = dev.count();
    let acceptedN = 0;
    for (let step = 0; step < 1500; step++) {
      now += randInt(r, 4000);
      const pick = r();
      let text: string;
      if (pick < 0.45 || issued.length === 0) {
        // a fresh token from the server, sometimes well ahead of the device (lost tokens)
        const type = TOKEN_TYPES[randInt(r, 3)];
        const base = Math.max(dev.count(), 1) + randInt(r, 12) - 4;
        const g = generateToken({ key: KEY, startingCode: START, count: Math.max(base, 0), type, value: type === "DISABLE_PAYG" ? undefined : randInt(r, 996) });
        issued.push(g.token);
        text = g.token;
      } else if (pick < 0.8) {
        text = issued[randInt(r, issued.length)]; // replay or late entry of an issued token
      } else if (pick < 0.9) {
        text = randomDigits(r, 9);
      } else {
        text = generateToken({ key: randomHexKey(r), count: dev.count(), type: "ADD_TIME", value: 1 }).token;
      }
      const res = dev.enter(text, now);
      const count = dev.count();
      assert.ok(count >= last, `count went down ${last} -> ${count} at step ${step}`);
      if (ACCEPTED.includes(res)) {
        acceptedN++;
        // A token is identified by its count: the same 9 digits can also be the token of another
        // count (6 digits identify a count, so two counts share them with probability 10^-6; this
        // seed meets one such pair), and then it is rightly accepted once for each count.
        const c = dev.x.token_result_count() >>> 0;
        assert.ok(!acceptedCounts.has(c), `count ${c} applied twice (token ${text}, step ${step})`);
        acceptedCounts.add(c);
        assert.ok(c > last || c + 16 >= last, `count ${c} accepted far below the device's ${last}`);
        accepted.add(text);
      } else {
        assert.ok([INVALID, ALREADY_USED, BLOCKED].includes(res), `result ${res}`);
        if (flags & 2) assert.notEqual(res, BLOCKED);
        assert.equal(count, last, "a refused entry moved the count");
      }
      last = count;
    }
    assert.ok(acceptedN > 50, `the run must exercise acceptance (${acceptedN})`);
  }
}));

// Per try, a random 9-digit text matches some count in 0..max+64 with probability about
// (max + 65) / 10^6 (the last 3 digits carry the value; 6 digits identify the count).
function matchRate(tries: number, maxCount: number, text: (r: () => number) => string, seed: number) {
  const r = prng(seed);
  const dev = new RawDevice(KEY, START, maxCount, 2);
  let matched = 0, accepted = 0;
  const w = dev.w, x = dev.x;
  for (let i = 0; i < tries; i++) {
    const t = Buffer.from(text(r), "latin1");
    w.bytes().set(t, x.text_buffer());
    const res = x.token_decode(START, maxCount, 0, t.length, false);
    if (res !== INVALID) matched++;
    if (ACCEPTED.includes(res)) accepted++;
  }
  return { matched, accepted, expected: (tries * (maxCount + 65)) / 1e6 };
}

test("random tokens: matches no more often than (count + 65) / 10^6 per try", () => withSeed(7, (seed) => {
  const tries = 40_000, count = 200;
  const { matched, accepted, expected } = matchRate(tries, count, (r) => randomDigits(r, 9), seed);
  // expected ~10.6; Poisson(10.6) exceeds 30 with probability < 1e-6; a decoder comparing one
  // digit fewer would match ~10x as often
  assert.ok(matched <= 30, `random tokens matched ${matched} times in ${tries} tries (expected ~${expected.toFixed(1)})`);
  assert.ok(accepted <= matched);
}));

test("foreign-key tokens: accepted no more often than the search space allows", () => withSeed(99, (seed) => {
  const r = prng(seed);
  const count = 200, tries = 1500;
  const dev = new RawDevice(KEY, START, count, 2);
  let matched = 0;
  for (let i = 0; i < tries; i++) {
    const type = TOKEN_TYPES[randInt(r, 4)];
    const value = type === "ADD_TIME" || type === "SET_TIME" ? randInt(r, 996) : undefined;
    const g = generateToken({ key: randomHexKey(r), count: count + randInt(r, 10), type, value });
    const t = Buffer.from(g.token, "latin1");
    dev.w.bytes().set(t, dev.x.text_buffer());
    if (dev.x.token_decode(START, count, 0, t.length, false) !== INVALID) matched++;
  }
  // expected 1500 * 365 / 10^6 = 0.55 (COUNTER_SYNC tries +100 counts); Poisson(0.55) > 6 < 1e-6
  assert.ok(matched <= 6, `foreign tokens matched ${matched} times in ${tries}`);
}));

// The attack schedule the waiting period allows: after n invalid entries, 2^min(n,10) minutes.
function attackSchedule(seconds: number): number[] {
  const times: number[] = [];
  let t = 0, n = 0;
  while (t < seconds) {
    times.push(t);
    n = Math.min(n + 1, 10);
    t += 60 * 2 ** n;
  }
  return times;
}

test("waiting period: a brute-force attacker trying every second for a week gets 18 guesses", () => withSeed(31337, (seed) => {
  const WEEK = 7 * 86400;
  const dev = new RawDevice(KEY, START, 1, 0);
  const r = prng(seed);
  const tried: number[] = [];
  for (let now = 0; now < WEEK; now++) {
    const res = dev.enter(randomDigits(r, 9), now);
    if (res !== BLOCKED) {
      tried.push(now);
      assert.equal(res, INVALID);
    }
  }
  const expected = attackSchedule(WEEK);
  assert.deepEqual(tried, expected);
  const perDay = (d: number) => tried.filter((t) => t >= d * 86400 && t < (d + 1) * 86400).length;
  assert.equal(perDay(0), 10); // 2+4+...+512 minutes: the 10th try at 1022 min, the 11th at 2046
  for (let d = 1; d < 7; d++) assert.ok(perDay(d) <= 2, `day ${d}: ${perDay(d)} tries`);
  assert.equal(tried.length, 18);
  // odds for a device at count 1 (66 counts searched): 18 * 66 / 10^6 = 0.0012 per week
  const odds = tried.length * 66 / 1e6;
  assert.ok(odds < 0.002);
}));

test("waiting period: a clock set back does not reopen entry or lengthen the wait", () => {
  const dev = new RawDevice(KEY, START, 1, 0);
  for (let i = 0; i < 10; i++) {
    const t = attackSchedule(1e9)[i];
    assert.equal(dev.enter("123456789", t), INVALID);
  }
  const until = dev.x.device_blocked_until() >>> 0;
  assert.equal(dev.enter("123456789", until - 1), BLOCKED);
  // clock jumps back a day: still blocked, but never for more than the nominal 1024 minutes
  const back = until - 86400;
  assert.equal(dev.enter("123456789", back), BLOCKED);
  assert.ok((dev.x.device_blocked_until() >>> 0) - back <= 1024 * 60);
  assert.equal(dev.enter("123456789", back + 1024 * 60), INVALID);
});
