// JSON numbers as Python writes and reads them.
//
//   formatFloat(v, out, cap): i32   repr(float): shortest round-trip digits (the closest such to v,
//                                   ties to an even last digit), exponent form when the decimal exponent
//                                   is < -4 or >= 16 ("1e-05", "1.5e+16"), else plain with a decimal
//                                   ("100.0", "-0.0"). Bytes written (at most 24), or ERR_JSON_NOT_FINITE
//                                   (NaN, ±Inf) / ERR_JSON_SPACE.
//   parseNumber(ptr, len): i32      the whole of ptr[0..len) as one JSON number literal. Returns
//                                   NUM_INT (an integer within i64), NUM_BIG_INT (an integer outside i64:
//                                   valid, use the text), NUM_FLOAT (correctly rounded double in
//                                   numberFloat()), or ERR_JSON_SYNTAX / ERR_JSON_NOT_FINITE (overflows to
//                                   infinity) / ERR_JSON_NUMBER_LIMIT (integer over MAX_INT_DIGITS digits).
//                                   As in Python, a literal with '.', 'e' or 'E' is a float.
//   numberEnd(ptr, pos, end): i32   end of the longest number literal at ptr[pos..end), as Python's
//                                   scanner matches it (so "1." ends before the '.'); ERR_JSON_SYNTAX if none.
//
// Exactness: both directions are decimal.ts's, shared with the metrics layer: free-format shortest
// digits (with a fast path for few decimals), and a double approximation corrected by exact
// comparison against the halfway points. This file adds Python's syntax and limits.
import { ERR_JSON_NOT_FINITE, ERR_JSON_NUMBER_LIMIT, ERR_JSON_SPACE, ERR_JSON_SYNTAX } from "../abi";
import { MAX_INT_DIGITS } from "./limits";
import { bitsFinite, formatF64, nearestDouble } from "../decimal";
import { DIGITS, DIGITS_CAPACITY, NUM_TEXT } from "../memory";

export const NUM_INT: i32 = 1;
export const NUM_FLOAT: i32 = 2;
export const NUM_BIG_INT: i32 = 3;

// ---- formatting doubles ---------------------------------------------------------------

export function formatFloat(v: f64, out: usize, cap: i32): i32 {
  let n = formatF64(reinterpret<u64>(v));
  if (n < 0) return ERR_JSON_NOT_FINITE;
  if (n > cap) return ERR_JSON_SPACE;
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<u8>(NUM_TEXT + <usize>i));
  return n;
}

// ---- parsing --------------------------------------------------------------------------

let resultFloat: f64 = 0;
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
    return m > (neg ? <u64>0x8000000000000000 : <u64>0x7fffffffffffffff) ? NUM_BIG_INT : NUM_INT;
  }
  let v = parseMagnitude(nInt + nFrac, exp);
  if (v < 0) return ERR_JSON_NOT_FINITE;
  resultFloat = neg ? -v : v;
  return NUM_FLOAT;
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
  // Halfway points need at most 767 significant digits: past DIGITS_CAPACITY - 1 of them, cut and
  // keep a nonzero digit for the rest (the last digit, nonzero, lies beyond the cut).
  let kept = nd;
  if (nd > DIGITS_CAPACITY) {
    kept = DIGITS_CAPACITY;
    e10 += nd - kept;
  }
  for (let i = 0; i < kept; i++) store<u8>(DIGITS + <usize>i, <u8>mantDigit(first + i));
  if (kept < nd) store<u8>(DIGITS + <usize>(kept - 1), 1);
  let bits = nearestDouble(kept, e10);
  return bitsFinite(bits) ? reinterpret<f64>(bits) : -1;
}
