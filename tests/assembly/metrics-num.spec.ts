// The float printer of every build (assembly/decimal.ts, integers only): Python repr, and its fast
// path for values with few decimals checked against the exact (Burger & Dybvig) path, digit for
// digit; the ring's decimal-to-double step against the exact parser.
import { decimalBits, formatF64, formatF64Exact } from "../../assembly/decimal";
import { NUM_TEXT } from "../../assembly/memory";
import { parseNumber, parsedFloatBits, NUM_FLOAT } from "../../assembly/json/number";
import { IN, put, textAt } from "./util";

function repr(x: f64, exact: bool): string {
  return textAt(NUM_TEXT, exact ? formatF64Exact(reinterpret<u64>(x)) : formatF64(reinterpret<u64>(x)));
}

let seed: u64 = 0x9e3779b97f4a7c15;
function next(): u64 {
  seed ^= seed << 13;
  seed ^= seed >> 7;
  seed ^= seed << 17;
  return seed;
}

// The double nearest to the decimal text, by the module's exact parser.
function decimal(s: string): f64 {
  expect(parseNumber(IN, put(s))).toBe(NUM_FLOAT);
  return reinterpret<f64>(parsedFloatBits);
}

let mismatches = 0;
let firstMismatch = "";
function same(x: f64): void {
  const fast = repr(x, false);
  const exact = repr(x, true);
  if (fast != exact) {
    if (mismatches == 0) firstMismatch = exact + " printed " + fast;
    mismatches++;
  }
}

describe("metrics formatF64", () => {
  it("writes Python repr", () => {
    expect(repr(100.0, false)).toBe("100.0");
    expect(repr(0.1, false)).toBe("0.1");
    expect(repr(0.1 + 0.2, false)).toBe("0.30000000000000004");
    expect(repr(1e-5, false)).toBe("1e-05");
    expect(repr(0.0001, false)).toBe("0.0001");
    expect(repr(1e16, false)).toBe("1e+16");
    expect(repr(1234500000000000.0, false)).toBe("1234500000000000.0");
    expect(repr(-123.456, false)).toBe("-123.456");
    expect(repr(23.7, false)).toBe("23.7");
    expect(repr(4503599627370495.0, false)).toBe("4503599627370495.0");
    expect(repr(5e-324, false)).toBe("5e-324");
  });

  it("fast path = exact path on 40,000 decimals of 1 to 15 digits, exponents -12..12", () => {
    mismatches = 0;
    for (let i = 0; i < 40000; i++) {
      const digits = <i32>(next() % 15) + 1;
      let m: u64 = next() % 1000000000000000;
      let limit: u64 = 1;
      for (let d = 0; d < digits; d++) limit *= 10;
      m = m % limit;
      const e = <i32>(next() % 25) - 12;
      same(decimal(m.toString() + "e" + e.toString()));
    }
    expect(firstMismatch).toBe("");
    expect(mismatches).toBe(0);
  });

  it("fast path = exact path on 20,000 random doubles, powers of two and their neighbours, decades", () => {
    mismatches = 0;
    for (let i = 0; i < 20000; i++) {
      const x = reinterpret<f64>(next() & 0x7fffffffffffffff);
      if (isFinite(x)) same(x);
    }
    for (let e = -60; e <= 60; e++) {
      const p = Math.pow(2, <f64>e);
      same(p);
      same(reinterpret<f64>(reinterpret<u64>(p) + 1));
      same(reinterpret<f64>(reinterpret<u64>(p) - 1));
    }
    let ten: f64 = 1e-10;
    for (let k = -10; k <= 15; k++) {
      same(ten);
      same(reinterpret<f64>(reinterpret<u64>(ten) + 1));
      same(reinterpret<f64>(reinterpret<u64>(ten) - 1));
      ten = decimal("1e" + (k + 1).toString());
    }
    expect(firstMismatch).toBe("");
    expect(mismatches).toBe(0);
  });

  it("decimalBits(n, k) = the exact parse of n e-k on 40,000 ring decimals (n < 10^15, k <= 19)", () => {
    let wrong = 0;
    let first = "";
    for (let i = 0; i < 40000; i++) {
      const n: u64 = next() % 1000000000000000;
      const k = <i32>(next() % 20);
      const want = reinterpret<u64>(decimal(n.toString() + "e-" + k.toString()));
      const got = decimalBits(n, k);
      if (got != want) { if (wrong == 0) first = n.toString() + "e-" + k.toString(); wrong++; }
    }
    expect(first).toBe("");
    expect(wrong).toBe(0);
  });

  it("parse(repr(x)) = x on 20,000 random doubles (subnormals and extremes included) and their 17-digit forms", () => {
    let wrong = 0;
    let first = "";
    for (let i = 0; i < 20000; i++) {
      const x = reinterpret<f64>(next() & 0x7fffffffffffffff);
      if (!isFinite(x)) continue;
      const text = repr(x, true);
      const back = decimal(text);
      if (reinterpret<u64>(back) != reinterpret<u64>(x)) { if (wrong == 0) first = text; wrong++; }
      // the same value with 20 more digits of zeros and a shifted exponent: the multi-step path
      const shifted = decimal(text.replace("e", "00000000000000000000e"));
      if (text.indexOf("e") >= 0 && reinterpret<u64>(shifted) != reinterpret<u64>(x)) { if (wrong == 0) first = "shifted " + text; wrong++; }
    }
    expect(first).toBe("");
    expect(wrong).toBe(0);
  });
});

