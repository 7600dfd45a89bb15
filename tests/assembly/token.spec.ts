// Internals of the token engine, compiled and run by as-pect.
import { sip8, sipReset, sipWrite, sipFinish, SipHasher, SIPHASHER_SIZE } from "../../assembly/siphash";
import { keyWord0, keyWord1 } from "../../assembly/key";
import { KEY } from "../../assembly/memory";
import {
  nextCount, generate, decode, startingCodeFromKey, generatedCount, resultMaxCount, resultUsedCounts, decodedCount,
  modToken,
} from "../../assembly/token";
import {
  ADD_TIME, SET_TIME, DISABLE_PAYG, COUNTER_SYNC, INVALID, ALREADY_USED, TOKEN_EXTENDED, TOKEN_RESTRICTED, ERR_VALUE_RANGE, ERR_TOKEN_TYPE,
} from "../../assembly/abi";

const hasher = changetype<SipHasher>(memory.data(SIPHASHER_SIZE, 8));
const buf = memory.data(64, 8);

function hashBytes(ptr: usize, len: i32): u64 {
  sipReset(hasher, keyWord0(), keyWord1());
  sipWrite(hasher, ptr, len);
  return sipFinish(hasher);
}

function setSequentialKey(): void {
  for (let i = 0; i < 16; i++) store<u8>(KEY + <usize>i, <u8>i);
}

describe("token moduli without a division", () => {
  it("modToken(x, m) is x % m for m = 1000 and 1000000 (edges, then a million pseudo-random x)", () => {
    const edges: u32[] = [0, 1, 999, 1000, 1001, 999999, 1000000, 1000001, 999999999, 1000000000, 0x7fffffff, 0x80000000, 0xfffffc17, 0xffffffff];
    for (let i = 0; i < edges.length; i++) {
      expect(modToken(edges[i], 1000)).toBe(edges[i] % 1000);
      expect(modToken(edges[i], 1000000)).toBe(edges[i] % 1000000);
    }
    let x: u32 = 12345;
    let wrong = 0;
    for (let i = 0; i < 1000000; i++) {
      x = x * 1664525 + 1013904223;
      if (modToken(x, 1000) != x % 1000 || modToken(x, 1000000) != x % 1000000) wrong++;
    }
    expect(wrong).toBe(0);
  });
});

describe("SipHash-2-4", () => {
  it("matches the test vectors of the SipHash paper (key 00..0f, message 00..n-1)", () => {
    setSequentialKey();
    for (let i = 0; i < 16; i++) store<u8>(buf + <usize>i, <u8>i);
    expect(hashBytes(buf, 0)).toBe(0x726fdb47dd0e0e31);
    expect(hashBytes(buf, 8)).toBe(0x93f5f5799a932462);
    expect(hashBytes(buf, 15)).toBe(0xa129ca6149be45e5);
  });

  it("sip8 equals the streaming hasher over the same 8 bytes", () => {
    setSequentialKey();
    let m: u64 = 0x0123456789abcdef;
    for (let i = 0; i < 100; i++) {
      store<u64>(buf, m);
      sipReset(hasher, load<u64>(KEY), load<u64>(KEY, 8));
      sipWrite(hasher, buf, 8);
      expect(sip8(load<u64>(KEY), load<u64>(KEY, 8), m)).toBe(sipFinish(hasher));
      m = m * 6364136223846793005 + 1442695040888963407;
    }
  });
});

describe("counts", () => {
  it("ADD_TIME takes the next even count, the others the next odd one", () => {
    expect(nextCount(1, ADD_TIME)).toBe(2);
    expect(nextCount(2, ADD_TIME)).toBe(4);
    expect(nextCount(1, SET_TIME)).toBe(3);
    expect(nextCount(2, SET_TIME)).toBe(3);
    expect(nextCount(2, DISABLE_PAYG)).toBe(3);
    expect(nextCount(3, COUNTER_SYNC)).toBe(5);
  });
});

function gen(count: u32, type: i32, value: u32, flags: i32): i32 {
  return generate(123456789, count, type, value, flags, buf, 64);
}

describe("generation and decoding", () => {
  it("decodes what it generates, in all four formats", () => {
    setSequentialKey();
    for (let flags = 0; flags < 4; flags++) {
      let n = gen(10, ADD_TIME, 42, flags);
      expect(n).toBe((flags & TOKEN_EXTENDED ? 12 : 9) + (flags & TOKEN_RESTRICTED ? (flags & TOKEN_EXTENDED ? 8 : 6) : 0));
      expect(decode(123456789, 10, 0, buf, n, (flags & TOKEN_RESTRICTED) != 0)).toBe(ADD_TIME);
      expect(decodedCount()).toBe(12);
    }
  });

  it("refuses out-of-range values and unknown types", () => {
    setSequentialKey();
    expect(gen(1, ADD_TIME, 996, 0)).toBe(ERR_VALUE_RANGE);
    expect(gen(1, ADD_TIME, 999999, TOKEN_EXTENDED)).toBe(12);
    expect(gen(1, 7, 1, 0)).toBe(ERR_TOKEN_TYPE);
  });

  it("keeps the used-counts mask like the C reference", () => {
    setSequentialKey();
    let n = gen(4, ADD_TIME, 1, 0); // count 6
    expect(decode(123456789, 4, 0, buf, n, false)).toBe(ADD_TIME);
    expect(resultMaxCount()).toBe(6);
    expect(resultUsedCounts()).toBe(0b10); // count 4 sits at bit 1
    expect(decode(123456789, 6, 0b10, buf, n, false)).toBe(ALREADY_USED);
    n = gen(5, SET_TIME, 1, 0); // count 7
    expect(decode(123456789, 6, 0b10, buf, n, false)).toBe(SET_TIME);
    expect(resultUsedCounts()).toBe(0xffff);
  });

  it("treats non-digits and over-long text as INVALID", () => {
    setSequentialKey();
    store<u8>(buf, 0x41);
    expect(decode(123456789, 1, 0, buf, 1, false)).toBe(INVALID);
    for (let i = 0; i < 13; i++) store<u8>(buf + <usize>i, 0x31);
    expect(decode(123456789, 1, 0, buf, 13, false)).toBe(INVALID);
    expect(decode(123456789, 1, 0, buf, 0, false)).toBe(INVALID);
  });

  it("derives a 9-digit starting code from the key", () => {
    setSequentialKey();
    expect(startingCodeFromKey()).toBeLessThanOrEqual(999999999);
    expect(generatedCount()).toBeGreaterThan(0);
  });
});
