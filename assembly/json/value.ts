// The JSON reader, over text held in linear memory: validation, navigation and canonical
// re-writing through out.ts (so the same call yields canonical JSON, CBOR, and the signed bytes).
// It serves the metrics layer (requests, answers, data formats, accessory requests, the server)
// and, in the full build, the byte layer: canonicalize is json_canonicalize.
// Positions are absolute addresses; every function is bounded by an end address and returns
// a negative error code on malformed input. Nesting is limited to MAX_DEPTH (json/limits.ts).
//
// Errors. The full build tells malformed text apart as the byte layer reports it (ERR_JSON_*:
// SYNTAX, TRUNCATED, UTF8, CONTROL, ESCAPE, NOT_FINITE for NaN / Infinity, DEPTH, DUPLICATE_KEY);
// skipValue gives the metrics callers their own codes (MALFORMED, TOO_DEEP, DUPLICATE). The device
// build has no byte layer: its reader returns the metrics codes from the start.
import { ERR_JSON_CONTROL, ERR_JSON_DEPTH, ERR_JSON_DUPLICATE_KEY, ERR_JSON_ESCAPE, ERR_JSON_NOT_FINITE, ERR_JSON_SPACE, ERR_JSON_SYNTAX,
  ERR_JSON_TRUNCATED, ERR_JSON_UTF8, ERR_METRICS_UTF8, ERR_METRICS_DUPLICATE, ERR_METRICS_MALFORMED, ERR_METRICS_TOO_DEEP, ERR_NUMBER_RANGE } from "../abi";
import { NUM_FLOAT, parseNumber, parsedFloatBits, parsedInt, parsedIntFits, scanNumber } from "./number";
import { MAX_DEPTH } from "./limits";
import { OUT_JSON, cborHead, jsonByte, jsonBytes, outBegin, outIsCbor, outLength, outOverflow, wArrayClose, wArrayOpen, wBool, wColon, wComma, wFloat, wInt, wMapClose, wMapOpen, wNull, jsonCodePoint, cborCodePoint } from "./out";
import { lastCodePoint, utf8Length, utf8Sequence } from "../utf8";
import { FLOATS_BUILT } from "../profile";
import { reach } from "../server/region";

const SYNTAX: i32 = OPAYGO_FULL ? ERR_JSON_SYNTAX : ERR_METRICS_MALFORMED;
const TRUNCATED: i32 = OPAYGO_FULL ? ERR_JSON_TRUNCATED : ERR_METRICS_MALFORMED;
const BAD_UTF8: i32 = OPAYGO_FULL ? ERR_JSON_UTF8 : ERR_METRICS_MALFORMED;
const CONTROL: i32 = OPAYGO_FULL ? ERR_JSON_CONTROL : ERR_METRICS_MALFORMED;
const ESCAPE: i32 = OPAYGO_FULL ? ERR_JSON_ESCAPE : ERR_METRICS_MALFORMED;
const TOO_DEEP: i32 = OPAYGO_FULL ? ERR_JSON_DEPTH : ERR_METRICS_TOO_DEEP;
const DUPLICATE: i32 = OPAYGO_FULL ? ERR_JSON_DUPLICATE_KEY : ERR_METRICS_DUPLICATE;

// flags of skipValue and writeValue
export const UNIQUE_KEYS: i32 = 1; // refuse an object, at any depth, holding one key twice
// Python's json (the byte layer, full build only): its number limits (parseNumber), and lone
// surrogate escapes written back as escapes where the metrics layer refuses them.
export const PYTHON: i32 = OPAYGO_FULL ? 2 : 0;
// Text that skipValue accepted before: only its end (and containerCount) is wanted, its numbers
// are not parsed again. The device build's texts are small: it reads them again in full, which
// takes no code.
export const VALID: i32 = OPAYGO_FULL ? 4 : 0;

export function skipWs(p: usize, end: usize): usize {
  while (p < end) {
    let c = load<u8>(p);
    if (c != 0x20 && c != 0x0a && c != 0x0d && c != 0x09) break;
    p++;
  }
  return p;
}

function hexValue(c: u32): i32 {
  if (c - 48 < 10) return <i32>(c - 48);
  c |= 0x20;
  if (c - 97 < 6) return <i32>(c - 87);
  return -1;
}

// The four hex digits of a \u escape at p: their value, or -1 (not a hex digit) / -2 (the text
// ends first). The device build, which tells the two apart by no code, tests the end once.
function hex4(p: usize, end: usize): i32 {
  if (!OPAYGO_FULL && p + 4 > end) return -1;
  let v = 0;
  for (let i: usize = 0; i < 4; i++) {
    if (OPAYGO_FULL && p + i >= end) return -2;
    let h = hexValue(load<u8>(p + i));
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

// ---- strings ---------------------------------------------------------------------------

export let strCodePoint: u32 = 0;
// Decodes one character of a JSON string body at p; returns the position after it (its code
// point in strCodePoint), 0 at the closing quote, or an error. A lone surrogate escape
// (\udc00, or \ud800 not followed by a low one) is read as that code point, as Python's json does;
// callers that need UTF-8 or CBOR text refuse it (isSurrogate).
export function stringChar(p: usize, end: usize): isize {
  if (p >= end) return TRUNCATED;
  let c = <u32>load<u8>(p);
  if (c == 0x22) return 0;
  if (c < 0x20) return CONTROL;
  if (c != 0x5c) {
    let n = utf8Sequence(p, <i32>(end - p));
    if (n == 0) return OPAYGO_FULL && cutSequence(p, end) ? TRUNCATED : BAD_UTF8;
    strCodePoint = lastCodePoint;
    return <isize>(p + <usize>n);
  }
  if (p + 1 >= end) return TRUNCATED;
  let e = <u32>load<u8>(p + 1);
  p += 2;
  if (e == 0x75) {
    let u = hex4(p, end);
    if (u < 0) return u == -2 ? TRUNCATED : ESCAPE;
    p += 4;
    if (u >= 0xd800 && u <= 0xdbff && p + 2 <= end && load<u8>(p) == 0x5c && load<u8>(p + 1) == 0x75) {
      let lo = hex4(p + 2, end);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        p += 6;
        u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
      }
    }
    strCodePoint = <u32>u;
    return <isize>p;
  }
  if (e == 0x22 || e == 0x5c || e == 0x2f) strCodePoint = e;
  else if (e == 0x62) strCodePoint = 0x08;
  else if (e == 0x66) strCodePoint = 0x0c;
  else if (e == 0x6e) strCodePoint = 0x0a;
  else if (e == 0x72) strCodePoint = 0x0d;
  else if (e == 0x74) strCodePoint = 0x09;
  else return ESCAPE;
  return <isize>p;
}

// Whether the bad UTF-8 at p is a valid start of a sequence that the end of the text cuts short.
function cutSequence(p: usize, end: usize): bool {
  let c = <u32>load<u8>(p);
  let need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
  if (<usize>need <= end - p || c < 0xc2 || c > 0xf4) return false;
  for (let q = p + 1; q < end; q++) if ((load<u8>(q) & 0xc0) != 0x80) return false;
  return true;
}

export function isSurrogate(c: u32): bool { return c >= 0xd800 && c <= 0xdfff; }

let stringBytes: i32 = 0; // UTF-8 length of the last scanned string
let stringHasSurrogate = false; // and whether it holds a lone surrogate
// Set by any string scanned with a lone surrogate since the caller cleared it: the device refuses
// them in what it will write (UTF-8 has no form for them), the server reads them as Python does.
export let sawSurrogate = false;
export function clearSawSurrogate(): void { sawSurrogate = false; }
// p at the opening quote; returns the position after the closing quote, or an error.
export function scanString(p: usize, end: usize): isize {
  if (p >= end) return TRUNCATED;
  if (load<u8>(p) != 0x22) return SYNTAX;
  p++;
  let bytes = 0;
  let surrogate = false;
  while (true) {
    let q = stringChar(p, end);
    if (q < 0) return q;
    if (q == 0) break;
    let c = strCodePoint;
    bytes += utf8Length(c);
    surrogate = surrogate || isSurrogate(c);
    p = <usize>q;
  }
  stringBytes = bytes;
  stringHasSurrogate = surrogate;
  if (surrogate) sawSurrogate = true;
  return <isize>(p + 1);
}

// Writes the string at p; a lone surrogate has no UTF-8 form: refused unless flags has PYTHON
// (it goes out as its escape).
function writeString(p: usize, end: usize, flags: i32): isize {
  let after = scanString(p, end);
  if (after < 0) return ERR_METRICS_MALFORMED;
  if (stringHasSurrogate && (flags & PYTHON) == 0) return ERR_METRICS_UTF8;
  cborHead(3, <u64>stringBytes);
  jsonByte(0x22);
  p++;
  while (true) {
    let q = stringChar(p, end);
    if (q <= 0) break;
    jsonCodePoint(strCodePoint);
    cborCodePoint(strCodePoint);
    p = <usize>q;
  }
  jsonByte(0x22);
  return after;
}

// Compares the JSON string at p (opening quote) with an ASCII literal.
export function stringEquals(p: usize, end: usize, s: string): bool {
  return stringEqualsWide(p, end, changetype<usize>(s), s.length);
}

// Against n UTF-16 units at sp.
function stringEqualsWide(p: usize, end: usize, sp: usize, n: i32): bool {
  if (p >= end || load<u8>(p) != 0x22) return false;
  p++;
  for (let i = 0; i < n; i++) {
    let q = stringChar(p, end);
    if (q <= 0 || strCodePoint != <u32>load<u16>(sp + (<usize>i << 1))) return false;
    p = <usize>q;
  }
  return stringChar(p, end) == 0;
}

// Compares the JSON string at p with raw UTF-8 bytes.
export function stringEqualsBytes(p: usize, end: usize, bytes: usize, len: i32): bool {
  if (p >= end || load<u8>(p) != 0x22) return false;
  p++;
  let i = 0;
  while (true) {
    let q = stringChar(p, end);
    if (q < 0) return false;
    if (q == 0) return i == len;
    let c = strCodePoint;
    let n = utf8Length(c);
    if (i + n > len || utf8Sequence(bytes + <usize>i, len - i) != n || lastCodePoint != c) return false;
    i += n;
    p = <usize>q;
  }
}

// stringEqualsBytes for a secret (a received signature against the expected one): every
// character of the string is decoded and XORed into one difference, with no exit on the first
// differing byte; only the lengths and the string's own escapes (both known to the sender) shape
// the time taken. bytes must be ASCII (a code point from 0x80 can never match one of its bytes).
export function stringEqualsSecret(p: usize, end: usize, bytes: usize, len: i32): bool {
  if (p >= end || load<u8>(p) != 0x22) return false;
  p++;
  let i = 0;
  let diff: u32 = 0;
  while (true) {
    let q = stringChar(p, end);
    if (q < 0) return false;
    if (q == 0) break;
    if (i < len) diff |= strCodePoint ^ <u32>load<u8>(bytes + <usize>i);
    else diff |= 1;
    i++;
    p = <usize>q;
  }
  return (diff | <u32>(i != len)) == 0;
}

// ---- values ----------------------------------------------------------------------------

// "true" "false" "null" and, in the full build only, "NaN" "Infinity" as bytes (string literals
// would be UTF-16 data segments), at offsets 0, 4, 9, 13, 16.
const WORDS: usize = OPAYGO_FULL
  ? memory.data<u8>([0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x6e, 0x75, 0x6c, 0x6c, 0x4e, 0x61, 0x4e, 0x49, 0x6e, 0x66, 0x69, 0x6e, 0x69, 0x74, 0x79])
  : memory.data<u8>([0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x6e, 0x75, 0x6c, 0x6c]);

// Whether the JSON strings at a and b (opening quotes; both valid) decode to the same text.
function stringsEqual(a: usize, b: usize, end: usize): bool {
  a++; b++;
  while (true) {
    let qa = stringChar(a, end);
    let ca = strCodePoint;
    let qb = stringChar(b, end);
    if (qa <= 0 || qb <= 0) return qa == qb;
    if (ca != strCodePoint) return false;
    a = <usize>qa; b = <usize>qb;
  }
}

// The end of the string at p, which scanString accepted before: after its closing quote. (The
// device build's texts are small: it scans them again.)
function stringEnd(p: usize, end: usize): usize {
  if (!OPAYGO_FULL) return <usize>scanString(p, end);
  p++;
  while (p < end) {
    let c = load<u8>(p);
    if (c == 0x22) return p + 1;
    p += c == 0x5c ? 2 : 1;
  }
  return end;
}

// Whether a member before the key at key, in the object opened at obj, has the same key. Re-scans
// the object (quadratic in its members, but no memory); the members before key are valid.
export function keyBefore(obj: usize, key: usize, end: usize): bool {
  let q = skipWs(obj + 1, end);
  while (q < key) {
    if (stringsEqual(q, key, end)) return true;
    q = skipWs(stringEnd(q, end), end) + 1; // past ':'
    q = skipWs(skipWs(<usize>skipValue(q, end, 0, VALID), end) + 1, end); // past ','
  }
  return false;
}

// ---- objects of many members (full build) -----------------------------------------------------
// An object's keys are checked for a repeat by comparing each with the ones before it: quadratic,
// which the byte layer's 16 KiB inputs bound. The server's inputs go to megabytes: there, past
// FEW_KEYS members, an object's keys go into a hash table in the server's free memory, at keyTable
// (0: no table), once the object is read.
export const FEW_KEYS: i32 = 16;
export let keyTable: usize = 0;
export function useKeyTable(at: usize): void { keyTable = at; }

// FNV-1a of the decoded characters of the (valid) string at p.
function stringHash(p: usize, end: usize): u32 {
  let h: u32 = 2166136261;
  p++;
  while (true) {
    let q = stringChar(p, end);
    if (q <= 0) return h;
    h = (h ^ strCodePoint) * 16777619;
    p = <usize>q;
  }
}

// Whether the keys of the object, or the strings of the array, at p (valid JSON, count members or
// elements) are all different as decoded text: 1 yes, 0 no, -1 no memory for the hash table at
// table (4 bytes a slot, twice as many slots as strings; memory grows for it).
export function distinctStrings(p: usize, end: usize, count: i32, table: usize): i32 {
  let slots: u32 = 32;
  while (slots < <u32>count * 2) slots <<= 1;
  let mask = slots - 1;
  if (!reach(table + (<usize>slots << 2))) return -1;
  memory.fill(table, 0, <usize>slots << 2);
  let obj = load<u8>(p) == 0x7b;
  let q = skipWs(p + 1, end);
  while (q < end && load<u8>(q) != (obj ? 0x7d : 0x5d)) {
    if (load<u8>(q) == 0x22) {
      let i = stringHash(q, end) & mask;
      while (true) {
        let at = load<u32>(table + (<usize>i << 2));
        if (at == 0) break;
        if (stringsEqual(p + <usize>at, q, end)) return 0;
        i = (i + 1) & mask;
      }
      store<u32>(table + (<usize>i << 2), <u32>(q - p));
    }
    q = skipWs(<usize>skipValue(q, end, 0, VALID), end);
    if (obj) q = skipWs(<usize>skipValue(q + 1, end, 0, VALID), end); // past ':' and the value
    if (q < end && load<u8>(q) == 0x2c) q = skipWs(q + 1, end);
  }
  return 1;
}

// Skips one value at p (after whitespace): its end, or the first error in it. containerCount
// receives the number of elements / members of an array / object. flags: UNIQUE_KEYS, PYTHON (the
// errors as the byte layer reports them; without it the metrics layer's, metricsError), VALID.
export let containerCount: i32 = 0;
export function skipValue(p: usize, end: usize, depth: i32, flags: i32 = 0): isize {
  p = skipWs(p, end);
  if (p >= end) return fail(TRUNCATED, flags);
  let c = load<u8>(p);
  if (c == 0x22) {
    let q = (flags & VALID) != 0 ? <isize>stringEnd(p, end) : scanString(p, end);
    return q < 0 ? stringError(q, flags) : q;
  }
  if (c == 0x7b || c == 0x5b) {
    if (depth >= MAX_DEPTH) return fail(TOO_DEEP, flags);
    let open = p;
    let close: u32 = c == 0x7b ? 0x7d : 0x5d;
    let count = 0;
    p = skipWs(p + 1, end);
    if (p < end && load<u8>(p) == close) { containerCount = 0; return <isize>(p + 1); }
    while (true) {
      if (c == 0x7b) {
        let k = (flags & VALID) != 0 ? <isize>stringEnd(p, end) : scanString(p, end);
        if (k < 0) return stringError(k, flags);
        if ((flags & (UNIQUE_KEYS | VALID)) == UNIQUE_KEYS && (!OPAYGO_FULL || keyTable == 0 || count < FEW_KEYS) && keyBefore(open, p, end)) return fail(DUPLICATE, flags);
        p = skipWs(<usize>k, end);
        if (p >= end || load<u8>(p) != 0x3a) return fail(p >= end ? TRUNCATED : SYNTAX, flags);
        p++;
      }
      let q = skipValue(p, end, depth + 1, flags);
      if (q < 0) return q;
      count++;
      p = skipWs(<usize>q, end);
      if (p >= end) return fail(TRUNCATED, flags);
      let d = load<u8>(p);
      if (d == close) {
        if (OPAYGO_FULL && c == 0x7b && keyTable != 0 && count > FEW_KEYS && (flags & (UNIQUE_KEYS | VALID)) == UNIQUE_KEYS) {
          let u = distinctStrings(open, end, count, keyTable);
          if (u <= 0) return fail(u == 0 ? DUPLICATE : ERR_JSON_SPACE, flags);
        }
        containerCount = count;
        return <isize>(p + 1);
      }
      if (d != 0x2c) return fail(SYNTAX, flags);
      p = skipWs(p + 1, end);
    }
  }
  // (the full build reads numbers first: a literal starts with t, f or n, a number with - or a digit)
  if (!OPAYGO_FULL || c >= 0x66) {
    if (literal(p, end, 0, 4)) return <isize>(p + 4);
    if (literal(p, end, 4, 5)) return <isize>(p + 5);
    if (literal(p, end, 9, 4)) return <isize>(p + 4);
  }
  let n = scanNumber(p, <i32>(end - p));
  if (n == 0) return fail(OPAYGO_FULL && (flags & PYTHON) != 0 ? valueError(p, end) : SYNTAX, flags);
  // (as Python reads them, a number of fewer than 300 characters with no exponent is in range)
  if ((flags & VALID) == 0 && !(OPAYGO_FULL && (flags & PYTHON) != 0 && n < 300 && noExponent(p, n))) {
    let kind = parseNumber(p, n, (flags & PYTHON) != 0, OPAYGO_FULL != 0);
    if (kind < 0) return kind;
  }
  return <isize>(p + <usize>n);
}

function noExponent(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) if ((load<u8>(p + <usize>i) | 0x20) == 0x65) return false;
  return true;
}

// Whether WORDS[at..at+n) is at p.
function literal(p: usize, end: usize, at: i32, n: i32): bool {
  if (p + <usize>n > end) return false;
  for (let i = 0; i < n; i++) if (load<u8>(p + <usize>i) != load<u8>(WORDS + <usize>(at + i))) return false;
  return true;
}

// Why no value starts at p, as Python's json reads it (PYTHON, full build): a literal cut short
// (TRUNCATED) or misspelt (SYNTAX), NaN, Infinity or -Infinity (NOT_FINITE), or a bad number.
// Python's scanner takes the longest number there ("1." as 1, then fails at the "."), so that
// number's own error comes first.
function valueError(p: usize, end: usize): i32 {
  let c = <u32>load<u8>(p);
  if (c == 0x74) return wordError(p, end, 0, 4);
  if (c == 0x66) return wordError(p, end, 4, 5);
  if (c == 0x6e) return wordError(p, end, 9, 4);
  if (c == 0x4e) return literal(p, end, 13, 3) ? ERR_JSON_NOT_FINITE : wordError(p, end, 13, 3);
  if (c == 0x49) return literal(p, end, 16, 8) ? ERR_JSON_NOT_FINITE : wordError(p, end, 16, 8);
  if (c != 0x2d && c - 0x30 >= 10) return SYNTAX;
  // scanNumber failed at a "." or an exponent without digits: the number before it
  let dot = 0, exp = 0;
  for (let q = p + 1; q < end; q++) {
    let d = <u32>load<u8>(q);
    if (d == 0x2e) { if (dot == 0) dot = <i32>(q - p); }
    else if ((d | 0x20) == 0x65) { if (exp == 0) exp = <i32>(q - p); }
    else if (d != 0x2b && d != 0x2d && d - 0x30 >= 10) break;
  }
  let n = exp > 0 && scanNumber(p, exp) == exp ? exp : dot > 0 && scanNumber(p, dot) == dot ? dot : 0;
  if (n > 0) {
    let k = parseNumber(p, n, true);
    return k < 0 ? k : SYNTAX;
  }
  if (p + 1 >= end) return TRUNCATED;
  return literal(p + 1, end, 16, 8) ? ERR_JSON_NOT_FINITE : SYNTAX;
}

// WORDS[at..at+n) is not at p: TRUNCATED when what is there is its start, else SYNTAX.
function wordError(p: usize, end: usize, at: i32, n: i32): i32 {
  for (let i = 0; i < n && p + <usize>i < end; i++) if (load<u8>(p + <usize>i) != load<u8>(WORDS + <usize>(at + i))) return SYNTAX;
  return TRUNCATED;
}

// An error of skipValue: the byte layer's with PYTHON, else the metrics layer's.
@inline function fail(code: i32, flags: i32): isize {
  return OPAYGO_FULL && (flags & PYTHON) == 0 ? metricsError(code) : code;
}
// scanString's error k (the device's reader has one code for all malformed text).
@inline function stringError(k: isize, flags: i32): isize {
  return OPAYGO_FULL ? fail(<i32>k, flags) : SYNTAX;
}
function metricsError(code: i32): i32 {
  if (code == ERR_JSON_DEPTH) return ERR_METRICS_TOO_DEEP;
  if (code == ERR_JSON_DUPLICATE_KEY) return ERR_METRICS_DUPLICATE;
  return code == ERR_NUMBER_RANGE ? code : ERR_METRICS_MALFORMED;
}

// Writes the value at p (text skipValue accepted, with the same depth and PYTHON flag)
// canonically. Returns its end, or an error of the writing (a lone surrogate, an integer beyond
// 64 bits in CBOR).
export function writeValue(p: usize, end: usize, depth: i32, flags: i32 = 0): isize {
  p = skipWs(p, end);
  if (OPAYGO_FULL && (flags & PYTHON) != 0 && !outIsCbor()) return writeJson(p, end);
  let after = skipValue(p, end, depth, VALID);
  if (after < 0) return after;
  let c = load<u8>(p);
  if (c == 0x22) return writeString(p, end, flags);
  if (c == 0x7b || c == 0x5b) {
    let obj = c == 0x7b;
    if (obj) wMapOpen(containerCount); else wArrayOpen(containerCount);
    p = skipWs(p + 1, end);
    let first = true;
    while (load<u8>(p) != (obj ? 0x7d : 0x5d)) {
      if (!first) wComma();
      first = false;
      if (obj) {
        let k = writeString(p, end, flags);
        if (k < 0) return k;
        p = skipWs(<usize>k, end) + 1;
        wColon();
      }
      let q = writeValue(p, end, depth + 1, flags);
      if (q < 0) return q;
      p = skipWs(<usize>q, end);
      if (load<u8>(p) == 0x2c) p = skipWs(p + 1, end);
    }
    if (obj) wMapClose(); else wArrayClose();
    return after;
  }
  if (c == 0x74) { wBool(true); return after; }
  if (c == 0x66) { wBool(false); return after; }
  if (c == 0x6e) { wNull(); return after; }
  let n = <i32>(<usize>after - p);
  let kind = parseNumber(p, n, (flags & PYTHON) != 0);
  // (a profile without floats never gets here with one: skipValue refused it)
  if (FLOATS_BUILT && kind == NUM_FLOAT) { wFloat(parsedFloatBits); return after; }
  if (parsedIntFits) { wInt(parsedInt); return after; }
  // An integer beyond 64 bits: Python keeps it exactly; JSON copies the digits. CBOR would
  // need a bignum tag, which this codec does not write.
  if (outIsCbor()) return ERR_NUMBER_RANGE;
  for (let i = 0; i < n; i++) jsonByte(load<u8>(p + <usize>i));
  return after;
}

// ---- the byte layer's JSON (full build) ---------------------------------------------------------
// writeValue with PYTHON into JSON: one pass over the text (no container is skipped first to
// count it, as CBOR heads need), and text already in the form Python writes copied as it is:
// plain ASCII string characters, integers, floats whose repr is their text.

function writeJson(p: usize, end: usize): isize {
  let c = <u32>load<u8>(p);
  if (c == 0x22) return writeJsonString(p, end);
  if (c == 0x7b || c == 0x5b) {
    let close: u32 = c + 2;
    jsonByte(c);
    p = skipWs(p + 1, end);
    let first = true;
    while (load<u8>(p) != close) {
      if (!first) jsonByte(0x2c);
      first = false;
      if (c == 0x7b) {
        p = skipWs(skipWs(<usize>writeJsonString(p, end), end) + 1, end); // past ':'
        jsonByte(0x3a);
      }
      p = skipWs(<usize>writeJson(p, end), end);
      if (load<u8>(p) == 0x2c) p = skipWs(p + 1, end);
    }
    jsonByte(close);
    return <isize>(p + 1);
  }
  let n = c == 0x74 || c == 0x6e ? 4 : c == 0x66 ? 5 : scanNumber(p, <i32>(end - p));
  if (c >= 0x66 || asPythonWrites(p, n)) { jsonBytes(p, n); return <isize>(p + <usize>n); }
  if (parseNumber(p, n, true) == NUM_FLOAT) wFloat(parsedFloatBits);
  else wInt(parsedInt); // -0: an integer beyond 64 bits is written as it is above
  return <isize>(p + <usize>n);
}

function writeJsonString(p: usize, end: usize): isize {
  jsonByte(0x22);
  p++;
  while (true) {
    let b = <u32>load<u8>(p);
    if (b - 0x20 < 0x5f && b != 0x22 && b != 0x5c) { jsonByte(b); p++; continue; }
    let q = stringChar(p, end);
    if (q <= 0) break;
    jsonCodePoint(strCodePoint);
    p = <usize>q;
  }
  jsonByte(0x22);
  return <isize>(p + 1);
}

// Whether the JSON number text at p (n bytes, valid) is what Python writes for its value: an
// integer other than -0; a float without exponent whose value lies in [1e-4, 1e16) (Python's
// plain range), with no trailing zero after the point but a single one, and at most 15
// significant digits: two decimals of 15 digits never round to the same double, so the shortest
// digits that give its double back (Python's repr) are these.
function asPythonWrites(p: usize, n: i32): bool {
  let i = load<u8>(p) == 0x2d ? 1 : 0;
  let intStart = i;
  while (i < n && load<u8>(p + <usize>i) - 0x30 < 10) i++;
  if (i == n) return !(n == 2 && i == 2 && load<u8>(p + 1) == 0x30 && intStart == 1);
  if (load<u8>(p + <usize>i) != 0x2e) return false; // an exponent
  let intLen = i - intStart;
  let fracStart = ++i;
  while (i < n && load<u8>(p + <usize>i) - 0x30 < 10) i++;
  if (i != n) return false; // an exponent
  let fracLen = n - fracStart;
  if (fracLen > 1 && load<u8>(p + <usize>(n - 1)) == 0x30) return false;
  if (intLen == 1 && load<u8>(p + <usize>intStart) == 0x30) {
    let zeros = 0;
    while (zeros < fracLen && load<u8>(p + <usize>(fracStart + zeros)) == 0x30) zeros++;
    return zeros == fracLen || (zeros < 4 && fracLen - zeros <= 15);
  }
  return intLen <= 16 && intLen + fracLen <= 15;
}

// Python's json.dumps(json.loads(text), separators=(",", ":")) of the text src[0..len) (whitespace
// around the value allowed), into out (cap bytes): its length, or ERR_JSON_* (an integer over
// MAX_INT_DIGITS digits: NUMBER_LIMIT; a number overflowing to infinity: NOT_FINITE; out too small:
// SPACE). Duplicate keys are refused: Python keeps the last value at the first key's position,
// which writing without a buffer for the whole object cannot reproduce.
export function canonicalize(src: usize, len: i32, out: usize, cap: i32): i32 {
  let end = src + <usize>len;
  let p = skipWs(src, end);
  let after = skipValue(p, end, 0, UNIQUE_KEYS | PYTHON);
  if (after == ERR_NUMBER_RANGE) return ERR_JSON_NOT_FINITE;
  if (after < 0) return <i32>after;
  if (skipWs(<usize>after, end) != end) return ERR_JSON_SYNTAX;
  outBegin(out, cap, OUT_JSON);
  writeValue(p, end, 0, PYTHON);
  return outOverflow() ? ERR_JSON_SPACE : outLength();
}

// Finds the member `key` of the object at p; returns the position of its value, or 0.
function memberAt(p: usize, end: usize, key: usize, len: i32, wide: bool): usize {
  p = skipWs(p, end);
  if (p >= end || load<u8>(p) != 0x7b) return 0;
  p = skipWs(p + 1, end);
  while (p < end && load<u8>(p) == 0x22) {
    let k = scanString(p, end);
    if (k < 0) return 0;
    let match = wide ? stringEqualsWide(p, end, key, len) : stringEqualsBytes(p, end, key, len);
    p = skipWs(<usize>k, end) + 1;
    p = skipWs(p, end);
    if (match) return p;
    let q = skipValue(p, end, 1);
    if (q < 0) return 0;
    p = skipWs(<usize>q, end);
    if (p < end && load<u8>(p) == 0x2c) p = skipWs(p + 1, end);
    else break;
  }
  return 0;
}

export function findMember(p: usize, end: usize, key: string): usize {
  return memberAt(p, end, changetype<usize>(key), key.length, true);
}

// The key as [length u8][UTF-8 bytes] at kp (a byte table, no string literal).
export function findMemberKey(p: usize, end: usize, kp: usize): usize {
  return memberAt(p, end, kp + 1, <i32>load<u8>(kp), false);
}
