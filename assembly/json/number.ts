// Numbers as the JSON reader (value.ts) and the payload writer (out.ts) read and write them: integers in
// decimal and hex, and JSON number text scanned and parsed to an i64 or a double's bits, for the
// metrics layer (at most MAX_DIGITS significant digits) and the byte layer (Python's limits). The
// exact conversions between doubles and decimals are decimal.ts's, integer arithmetic only: the
// device module has no float instruction.
import { ERR_JSON_NOT_FINITE, ERR_JSON_NUMBER_LIMIT, ERR_JSON_SPACE, ERR_JSON_SYNTAX, ERR_NUMBER_SYNTAX, ERR_NUMBER_RANGE } from "../abi";
import { MAX_INT_DIGITS } from "./limits";
import { SIGN, bitsFinite, bitsZero, formatF64, formatInteger, nearestDouble } from "../decimal";
import { DIGITS, DIGITS_CAPACITY, NUM_TEXT } from "../memory";
import { ERR_METRICS_NOT_BUILT } from "../abi";
import { FLOATS_BUILT } from "../profile";

// Significant digits of a parsed number kept exactly; longer numbers are refused.
export const MAX_DIGITS: i32 = 40;

// Decimal of a signed 64-bit integer into NUM_TEXT; returns the length.
export function formatI64(v: i64): i32 {
  // The magnitude as u64, so that i64.MIN_VALUE needs no special case.
  return v < 0 ? formatInteger(<u64>0 - <u64>v, true) : formatInteger(<u64>v, false);
}

export function formatU64Hex(v: u64): i32 {
  let n = v == 0 ? 1 : (67 - <i32>clz(v)) >> 2;
  for (let i = 0; i < n; i++) {
    let d = <u32>((v >> (<u64>(n - 1 - i) << 2)) & 15);
    store<u8>(NUM_TEXT + i, d < 10 ? 48 + d : 87 + d);
  }
  return n;
}

// ---- parsing JSON number text ----------------------------------------------------------

export const NUM_INT: i32 = 1;
export const NUM_FLOAT: i32 = 2;

// The parsed value: a float in parsedFloatBits (its IEEE 754 bits), an integer that fits i64
// in parsedInt (parsedIntFits), or a longer integer kept only as text.
export let parsedFloatBits: u64 = 0;
export let parsedInt: i64 = 0;
export let parsedIntFits: bool = false;

// Length of the JSON number at ptr (at most len bytes), or 0 if there is none.
export function scanNumber(ptr: usize, len: i32): i32 {
  let i = 0;
  if (i < len && load<u8>(ptr) == 0x2d) i++;
  if (i >= len) return 0;
  let c = load<u8>(ptr + i);
  if (c == 0x30) i++;
  else if (c >= 0x31 && c <= 0x39) { while (i < len && isDigit(load<u8>(ptr + i))) i++; }
  else return 0;
  if (i < len && load<u8>(ptr + i) == 0x2e) {
    i++;
    let s = i;
    while (i < len && isDigit(load<u8>(ptr + i))) i++;
    if (i == s) return 0;
  }
  if (i < len && (load<u8>(ptr + i) | 0x20) == 0x65) {
    i++;
    if (i < len && (load<u8>(ptr + i) == 0x2b || load<u8>(ptr + i) == 0x2d)) i++;
    let s = i;
    while (i < len && isDigit(load<u8>(ptr + i))) i++;
    if (i == s) return 0;
  }
  return i;
}

@inline function isDigit(c: u32): bool { return c - 48 < 10; }

// Parses exactly len bytes of JSON number text. Returns NUM_INT (parsedInt, or only the text when
// !parsedIntFits) or NUM_FLOAT (parsedFloatBits: correctly rounded, ties to even), or
// ERR_NUMBER_SYNTAX, or ERR_NUMBER_RANGE (overflows to infinity; in the metrics layer also more
// than MAX_DIGITS significant digits). As in Python, a literal with '.', 'e' or 'E' is a float.
// python (full build: the byte layer) reads as json.loads does: integers up to MAX_INT_DIGITS
// digits (ERR_JSON_NUMBER_LIMIT past them), floats of any length (past DIGITS_CAPACITY - 1
// significant digits, the rest kept as one sticky nonzero digit: halfway points between doubles
// have at most 767, so the rounding is that of the whole text).
// check: only whether the number is one to take (a reader's validation): a float whose value is
// certainly finite returns NUM_FLOAT without its double (parsedFloatBits unchanged).
// A profile without floats (OPAYGO_FLOATS=0) refuses a float with ERR_METRICS_NOT_BUILT.
export function parseNumber(ptr: usize, len: i32, python: bool = false, check: bool = false): i32 {
  if (len <= 0 || scanNumber(ptr, len) != len) return ERR_NUMBER_SYNTAX;
  let anyLength = OPAYGO_FULL && python;
  let neg = load<u8>(ptr) == 0x2d;
  let i = neg ? 1 : 0;
  let isFloat = false;
  for (let j = i; j < len; j++) {
    let c = load<u8>(ptr + j);
    if (c == 0x2e || (c | 0x20) == 0x65) isFloat = true;
  }
  if (!isFloat) {
    if (anyLength && len - i > MAX_INT_DIGITS) return ERR_JSON_NUMBER_LIMIT;
    // Integer: exact in i64 when it fits; Python keeps bigger ones exactly as text.
    let limit: u64 = neg ? <u64>0x8000000000000000 : <u64>0x7fffffffffffffff;
    let v: u64 = 0;
    parsedIntFits = true;
    for (let j = i; j < len; j++) {
      let d = <u64>(load<u8>(ptr + j) - 48);
      if (v > (limit - d) / 10) { parsedIntFits = false; break; }
      v = v * 10 + d;
    }
    parsedInt = neg ? <i64>(<u64>0 - v) : <i64>v;
    return NUM_INT;
  }
  if (!FLOATS_BUILT) return ERR_METRICS_NOT_BUILT;
  // Significant digits into DIGITS, exponent so that value = digits * 10^e10.
  let keep = anyLength ? DIGITS_CAPACITY - 1 : MAX_DIGITS;
  let sticky = false;
  let nd = 0;
  let e10 = 0;
  let seenPoint = false;
  let j = i;
  for (; j < len; j++) {
    let c = load<u8>(ptr + j);
    if (c == 0x2e) { seenPoint = true; continue; }
    if (!isDigit(c)) break;
    if (nd == 0 && c == 0x30) { if (seenPoint) e10--; continue; }
    if (nd < keep) {
      store<u8>(DIGITS + nd++, c - 48);
      if (seenPoint) e10--;
    } else if (c != 0x30 && !anyLength) {
      return ERR_NUMBER_RANGE;
    } else {
      if (anyLength && c != 0x30) sticky = true;
      if (!seenPoint) e10++;
    }
  }
  if (j < len) {
    // exponent part; anything past 5 digits is certainly out of range (or zero)
    j++;
    let eneg = false;
    let c = load<u8>(ptr + j);
    if (c == 0x2b || c == 0x2d) { eneg = c == 0x2d; j++; }
    let ev = 0;
    for (; j < len; j++) { if (ev < 100000) ev = ev * 10 + (load<u8>(ptr + j) - 48); }
    e10 += eneg ? -ev : ev;
  }
  if (sticky) {
    store<u8>(DIGITS + nd++, 1);
    e10--;
  }
  // Trailing zeros carry no information.
  while (nd > 0 && load<u8>(DIGITS + nd - 1) == 0) { nd--; e10++; }
  let x: u64 = 0;
  // below 10^-324 rounds to zero, from 10^309 up overflows
  if (nd == 0 || nd + e10 < -324) x = 0;
  else if (nd + e10 > 309) return ERR_NUMBER_RANGE;
  else if (check && nd + e10 < 309) return NUM_FLOAT; // below 10^308
  else {
    x = nearestDouble(nd, e10);
    if (!bitsFinite(x)) return ERR_NUMBER_RANGE;
  }
  parsedFloatBits = neg ? x | SIGN : x;
  return NUM_FLOAT;
}

// ---- the byte layer's json_format_float and json_parse_number ----------------------------------
// JSON numbers as Python writes and reads them (the byte layer's json_format_float,
// json_parse_number).
//
//   formatFloat(v, out, cap): i32   repr(float): shortest round-trip digits (the closest such to v,
//                                   ties to an even last digit), exponent form when the decimal exponent
//                                   is < -4 or >= 16 ("1e-05", "1.5e+16"), else plain with a decimal
//                                   ("100.0", "-0.0"). Bytes written (at most 24), or ERR_JSON_NOT_FINITE
//                                   (NaN, ±Inf) / ERR_JSON_SPACE.
//   parseJsonNumber(ptr, len): i32  the whole of ptr[0..len) as one JSON number literal. Returns
//                                   NUM_INT (an integer within i64), NUM_BIG_INT (an integer outside i64:
//                                   valid, use the text), NUM_FLOAT (correctly rounded double in
//                                   numberFloat()), or ERR_JSON_SYNTAX / ERR_JSON_NOT_FINITE (overflows to
//                                   infinity) / ERR_JSON_NUMBER_LIMIT (integer over MAX_INT_DIGITS digits).
//                                   As in Python, a literal with '.', 'e' or 'E' is a float.
//
// decimal.ts's printer and the parser above (in its Python reading), with the byte layer's error
// codes.
export const NUM_BIG_INT: i32 = 3;

export function formatFloat(v: f64, out: usize, cap: i32): i32 {
  let n = formatF64(reinterpret<u64>(v));
  if (n < 0) return ERR_JSON_NOT_FINITE;
  if (n > cap) return ERR_JSON_SPACE;
  for (let i = 0; i < n; i++) store<u8>(out + <usize>i, load<u8>(NUM_TEXT + <usize>i));
  return n;
}

export function parseJsonNumber(ptr: usize, len: i32): i32 {
  let k = parseNumber(ptr, len, true);
  if (k == ERR_NUMBER_SYNTAX) return ERR_JSON_SYNTAX;
  if (k == ERR_NUMBER_RANGE) return ERR_JSON_NOT_FINITE;
  return k == NUM_INT && !parsedIntFits ? NUM_BIG_INT : k;
}

export function numberFloat(): f64 { return reinterpret<f64>(parsedFloatBits); }
