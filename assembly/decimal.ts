// Doubles and decimal text, exactly, for every layer: the shortest digits that read back as the
// same double (Python's repr layout), and the double nearest to a decimal (round half to even).
// Doubles travel as their IEEE 754 bit patterns (u64) and every step is integer arithmetic: the
// device module has no float instruction, so an interpreter can be built without float support.
// Text goes to NUM_TEXT; a parser puts the decimal's significant digits (values 0..9) in DIGITS.
import { LIMBS, SMALL_LIMBS, bnCmp, bnCmpSum, bnMulPow10, bnMulSmall, bnSetU64, bnShl, bnSub, bnUse } from "./bignum";
import { BN_M, BN_R, BN_S, DIGITS, DIGITS_CAPACITY, NUM_TEXT, NUM_TEXT_CAPACITY } from "./memory";
// A parse of this many digits or fewer works within SMALL_LIMBS, as on the device.
const SMALL_PARSE_DIGITS: i32 = 40;

// Decimal of the integer of magnitude u (all of u64), '-' first when neg, into NUM_TEXT; returns
// the length.
export function formatInteger(u: u64, neg: bool): i32 {
  let n = 1;
  for (let t = u; t >= 10; t /= 10) n++;
  let len = n + (neg ? 1 : 0);
  let at = len;
  do { at--; store<u8>(NUM_TEXT + at, <u32>(48 + u % 10)); u /= 10; } while (u != 0);
  if (neg) store<u8>(NUM_TEXT, 0x2d);
  return len;
}

// BN_R, BN_S, BN_M (memory.ts): the shared work space of both directions, r, s and m- (m+ is m-
// or 2 m-); sums are compared without a temporary (bnCmpSum).

const FRAC_MASK: u64 = (<u64>1 << 52) - 1;
const HIDDEN: u64 = <u64>1 << 52;
const EXP_MASK: u64 = 0x7ff0000000000000;
export const SIGN: u64 = 0x8000000000000000;
export const MAX_FINITE: u64 = 0x7fefffffffffffff;

@inline export function bitsFinite(bits: u64): bool { return (bits & EXP_MASK) != EXP_MASK; }
// Zero of either sign.
@inline export function bitsZero(bits: u64): bool { return (bits << 1) == 0; }

let mant: u64 = 0;
let bexp: i32 = 0;

// A finite double's magnitude as mant * 2^bexp.
function decompose(bits: u64): void {
  let be = <i32>((bits >> 52) & 0x7ff);
  mant = bits & FRAC_MASK;
  if (be == 0) bexp = -1074;
  else { mant |= HIDDEN; bexp = be - 1075; }
}

// The high 64 bits of a * b.
function mulHigh(a: u64, b: u64): u64 {
  let a0 = a & 0xffffffff, a1 = a >> 32, b0 = b & 0xffffffff, b1 = b >> 32;
  let p01 = a0 * b1, p10 = a1 * b0;
  let mid = ((a0 * b0) >> 32) + (p01 & 0xffffffff) + (p10 & 0xffffffff);
  return a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

// ---- shortest digits (Burger & Dybvig free-format, boundaries included for even mantissas) ----

let digitCount: i32 = 0;
let decimalExponent: i32 = 0; // value = 0.d1d2...dn * 10^decimalExponent

// ceil(n * log10(2) - 1e-10) in integers (78913 / 2^18 ~ log10(2); n * log10(2) is never an
// integer for n != 0). Equal to the floating-point formula for every n in [-1200, 1200], checked
// exhaustively; no libm ceil in the generated C.
export function ceilLog10Pow2(n: i32): i32 { return n == 0 ? 0 : ((n * 78913) >> 18) + 1; }

function bitLength(v: u64): i32 { return 64 - <i32>clz(v); }

// Fast path for the common case, a value with few decimals (sensor readings), in integers:
// x = mant * 2^-e; for k = 0, 1, ... take N, the integer nearest x * 10^k, i.e. P / 2^e rounded
// with P = mant * 10^k. N / 10^k rounds back to x when it lies within half an ulp of x, that is
// when 2 |N 2^e - P| < 10^k (<= for an even mant: its interval includes its ends). The first k
// that passes gives the fewest digits, and its N is the nearest candidate: Python's repr. Not for
// powers of two (the gap below is half the gap above: a shorter decimal may lie above x while the
// nearest one at that k falls outside below), nor where x * 10^k is exactly half-way and both
// neighbours pass (two candidates), nor outside 2^-64 <= ulp < 1: the exact path takes those.
function shortestDigitsFast(): bool {
  if (mant == HIDDEN || bexp >= 0 || bexp < -64) return false;
  let e = -bexp;
  let fracMask: u64 = e == 64 ? <u64>-1 : (<u64>1 << e) - 1;
  let half: u64 = <u64>1 << (e - 1);
  let even = (mant & 1) == 0;
  let p10: u64 = 1;
  for (let k = 0; k <= 19; k++) {
    let lo = mant * p10;
    let hi = mulHigh(mant, p10);
    if (e < 64 && (hi >> e) != 0) return false; // N >= 2^64
    let n = e == 64 ? hi : (hi << (64 - e)) | (lo >> e);
    let frac = lo & fracMask;
    let d = frac;
    if (frac > half) { n++; d = fracMask - frac + 1; }
    if (n >= <u64>1 << 53) return false;
    if (k == 0 ? d == 0 : even ? d <= p10 >> 1 : d < p10 >> 1) {
      // x * 10^k half-way between two integers that both give x back: let the exact path choose
      if (frac == half) return false;
      setDigits(n, k);
      return true;
    }
    p10 *= 10;
  }
  return false;
}

// DIGITS, digitCount and decimalExponent for the value n * 10^-k (n > 0).
function setDigits(n: u64, k: i32): void {
  while (n % 10 == 0) { n /= 10; k--; }
  let nd = 1;
  for (let q = n; q >= 10; q /= 10) nd++;
  for (let i = nd - 1; i >= 0; i--) { store<u8>(DIGITS + i, <u32>(48 + n % 10)); n /= 10; }
  digitCount = nd;
  decimalExponent = nd - k;
}

// bits: a finite double > 0. Digits go to DIGITS (at most 17).
@inline function shortestDigits(bits: u64, fast: bool): void {
  decompose(bits);
  if (fast && shortestDigitsFast()) return;
  let even = (mant & 1) == 0;
  // m- is m+ except just above a power of two, where the gap below is half the gap above.
  let unequal = mant == HIDDEN && bexp > -1074;
  bnUse(SMALL_LIMBS);
  bnSetU64(BN_R, mant);
  bnSetU64(BN_M, 1);
  if (bexp >= 0) {
    bnShl(BN_R, bexp + (unequal ? 2 : 1));
    bnSetU64(BN_S, unequal ? 4 : 2);
    bnShl(BN_M, bexp);
  } else {
    bnShl(BN_R, unequal ? 2 : 1);
    bnSetU64(BN_S, 1);
    bnShl(BN_S, (unequal ? 2 : 1) - bexp);
  }
  // BN_M holds m-; m+ = m- << (unequal ? 1 : 0).
  // Estimate k = ceil(log10(x)); it is exact or one too small, the fix-up below corrects it.
  let log2 = bexp + bitLength(mant) - 1;
  let k = ceilLog10Pow2(log2);
  if (k >= 0) bnMulPow10(BN_S, k);
  else { bnMulPow10(BN_R, -k); bnMulPow10(BN_M, -k); }
  let c = bnCmpSum(BN_R, BN_M, unequal ? 1 : 0, BN_S);
  if (even ? c >= 0 : c > 0) { bnMulSmall(BN_S, 10); k++; }
  decimalExponent = k;
  digitCount = 0;
  while (digitCount < 17) {
    bnMulSmall(BN_R, 10);
    bnMulSmall(BN_M, 10);
    let d: u32 = 0;
    while (bnCmp(BN_R, BN_S) >= 0) { bnSub(BN_R, BN_S); d++; }
    let c1 = bnCmp(BN_R, BN_M);
    let low = even ? c1 <= 0 : c1 < 0;
    let c2 = bnCmpSum(BN_R, BN_M, unequal ? 1 : 0, BN_S);
    let high = even ? c2 >= 0 : c2 > 0;
    if (!low && !high) { store<u8>(DIGITS + digitCount++, 48 + d); continue; }
    if (low && high) {
      let c3 = bnCmpSum(BN_R, BN_R, 0, BN_S);
      if (c3 > 0 || (c3 == 0 && (d & 1) == 1)) d++;
    } else if (high) d++;
    store<u8>(DIGITS + digitCount++, 48 + d);
    break;
  }
}

function putChar(at: i32, c: u32): i32 {
  if (at < NUM_TEXT_CAPACITY) store<u8>(NUM_TEXT + at, c);
  return at + 1;
}

function putExponent(at: i32, e: i32): i32 {
  at = putChar(at, 0x65);
  at = putChar(at, e < 0 ? 0x2d : 0x2b);
  if (e < 0) e = -e;
  if (e >= 100) at = putChar(at, 48 + e / 100);
  at = putChar(at, 48 + (e / 10) % 10);
  return putChar(at, 48 + e % 10);
}

// Python repr of the double with these bits into NUM_TEXT; returns the length, or -1 for NaN /
// infinity.
export function formatF64(bits: u64): i32 { return formatRepr(bits, true); }
// The same without the fast path, for the tests that compare the two.
export function formatF64Exact(bits: u64): i32 { return formatRepr(bits, false); }

@inline function formatRepr(bits: u64, fast: bool): i32 {
  if (!bitsFinite(bits)) return -1;
  let neg = (bits & SIGN) != 0;
  if (bitsZero(bits)) return layoutZero(neg);
  shortestDigits(bits & ~SIGN, fast);
  return layoutDigits(neg);
}

// repr of n * 10^-k (n > 0, as the ring keeps a reading with few decimals: the shortest digits
// of the double nearest to it).
export function formatDecimal(n: u64, k: i32, neg: bool): i32 {
  if (n == 0) return layoutZero(neg);
  setDigits(n, k);
  return layoutDigits(neg);
}

function layoutZero(neg: bool): i32 {
  let at = neg ? putChar(0, 0x2d) : 0;
  at = putChar(at, 0x30);
  at = putChar(at, 0x2e);
  return putChar(at, 0x30);
}

// DIGITS as repr lays them out: plain below 1e16 and from 1e-4, else with an exponent.
function layoutDigits(neg: bool): i32 {
  let at = neg ? putChar(0, 0x2d) : 0;
  let n = digitCount;
  let sci = decimalExponent - 1;
  if (sci < -4 || sci >= 16) {
    at = putChar(at, load<u8>(DIGITS));
    if (n > 1) {
      at = putChar(at, 0x2e);
      for (let i = 1; i < n; i++) at = putChar(at, load<u8>(DIGITS + i));
    }
    return putExponent(at, sci);
  }
  if (sci < 0) {
    at = putChar(at, 0x30);
    at = putChar(at, 0x2e);
    for (let i = 0; i < -sci - 1; i++) at = putChar(at, 0x30);
    for (let i = 0; i < n; i++) at = putChar(at, load<u8>(DIGITS + i));
    return at;
  }
  for (let i = 0; i <= sci; i++) at = putChar(at, i < n ? <u32>load<u8>(DIGITS + i) : 0x30);
  at = putChar(at, 0x2e);
  if (n <= sci + 1) return putChar(at, 0x30);
  for (let i = sci + 1; i < n; i++) at = putChar(at, load<u8>(DIGITS + i));
  return at;
}

// ---- decimal to binary -----------------------------------------------------------------------

// A value as g * 2^ge with g normalised (top bit set); bit 0 of g is set when bits below it
// were lost (sticky), so that rounding to 53 bits decides halves right.
let g: u64 = 0;
let ge: i32 = 0;

function pow10u(n: i32): u64 {
  let p: u64 = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// g * 2^ge ~ head * 10^e10 (head > 0): 64-bit products and quotients by at most 10^19 a step.
// Exact up to the sticky bit when one step or none does it (|e10| <= 19); otherwise within a
// few units of g's last bit.
function scaleDecimal(head: u64, e10: i32): void {
  let s = <i32>clz(head);
  g = head << s;
  ge = -s;
  while (e10 > 0) {
    let c = e10 < 19 ? e10 : 19;
    e10 -= c;
    let p = pow10u(c);
    let hi = mulHigh(g, p);
    let lo = g * p;
    let t = <i32>clz(hi);
    g = t == 0 ? hi : (hi << t) | (lo >> (64 - t));
    if (lo << t != 0) g |= 1;
    ge += 64 - t;
  }
  while (e10 < 0) {
    let c = -e10 < 19 ? -e10 : 19;
    e10 += c;
    let p = pow10u(c);
    let ps = <i32>clz(p);
    p <<= ps;
    // q = floor(g * 2^63 / p), g and p both in [2^63, 2^64): q in (2^62, 2^64)
    let r = g;
    let q: u64 = 0;
    if (r >= p) { r -= p; q = 1; }
    for (let i = 0; i < 63; i++) {
      let carry = r >> 63;
      r <<= 1;
      q <<= 1;
      if (carry != 0 || r >= p) { r -= p; q |= 1; }
    }
    let t = <i32>clz(q);
    g = q << t;
    if (r != 0) g |= 1;
    ge += ps - 63 - t;
  }
}

// The double nearest to g * 2^ge (ties to even), as bits; MAX_FINITE + 1 (infinity) above range.
function roundG(): u64 {
  let e = ge + 63; // unbiased exponent of g's top bit
  let shift = 11;
  if (e < -1022) shift += -1022 - e; // subnormal: fewer bits
  if (shift > 64) return 0;
  let m = shift == 64 ? 0 : g >> shift;
  let rest = shift == 64 ? g : g & ((<u64>1 << shift) - 1);
  let half = <u64>1 << (shift - 1);
  if (rest > half || (rest == half && (m & 1) != 0)) m++;
  // m is now at most 2^53 (a carry into the next binade) or a subnormal's mantissa
  if (e < -1022) return m; // (a carry to 2^52 is the smallest normal's bits, as wanted)
  if (m == <u64>1 << 53) { m >>= 1; e++; }
  if (e > 1023) return EXP_MASK;
  return (<u64>(e + 1023) << 52) | (m & FRAC_MASK);
}

// bits of the double nearest to n * 10^-k for n < 2^53, k <= 19 (a ring decimal): one exact step.
export function decimalBits(n: u64, k: i32): u64 {
  if (n == 0) return 0;
  scaleDecimal(n, -k);
  return roundG();
}

// The double nearest to DIGITS[0..nd) * 10^e10 (ties to even), as bits, or infinity's bits.
export function nearestDouble(nd: i32, e10: i32): u64 {
  let head: u64 = 0;
  let hn = nd < 19 ? nd : 19;
  for (let i = 0; i < hn; i++) head = head * 10 + <u64>load<u8>(DIGITS + i);
  scaleDecimal(head, e10 + (nd - hn));
  let x = roundG();
  // One step, and all the digits in head: correctly rounded already.
  if (nd == hn && e10 >= -19 && e10 <= 19) return x;
  if (!bitsFinite(x)) x = MAX_FINITE;
  // Walk to the correctly rounded neighbour by exact comparison with the half-way points.
  for (let step = 0; step < 4096; step++) {
    decompose(x);
    let c = compareWithMidpoint(nd, e10, (mant << 1) + 1, bexp - 1);
    if (c > 0 || (c == 0 && (mant & 1) == 1)) {
      if (x == MAX_FINITE) return EXP_MASK;
      x++;
      continue;
    }
    if (mant == 0) return x;
    let lower: u64;
    let lowerExp: i32;
    if (mant == HIDDEN && bexp > -1074) { lower = (mant << 2) - 1; lowerExp = bexp - 2; }
    else { lower = (mant << 1) - 1; lowerExp = bexp - 1; }
    c = compareWithMidpoint(nd, e10, lower, lowerExp);
    if (c < 0 || (c == 0 && (mant & 1) == 1)) {
      x--;
      continue;
    }
    return x;
  }
  return x;
}

// sign of DIGITS * 10^e10 - m * 2^e2
function compareWithMidpoint(nd: i32, e10: i32, m: u64, e2: i32): i32 {
  bnUse(nd <= SMALL_PARSE_DIGITS ? SMALL_LIMBS : LIMBS);
  bnSetU64(BN_R, 0);
  for (let i = 0; i < nd; i++) bnMulSmall(BN_R, 10, load<u8>(DIGITS + i));
  bnSetU64(BN_S, m);
  if (e10 >= 0) bnMulPow10(BN_R, e10); else bnMulPow10(BN_S, -e10);
  if (e2 >= 0) bnShl(BN_S, e2); else bnShl(BN_R, -e2);
  return bnCmp(BN_R, BN_S);
}
