// The device credit state machine: the official test procedure, the waiting period, and the
// state blob (saved, restored, and refused when corrupt or foreign without changing anything).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Device, generateToken, OpaygoError } from "../bindings/index.js";
import { vectorLines } from "./helpers.js";

for (const module of ["device", "token"] as const)
for (const scenario of vectorLines("device_procedure.jsonl")) {
  test(`procedure on opaygo-${module}.wasm: ${scenario.name}`, () => {
    const device = new Device({ key: scenario.key, startingCode: scenario.starting_code, count: scenario.count, waitingPeriod: scenario.waiting_period, module });
    let now = 0;
    scenario.steps.forEach((step: any, i: number) => {
      let result: string;
      if (step.advance !== undefined) {
        now += step.advance;
        result = "OK";
      } else {
        result = device.enterToken(step.token, now).result;
      }
      const label = `step ${i}: ${JSON.stringify(step)}`;
      assert.equal(result, step.expect.result, label);
      if (step.expect.count !== undefined) {
        assert.equal(device.daysRemaining(now), step.expect.days_remaining, label);
        assert.equal(device.count(), step.expect.count, label);
      }
    });
  });
}

const KEY = "0123456789abcdef0123456789abcdef";
const START = 111222333;

function deviceWithHistory(): Device {
  const d = new Device({ key: KEY, startingCode: START, count: 3 });
  const t = generateToken({ key: KEY, count: 3, type: "ADD_TIME", value: 12, startingCode: START });
  assert.equal(d.enterToken(t.token, 1000).result, "ACCEPTED");
  assert.equal(d.enterToken("000000000", 1000).result, "INVALID"); // starts a waiting period
  return d;
}

function snapshot(d: Device, now: number) {
  return { count: d.count(), used: d.usedCounts(), left: d.secondsLeft(now), disabled: d.paygDisabled(), blob: Buffer.from(d.save()).toString("hex") };
}

test("state blob: save and load restore the state exactly", () => {
  const a = deviceWithHistory();
  const blob = a.save();
  assert.equal(blob.length, 32);
  const b = new Device({ key: KEY, startingCode: START, count: 0 });
  b.load(blob);
  assert.deepEqual(snapshot(b, 5000), snapshot(a, 5000));
  assert.equal(b.enterToken("000000001", 1001).result, "BLOCKED"); // the waiting period survived
});

test("state blob: every single-bit flip is refused and changes nothing", () => {
  const source = deviceWithHistory();
  const blob = source.save();
  const target = new Device({ key: KEY, startingCode: START, count: 7 });
  const before = snapshot(target, 5000);
  for (let bit = 0; bit < 256; bit++) {
    const bad = Uint8Array.from(blob);
    bad[bit >> 3] ^= 1 << (bit & 7);
    assert.throws(() => target.load(bad), OpaygoError, `bit ${bit}`);
    assert.deepEqual(snapshot(target, 5000), before, `bit ${bit}`);
  }
});

test("state blob: foreign, wrong-size and empty blobs are refused", () => {
  const other = new Device({ key: "ffeeddccbbaa99887766554433221100", startingCode: START, count: 3 });
  const target = new Device({ key: KEY, startingCode: START, count: 7 });
  const before = snapshot(target, 0);
  assert.throws(() => target.load(other.save()), /checksum/);
  const otherStart = new Device({ key: KEY, startingCode: START + 1, count: 3 });
  assert.throws(() => target.load(otherStart.save()), /starting code/);
  assert.throws(() => target.load(new Uint8Array(32)), /magic/);
  assert.throws(() => target.load(new Uint8Array(31)), /32 bytes/);
  const newer = target.save();
  newer[2] = 2;
  assert.throws(() => target.load(newer), /version/);
  assert.deepEqual(snapshot(target, 0), before);
});

test("waiting period: grows 2^n minutes up to 2^10, and a clock that jumps back does not extend it", () => {
  const d = new Device({ key: KEY, startingCode: START, count: 1 });
  let now = 10_000_000;
  for (let n = 1; n <= 12; n++) {
    assert.equal(d.enterToken("000000000", now).result, "INVALID", `try ${n}`);
    const wait = 60 * 2 ** Math.min(n, 10);
    assert.equal(d.enterToken("000000000", now + wait - 1).result, "BLOCKED", `try ${n}`);
    now += wait;
  }
  // Clock reset to 0 by a reboot: the wait is at most its nominal length from the new time.
  assert.equal(d.enterToken("000000000", 0).result, "BLOCKED");
  assert.equal(d.enterToken("000000000", 60 * 1024).result, "INVALID");
});

test("credit: ADD_TIME on an expired device counts from now, SET_TIME replaces, DISABLE unlocks", () => {
  const d = new Device({ key: KEY, startingCode: START, count: 1, waitingPeriod: false });
  let count = 1;
  const next = (type: any, value?: number) => {
    const t = generateToken({ key: KEY, count, type, value, startingCode: START });
    count = t.count;
    return t.token;
  };
  assert.equal(d.isActive(0), false);
  assert.equal(d.enterToken(next("ADD_TIME", 2), 100).result, "ACCEPTED");
  assert.equal(d.secondsLeft(100), 2 * 86400);
  assert.equal(d.isActive(100 + 2 * 86400), false);
  assert.equal(d.enterToken(next("ADD_TIME", 1), 10 * 86400).result, "ACCEPTED");
  assert.equal(d.secondsLeft(10 * 86400), 86400);
  assert.equal(d.enterToken(next("SET_TIME", 5), 10 * 86400).result, "ACCEPTED");
  assert.equal(d.secondsLeft(10 * 86400), 5 * 86400);
  assert.equal(d.enterToken(next("DISABLE_PAYG"), 10 * 86400).result, "ACCEPTED");
  assert.equal(d.isActive(4e9), true);
  assert.equal(d.daysRemaining(0), null);
  assert.equal(d.enterToken(next("SET_TIME", 0), 11 * 86400).result, "ACCEPTED");
  assert.equal(d.isActive(11 * 86400), false);
});

test("device refuses impossible configuration and times", () => {
  assert.throws(() => new Device({ key: KEY, startingCode: 1e9 }), /starting code/);
  assert.throws(() => new Device({ key: KEY, count: 70000 }), /count/);
  assert.throws(() => new Device({ key: "nothex" }), /32 hexadecimal/);
  const d = new Device({ key: KEY });
  assert.throws(() => d.enterToken("1", -1), /time/);
  assert.throws(() => d.enterToken("1", 2 ** 32), /time/);
  assert.equal(d.enterToken("9".repeat(100), 0).result, "INVALID");
});
