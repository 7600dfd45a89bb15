// JSON numbers as Python writes and reads them.
//
//   formatFloat(v, out, cap): i32   repr(float): shortest round-trip digits (the closest such to v,
//                                   ties to an even last digit), exponent form when the decimal exponent
//                                   is < -4 or >= 16 ("1e-05", "1.5e+16"), else plain with a decimal
//                                   ("100.0", "-0.0"). Bytes written (at most 24), or ERR_JSON_NOT_FINITE
//                                   (NaN, ±Inf) / ERR_JSON_SPACE.
//   formatInt(v: i64, out, cap): i32, formatUint(v: u64, out, cap): i32   decimal; bytes or ERR_JSON_SPACE
//   parseNumber(ptr, len): i32      the whole of ptr[0..len) as one JSON number literal. Returns
//                                   NUM_INT (value in numberInt()), NUM_BIG_INT (an integer outside i64:
//                                   valid, use the text), NUM_FLOAT (correctly rounded double in
//                                   numberFloat()), or ERR_JSON_SYNTAX / ERR_JSON_NOT_FINITE (overflows to
//                                   infinity) / ERR_JSON_NUMBER_LIMIT (integer over MAX_INT_DIGITS digits).
//                                   As in Python, a literal with '.', 'e' or 'E' is a float.
//   numberEnd(ptr, pos, end): i32   end of the longest number literal at ptr[pos..end), as Python's
//                                   scanner matches it (so "1." ends before the '.'); ERR_JSON_SYNTAX if none.
//
// Exactness: both directions use big integers (bignum.ts): formatting is Steele & White / Burger &
// Dybvig free-format digit generation; parsing takes a double approximation and corrects it by exact
// comparison against the halfway points, with a Clinger fast path for short inputs.
import { ERR_JSON_NOT_FINITE, ERR_JSON_NUMBER_LIMIT, ERR_JSON_SPACE, ERR_JSON_SYNTAX } from "../abi";
import { MAX_INT_DIGITS } from "./limits";
import { ceilLog10Pow2 } from "../metrics/num";
import { NUMBER_STAGE as STAGE, NUMBER_STAGE_SIZE as STAGE_SIZE, NUMBER_DIGITS as DIGITS } from "../memory";
import { BN0, BN1, BN2, BN3, BN4, bnAdd, bnCmp, bnCopy, bnMulAdd, bnMulPow10, bnOverflow, bnSet, bnShl, bnSub } from "./bignum";

export const NUM_INT: i32 = 1;
export const NUM_FLOAT: i32 = 2;
export const NUM_BIG_INT: i32 = 3;

// At most 24 bytes are staged: sign, 17 digits, point, "e-308".
let sp: i32 = 0;
function put(c: u32): void {
  if (sp < STAGE_SIZE) store<u8>(STAGE + <usize>sp, <u8>c);
  sp++;
}

function flush(n: i32, out: usize, cap: i32): i32 {
  if (n > cap) return ERR_JSON_SPACE;
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<u8>(STAGE + <usize>i));
  return n;
}

// ---- integers -------------------------------------------------------------------------

function uintTo(v: u64, neg: bool, out: usize, cap: i32): i32 {
  let p = STAGE_SIZE;
  do {
    store<u8>(STAGE + <usize>(--p), <u8>(48 + v % 10));
    v /= 10;
  } while (v != 0);
  if (neg) store<u8>(STAGE + <usize>(--p), 0x2d);
  let n = STAGE_SIZE - p;
  if (n > cap) return ERR_JSON_SPACE;
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<u8>(STAGE + <usize>(p + i)));
  return n;
}

export function formatUint(v: u64, out: usize, cap: i32): i32 {
  return uintTo(v, false, out, cap);
}

export function formatInt(v: i64, out: usize, cap: i32): i32 {
  return v < 0 ? uintTo(<u64>(-v), true, out, cap) : uintTo(<u64>v, false, out, cap);
}

// ---- formatting doubles ---------------------------------------------------------------

export function formatFloat(v: f64, out: usize, cap: i32): i32 {
  let bits = reinterpret<u64>(v);
  let be = <i32>(bits >> 52) & 0x7ff;
  let f = bits & 0xfffffffffffff;
  if (be == 0x7ff) return ERR_JSON_NOT_FINITE;
  let n = 0;
  if ((bits >> 63) != 0) store<u8>(STAGE + <usize>(n++), 0x2d);
  if (be == 0 && f == 0) {
    store<u8>(STAGE + <usize>n, 0x30);
    store<u8>(STAGE + <usize>n, 0x2e, 1);
    store<u8>(STAGE + <usize>n, 0x30, 2);
    return flush(n + 3, out, cap);
  }
  let e: i32;
  if (be == 0) e = -1074;
  else { f |= <u64>1 << 52; e = be - 1075; }
  let even = (f & 1) == 0;
  // Lower neighbour twice as close when v is a power of two above the smallest normal.
  let uneven = be > 1 && f == <u64>1 << 52;
  let r = BN0, s = BN1, mp = BN2, mm = BN3, t = BN4;
  let sh = uneven ? 2 : 1;
  if (e >= 0) {
    bnSet(r, f); bnShl(r, e + sh);
    bnSet(s, <u64>sh << 1);
    bnSet(mp, 1); bnShl(mp, e + sh - 1);
    bnSet(mm, 1); bnShl(mm, e);
  } else {
    bnSet(r, f << <u64>sh);
    bnSet(s, 1); bnShl(s, sh - e);
    bnSet(mp, <u64>sh);
    bnSet(mm, 1);
  }
  // v = r/s; k estimated from a lower bound of log2(v), never too high; the loop fixes it up.
  let k = ceilLog10Pow2(e + 63 - <i32>clz(f));
  if (k >= 0) bnMulPow10(s, k);
  else { bnMulPow10(r, -k); bnMulPow10(mp, -k); bnMulPow10(mm, -k); }
  while (true) {
    bnAdd(t, r, mp);
    let c = bnCmp(t, s);
    if (even ? c < 0 : c <= 0) break;
    bnMulAdd(s, 10, 0);
    k++;
  }
  let nd = 0;
  while (nd < 20) {
    bnMulAdd(r, 10, 0); bnMulAdd(mp, 10, 0); bnMulAdd(mm, 10, 0);
    let d: u32 = 0;
    while (d < 10 && bnCmp(r, s) >= 0) { bnSub(r, s); d++; }
    let c1 = bnCmp(r, mm);
    let low = even ? c1 <= 0 : c1 < 0;
    bnAdd(t, r, mp);
    let c2 = bnCmp(t, s);
    let high = even ? c2 >= 0 : c2 > 0;
    if (!low && !high) { store<u8>(DIGITS + <usize>(nd++), <u8>d); continue; }
    if (low && high) {
      bnAdd(t, r, r);
      let c3 = bnCmp(t, s);
      if (c3 > 0 || (c3 == 0 && (d & 1) != 0)) d++;
    } else if (high) d++;
    store<u8>(DIGITS + <usize>(nd++), <u8>d);
    break;
  }
  // DIGITS[0..nd) = 0.d1d2... x 10^k; Python switches to exponent form outside 1e-4 <= |v| < 1e16.
  sp = n;
  let x = k - 1;
  let sci = x < -4 || x >= 16;
  let point = sci ? 1 : k;
  if (point <= 0) {
    put(0x30); put(0x2e);
    for (let i = point; i < 0; i++) put(0x30);
    point = -1;
  }
  for (let i = 0; i < nd || i < point; i++) {
    if (i == point) put(0x2e);
    put(i < nd ? 48 + <u32>load<u8>(DIGITS + <usize>i) : 0x30);
  }
  if (sci) {
    put(0x65);
    put(x < 0 ? 0x2d : 0x2b);
    if (x < 0) x = -x;
    if (x >= 100) put(48 + x / 100);
    put(48 + (x / 10) % 10);
    put(48 + x % 10);
  } else if (nd <= point) {
    put(0x2e); put(0x30);
  }
  return flush(sp, out, cap);
}

// ---- parsing --------------------------------------------------------------------------

let resultInt: i64 = 0;
let resultFloat: f64 = 0;
export function numberInt(): i64 { return resultInt; }
export function numberFloat(): f64 { return resultFloat; }

@inline function isDigit(c: u32): bool { return c - 48 < 10; }
@inline function at(p: usize, i: i32): u32 { return <u32>load<u8>(p + <usize>i); }

export function numberEnd(ptr: usize, pos: i32, end: i32): i32 {
  let p = pos;
  if (p < end && at(ptr, p) == 0x2d) p++;
  if (p >= end || !isDigit(at(ptr, p))) return ERR_JSON_SYNTAX;
  if (at(ptr, p) == 0x30) p++;
  else while (p < end && isDigit(at(ptr, p))) p++;
  if (p + 1 < end && at(ptr, p) == 0x2e && isDigit(at(ptr, p + 1))) {
    p += 2;
    while (p < end && isDigit(at(ptr, p))) p++;
  }
  if (p < end && (at(ptr, p) | 0x20) == 0x65) {
    let q = p + 1;
    if (q < end && (at(ptr, q) == 0x2b || at(ptr, q) == 0x2d)) q++;
    if (q < end && isDigit(at(ptr, q))) {
      p = q + 1;
      while (p < end && isDigit(at(ptr, p))) p++;
    }
  }
  return p;
}

// Digits of the mantissa without the '.': index i in [0, nInt + nFrac).
let mInt: usize = 0;
let mFrac: usize = 0;
let nInt: i32 = 0;
@inline function mantDigit(i: i32): u32 {
  return (i < nInt ? at(mInt, i) : at(mFrac, i - nInt)) - 48;
}

const MAX_SIG_DIGITS: i32 = 800;

export function parseNumber(ptr: usize, len: i32): i32 {
  if (len <= 0 || numberEnd(ptr, 0, len) != len) return ERR_JSON_SYNTAX;
  let p = 0;
  let neg = at(ptr, 0) == 0x2d;
  if (neg) p++;
  mInt = ptr + <usize>p;
  while (p < len && isDigit(at(ptr, p))) p++;
  nInt = p - <i32>(mInt - ptr);
  let nFrac = 0;
  let isFloat = false;
  if (p < len && at(ptr, p) == 0x2e) {
    isFloat = true;
    mFrac = ptr + <usize>(++p);
    while (p < len && isDigit(at(ptr, p))) p++;
    nFrac = p - <i32>(mFrac - ptr);
  }
  let exp = 0;
  if (p < len) {
    isFloat = true;
    p++;
    let eneg = at(ptr, p) == 0x2d;
    if (!isDigit(at(ptr, p))) p++;
    while (p < len) {
      if (exp < 100000000) exp = exp * 10 + <i32>(at(ptr, p) - 48);
      p++;
    }
    if (eneg) exp = -exp;
  }
  if (!isFloat) {
    if (nInt > MAX_INT_DIGITS) return ERR_JSON_NUMBER_LIMIT;
    if (nInt > 19) return NUM_BIG_INT;
    let m: u64 = 0;
    for (let i = 0; i < nInt; i++) m = m * 10 + mantDigit(i);
    if (m > (neg ? <u64>0x8000000000000000 : <u64>0x7fffffffffffffff)) return NUM_BIG_INT;
    resultInt = neg ? -<i64>m : <i64>m;
    return NUM_INT;
  }
  let v = parseMagnitude(nInt + nFrac, exp);
  if (v < 0) return ERR_JSON_NOT_FINITE;
  resultFloat = neg ? -v : v;
  return NUM_FLOAT;
}

// Scales a double approximation by 10^e; only the last step can leave the normal range.
function scale10(z: f64, e: i32): f64 {
  while (e > 22) { z *= 1e22; e -= 22; }
  while (e < -22) { z /= 1e22; e += 22; }
  let p: f64 = 1;
  for (let i = 0; i < e || i < -e; i++) p *= 10;
  return e >= 0 ? z * p : z / p;
}

// The double nearest to the mantissa digits x 10^exp (ties to even); -1 when that is infinite.
function parseMagnitude(nAll: i32, exp: i32): f64 {
  let first = 0;
  while (first < nAll && mantDigit(first) == 0) first++;
  if (first == nAll) return 0;
  let last = nAll - 1;
  while (mantDigit(last) == 0) last--;
  let nd = last - first + 1;
  // value = D x 10^e10, D the digits first..last
  let e10 = exp + nInt - 1 - last;
  if (e10 + nd > 309) return -1;
  if (e10 + nd < -324) return 0;
  let sticky = false;
  if (nd > MAX_SIG_DIGITS) {
    // Halfway points need at most 767 significant digits: cut, and keep a nonzero digit past the cut.
    e10 += nd - MAX_SIG_DIGITS - 1;
    nd = MAX_SIG_DIGITS + 1;
    sticky = true;
  }
  let w: u64 = 0;
  let nw = nd < 19 ? nd : 19;
  for (let i = 0; i < nw; i++) w = w * 10 + mantDigit(first + i);
  if (nd <= 15 && e10 >= -22 && e10 <= 22) return scale10(<f64>w, e10);
  let z = scale10(<f64>w, e10 + nd - nw);
  if (z > 1.7976931348623157e308) z = 1.7976931348623157e308;
  // Exact value: X = D * 10^max(e10,0) over 10^max(-e10,0).
  let xn = BN0;
  bnSet(xn, 0);
  for (let i = 0; i < nd; i++) {
    bnMulAdd(xn, 10, sticky && i == nd - 1 ? 1 : mantDigit(first + i));
  }
  if (e10 > 0) bnMulPow10(xn, e10);
  let b = reinterpret<u64>(z);
  for (let iter = 0; iter < 2048; iter++) {
    let be = <i32>(b >> 52);
    let m = b & 0xfffffffffffff;
    let e: i32;
    if (be == 0) e = -1074;
    else { m |= <u64>1 << 52; e = be - 1075; }
    // Upper halfway point (2m+1) 2^(e-1).
    let c = compareHalfway((m << 1) + 1, e - 1, e10, xn);
    if (c > 0 || (c == 0 && (m & 1) != 0)) {
      b++;
      if (b >= 0x7ff0000000000000) return -1;
      continue;
    }
    if (b == 0) break;
    if (m == <u64>1 << 52 && be > 1) c = compareHalfway((m << 2) - 1, e - 2, e10, xn);
    else c = compareHalfway((m << 1) - 1, e - 1, e10, xn);
    if (c < 0 || (c == 0 && (m & 1) != 0)) { b--; continue; }
    break;
  }
  return reinterpret<f64>(b);
}

// Sign of X - odd * 2^k, where X = xn / 10^max(-e10, 0).
function compareHalfway(odd: u64, k: i32, e10: i32, xn: usize): i32 {
  let l = BN1, r = BN2;
  bnCopy(l, xn);
  bnSet(r, odd);
  if (e10 < 0) bnMulPow10(r, -e10);
  if (k >= 0) bnShl(r, k);
  else bnShl(l, -k);
  return bnCmp(l, r);
}
