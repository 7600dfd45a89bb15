// The device credit state machine: the official test procedure, the waiting period, and the
// state blob (saved, restored, and refused when corrupt or foreign without changing anything).
import { test } from "node:test";
import assert from "node:assert/strict";
import { Device, decodeToken, generateToken, OpaygoError, StateStore, STORE_SLOT_SIZE } from "../bindings/index.js";
import type { Flash } from "../bindings/index.js";
import { ERR_STORE_IO, ERR_STORE_NOT_LOADED } from "../bindings/abi.js";
import { DEVICE_PROCEDURE_FILES, vectorLines } from "./helpers.js";
import { WasmInstance } from "../bindings/wasm.js";

for (const module of ["device", "token"] as const)
for (const scenario of DEVICE_PROCEDURE_FILES.flatMap(vectorLines)) {
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

// Standard tokens carrying 998 / 999 on an even count ("ADD_TIME mode", as the official procedure's
// U3 makes its disable token), made by openpaygo 0.6.3's generate_standard_token with this key and
// starting code: EVEN_998 and EVEN_999 from count 660 (to 662), EVEN_999_FAR from 748 (to 750).
const PROC_KEY = "bc41ec9530f6dac86b1a29ab82edc5fb";
const PROC_START = 516959010;
const EVEN_998 = "762358008";
const EVEN_999 = "292980009";
const EVEN_999_FAR = "364912009";

test("998 on an even count disables PAYG on the device and uses the window; token decode still says ADD_TIME 998", () => {
  const d = new Device({ key: PROC_KEY, startingCode: PROC_START, count: 656, waitingPeriod: false });
  const older = generateToken({ key: PROC_KEY, count: 656, type: "ADD_TIME", value: 2, startingCode: PROC_START });
  assert.equal(older.count, 658);
  assert.deepEqual(d.enterToken(EVEN_998, 0), { result: "ACCEPTED", type: "DISABLE_PAYG", value: null });
  assert.equal(d.paygDisabled(), true);
  assert.equal(d.isActive(4e9), true);
  assert.equal(d.count(), 662);
  assert.equal(d.usedCounts(), 0xffff);
  assert.equal(d.enterToken(EVEN_998, 0).result, "ALREADY_USED");
  // The older add token (count 658, never entered) is refused too: the whole window was marked.
  assert.equal(d.enterToken(older.token, 0).result, "ALREADY_USED");
  assert.equal(d.paygDisabled(), true);
  const decoded = decodeToken({ key: PROC_KEY, count: 656, token: EVEN_998, startingCode: PROC_START });
  assert.equal(decoded.type, "ADD_TIME");
  assert.equal(decoded.value, 998);
  assert.equal(decoded.count, 662);
  assert.equal(decoded.usedCounts, 0xffff);
});

test("999 on an even count only syncs the counter: credit unchanged, count jumps up to 100", () => {
  const d = new Device({ key: PROC_KEY, startingCode: PROC_START, count: 656, waitingPeriod: false });
  const set3 = generateToken({ key: PROC_KEY, count: 656, type: "SET_TIME", value: 3, startingCode: PROC_START });
  assert.equal(d.enterToken(set3.token, 0).result, "ACCEPTED");
  assert.deepEqual(d.enterToken(EVEN_999, 0), { result: "ACCEPTED", type: "COUNTER_SYNC", value: null });
  assert.equal(d.secondsLeft(0), 3 * 86400);
  assert.equal(d.paygDisabled(), false);
  assert.equal(d.count(), 662);
  // 88 counts ahead: beyond the 64 of a time token, within the 100 of a counter sync.
  assert.deepEqual(d.enterToken(EVEN_999_FAR, 0), { result: "ACCEPTED", type: "COUNTER_SYNC", value: null });
  assert.equal(d.count(), 750);
  assert.equal(d.secondsLeft(0), 3 * 86400);
  assert.equal(d.enterToken(EVEN_999, 0).result, "ALREADY_USED");
  const decoded = decodeToken({ key: PROC_KEY, count: 656, token: EVEN_999, startingCode: PROC_START });
  assert.equal(decoded.type, "ADD_TIME");
  assert.equal(decoded.value, 999);
});

test("extended tokens carry 998 and 999 as days on the device", () => {
  const d = new Device({ key: PROC_KEY, startingCode: PROC_START, count: 1, waitingPeriod: false });
  const add998 = generateToken({ key: PROC_KEY, count: 1, type: "ADD_TIME", value: 998, startingCode: PROC_START, extended: true });
  assert.deepEqual(d.enterToken(add998.token, 0), { result: "ACCEPTED", type: "ADD_TIME", value: 998 });
  const add999 = generateToken({ key: PROC_KEY, count: add998.count, type: "ADD_TIME", value: 999, startingCode: PROC_START, extended: true });
  assert.deepEqual(d.enterToken(add999.token, 0), { result: "ACCEPTED", type: "ADD_TIME", value: 999 });
  assert.equal(d.paygDisabled(), false);
  assert.equal(d.secondsLeft(0), (998 + 999) * 86400);
});

test("before device_init the module is a device at count 0 with the key's starting code and one-day units", () => {
  // the raw module (the bindings always call device_init): its state starts as zero memory
  const m = new WasmInstance("token").exports as Record<string, any>;
  const key = Buffer.from("00112233445566778899aabbccddeeff", "hex");
  new Uint8Array(m.memory.buffer).set(key, m.key_buffer());
  const token = generateToken({ key: key.toString("hex"), startingCode: m.token_starting_code(), count: 0, type: "ADD_TIME", value: 2 }).token;
  new Uint8Array(m.memory.buffer).set(Buffer.from(token), m.text_buffer());
  assert.equal(m.device_enter_token(1000, token.length), 1);
  assert.equal(m.device_seconds_left(1000), 2 * 86400);
});

// ---- the state store: two slots in an emulated NOR flash, power cuts, bit flips ----------------
// (tests/c/store_test.c runs the same over the C API, exhaustively; the slot format is shared.)
const STORE_KEY = "a29ab82edc5fbbc41ec9530f6dac86b1";
const STORE_CODE = 284712936;
const UNIT = 64; // erase unit; slot n at n * UNIT

/** NOR flash: erase sets 0xFF, a write clears bits; after `budget` byte operations the power is cut. */
class NorFlash implements Flash {
  bytes = new Uint8Array(2 * UNIT).fill(0xff);
  budget = Infinity;
  ops = 0;
  off = false;
  private spend(): void {
    if (this.budget <= 0) this.off = true;
    if (this.off) throw new Error("power cut");
    this.budget--;
    this.ops++;
  }
  read(address: number, length: number): Uint8Array {
    if (this.off) throw new Error("power cut");
    return this.bytes.slice(address, address + length);
  }
  write(address: number, data: Uint8Array): void {
    data.forEach((b, i) => {
      this.spend();
      this.bytes[address + i] &= b;
    });
  }
  erase(address: number, length: number): void {
    for (let i = Math.floor(address / UNIT) * UNIT; i < Math.ceil((address + length) / UNIT) * UNIT; i++) {
      this.spend();
      this.bytes[i] = 0xff;
    }
  }
}

const deviceWith = (count: number, module: "device" | "token" = "device") =>
  new Device({ key: STORE_KEY, startingCode: STORE_CODE, count, module });
/** A reboot: a blank device, the store loaded; the count it ends on (0: blank). */
function rebootCount(flash: NorFlash): number {
  flash.budget = Infinity;
  flash.off = false;
  const d = deviceWith(0);
  const loaded = new StateStore(flash, [0, UNIT]).load(d);
  assert.equal(loaded, d.count() !== 0);
  return d.count();
}
/** n saves (counts 101..100 + n), each one boot: load, configure, save. */
function saved(n: number): NorFlash {
  const flash = new NorFlash();
  for (let k = 1; k <= n; k++) {
    const store = new StateStore(flash, [0, UNIT]);
    store.load(deviceWith(100 + k));
    store.save(deviceWith(100 + k));
  }
  return flash;
}

test("state store: the slot format is the C store's, byte for byte", () => {
  const flash = new NorFlash();
  const store = new StateStore(flash, [0, UNIT]);
  const d = deviceWith(1);
  assert.equal(store.load(d), false);
  store.save(d);
  assert.equal(Buffer.from(flash.bytes.subarray(0, STORE_SLOT_SIZE)).toString("hex"),
    "4f507301010000004f50010001000000000000000000000000000000e85ff810d94b1ba79d093740000000004b993f74");
});

for (const module of ["device", "token"] as const) {
  test(`state store on opaygo-${module}.wasm: a save cut after any byte ends on it or the save before`, () => {
    for (let n = 0; n <= 2; n++) {
      const whole = saved(n + 1).bytes;
      const probe = saved(n);
      const s0 = new StateStore(probe, [0, UNIT]);
      s0.load(deviceWith(0, module));
      probe.ops = 0;
      s0.save(deviceWith(101 + n, module));
      for (let cut = 0; cut <= probe.ops; cut++) {
        const flash = saved(n);
        const store = new StateStore(flash, [0, UNIT]);
        store.load(deviceWith(0, module));
        flash.budget = cut;
        let saveOk = true;
        try {
          store.save(deviceWith(101 + n, module));
        } catch (e) {
          assert.ok(e instanceof OpaygoError && e.code === ERR_STORE_IO, String(e));
          saveOk = false;
        }
        const complete = flash.bytes.every((b, i) => b === whole[i]);
        assert.equal(saveOk, cut === probe.ops, `cut ${cut}`);
        assert.equal(rebootCount(flash), complete ? 101 + n : n === 0 ? 0 : 100 + n, `save ${n + 1} cut after ${cut} bytes`);
      }
    }
  });
}

test("state store: any bit of either slot flipped, the load ends on the newest intact slot, never on the flipped one", () => {
  const good = saved(3).bytes; // save 3 (count 103) in slot 0, save 2 in slot 1
  for (let bit = 0; bit < 2 * STORE_SLOT_SIZE * 8; bit++) {
    const slot = bit < STORE_SLOT_SIZE * 8 ? 0 : 1;
    const at = slot * UNIT + Math.floor((bit % (STORE_SLOT_SIZE * 8)) / 8);
    const flash = new NorFlash();
    flash.bytes.set(good);
    flash.bytes[at] ^= 1 << (bit % 8);
    assert.equal(rebootCount(flash), slot === 0 ? 102 : 103, `slot ${slot} byte ${at} bit ${bit % 8}`);
  }
});

test("state store: save before load refused; an unchanged state is not written; a failing flash is ERR_STORE_IO", () => {
  const flash = new NorFlash();
  const store = new StateStore(flash, [0, UNIT]);
  const d = deviceWith(5);
  assert.throws(() => store.save(d), (e: unknown) => e instanceof OpaygoError && e.code === ERR_STORE_NOT_LOADED);
  store.load(d);
  store.save(d);
  flash.ops = 0;
  store.save(d);
  assert.equal(flash.ops, 0);
  d.enterToken("123456789", 1700000000); // invalid: the waiting period changes the state
  store.save(d);
  assert.ok(flash.ops > 0);
  d.enterToken("123456789", 1800000000);
  flash.budget = 0;
  assert.throws(() => store.save(d), (e: unknown) => e instanceof OpaygoError && e.code === ERR_STORE_IO);
  assert.equal(rebootCount(flash), 5);
});
