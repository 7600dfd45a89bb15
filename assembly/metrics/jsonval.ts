// Reading JSON text held in linear memory: validation, navigation and canonical re-writing
// through out.ts (so the same call yields canonical JSON, CBOR, and the signed bytes).
// Positions are absolute addresses; every function is bounded by an end address and returns
// a negative error code on malformed input. Nesting is limited to MAX_DEPTH (json/limits.ts).
import { ERR_METRICS_UTF8, ERR_METRICS_DUPLICATE, ERR_METRICS_MALFORMED, ERR_METRICS_TOO_DEEP } from "../abi";
import { NUM_FLOAT, parseNumber, parsedFloatBits, parsedInt, parsedIntFits, scanNumber } from "./num";
import { ERR_NUMBER_RANGE } from "../abi";
import { MAX_DEPTH } from "../json/limits";
import { cborByte, cborHead, jsonByte, outIsCbor, wArrayClose, wArrayOpen, wBool, wColon, wComma, wFloat, wInt, wMapClose, wMapOpen, wNull, jsonCodePoint, cborCodePoint } from "./out";
import { lastCodePoint, utf8Length, utf8Sequence } from "../utf8";


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

function hex4(p: usize, end: usize): i32 {
  if (p + 4 > end) return -1;
  let v = 0;
  for (let i: usize = 0; i < 4; i++) {
    let h = hexValue(load<u8>(p + i));
    if (h < 0) return -1;
    v = (v << 4) | h;
  }
  return v;
}

// ---- strings ---------------------------------------------------------------------------

export let strCodePoint: u32 = 0;
// Decodes one character of a JSON string body at p; returns the position after it (its code
// point in strCodePoint), 0 at the closing quote, or -1 when malformed. A lone surrogate escape
// (\udc00, or \ud800 not followed by a low one) is read as that code point, as Python's json does;
// callers that need UTF-8 or CBOR text refuse it (isSurrogate).
export function stringChar(p: usize, end: usize): isize {
  if (p >= end) return -1;
  let c = <u32>load<u8>(p);
  if (c == 0x22) return 0;
  if (c < 0x20) return -1;
  if (c != 0x5c) {
    let n = utf8Sequence(p, <i32>(end - p));
    if (n == 0) return -1;
    strCodePoint = lastCodePoint;
    return <isize>(p + <usize>n);
  }
  if (p + 1 >= end) return -1;
  let e = <u32>load<u8>(p + 1);
  p += 2;
  if (e == 0x75) {
    let u = hex4(p, end);
    if (u < 0) return -1;
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
  else return -1;
  return <isize>p;
}

export function isSurrogate(c: u32): bool { return c >= 0xd800 && c <= 0xdfff; }

let stringBytes: i32 = 0; // UTF-8 length of the last scanned string
let stringHasSurrogate = false; // and whether it holds a lone surrogate
// Set by any string scanned with a lone surrogate since the caller cleared it: the device refuses
// them in what it will write (UTF-8 has no form for them), the server reads them as Python does.
export let sawSurrogate = false;
export function clearSawSurrogate(): void { sawSurrogate = false; }
// p at the opening quote; returns the position after the closing quote, or -1.
export function scanString(p: usize, end: usize): isize {
  if (p >= end || load<u8>(p) != 0x22) return -1;
  p++;
  let bytes = 0;
  let surrogate = false;
  while (true) {
    let q = stringChar(p, end);
    if (q < 0) return -1;
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

export function writeString(p: usize, end: usize): isize {
  let after = scanString(p, end);
  if (after < 0) return ERR_METRICS_MALFORMED;
  if (stringHasSurrogate) return ERR_METRICS_UTF8; // a lone surrogate has no UTF-8 form
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

// "true", "false", "null" as bytes (string literals would be UTF-16 data segments).
const WORDS: usize = memory.data<u8>([0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x6e, 0x75, 0x6c, 0x6c]);
function literal(p: usize, end: usize, at: i32, n: i32): bool {
  if (p + <usize>n > end) return false;
  for (let i = 0; i < n; i++) if (load<u8>(p + <usize>i) != load<u8>(WORDS + <usize>(at + i))) return false;
  return true;
}

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

// Whether a member before the key at key, in the object opened at obj, has the same key. Re-scans
// the object (quadratic in its members, but no memory); the members before key are valid.
function keyBefore(obj: usize, key: usize, end: usize, depth: i32): bool {
  let q = skipWs(obj + 1, end);
  while (q < key) {
    if (stringsEqual(q, key, end)) return true;
    q = skipWs(<usize>scanString(q, end), end) + 1; // past ':'
    q = skipWs(skipWs(<usize>skipValue(q, end, depth), end) + 1, end); // past ','
  }
  return false;
}

// Skips one value at p (after whitespace). Returns its end, or a negative error.
// containerCount receives the number of elements / members of an array / object.
// uniqueKeys: refuse (ERR_METRICS_DUPLICATE) an object at any depth holding one key twice, as the
// server's JSON reader does.
export let containerCount: i32 = 0;
export function skipValue(p: usize, end: usize, depth: i32, uniqueKeys: bool = false): isize {
  p = skipWs(p, end);
  if (p >= end) return ERR_METRICS_MALFORMED;
  let c = load<u8>(p);
  if (c == 0x22) { let q = scanString(p, end); return q < 0 ? <isize>ERR_METRICS_MALFORMED : q; }
  if (c == 0x7b || c == 0x5b) {
    if (depth >= MAX_DEPTH) return ERR_METRICS_TOO_DEEP;
    let open = p;
    let close: u32 = c == 0x7b ? 0x7d : 0x5d;
    let count = 0;
    p = skipWs(p + 1, end);
    if (p < end && load<u8>(p) == close) { containerCount = 0; return <isize>(p + 1); }
    while (true) {
      if (c == 0x7b) {
        let k = scanString(p, end);
        if (k < 0) return ERR_METRICS_MALFORMED;
        if (uniqueKeys && keyBefore(open, p, end, depth + 1)) return ERR_METRICS_DUPLICATE;
        p = skipWs(<usize>k, end);
        if (p >= end || load<u8>(p) != 0x3a) return ERR_METRICS_MALFORMED;
        p++;
      }
      let q = skipValue(p, end, depth + 1, uniqueKeys);
      if (q < 0) return q;
      count++;
      p = skipWs(<usize>q, end);
      if (p >= end) return ERR_METRICS_MALFORMED;
      let d = load<u8>(p);
      if (d == close) { containerCount = count; return <isize>(p + 1); }
      if (d != 0x2c) return ERR_METRICS_MALFORMED;
      p = skipWs(p + 1, end);
    }
  }
  if (literal(p, end, 0, 4)) return <isize>(p + 4);
  if (literal(p, end, 4, 5)) return <isize>(p + 5);
  if (literal(p, end, 9, 4)) return <isize>(p + 4);
  let n = scanNumber(p, <i32>(end - p));
  if (n == 0) return ERR_METRICS_MALFORMED;
  let kind = parseNumber(p, n);
  if (kind < 0) return kind;
  return <isize>(p + <usize>n);
}

// Writes the value at p canonically. Returns its end, or a negative error.
export function writeValue(p: usize, end: usize, depth: i32): isize {
  p = skipWs(p, end);
  let after = skipValue(p, end, depth);
  if (after < 0) return after;
  let c = load<u8>(p);
  if (c == 0x22) return writeString(p, end);
  if (c == 0x7b || c == 0x5b) {
    let obj = c == 0x7b;
    if (obj) wMapOpen(containerCount); else wArrayOpen(containerCount);
    p = skipWs(p + 1, end);
    let first = true;
    while (load<u8>(p) != (obj ? 0x7d : 0x5d)) {
      if (!first) wComma();
      first = false;
      if (obj) {
        let k = writeString(p, end);
        if (k < 0) return k;
        p = skipWs(<usize>k, end) + 1;
        wColon();
      }
      let q = writeValue(p, end, depth + 1);
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
  if (parseNumber(p, n) == NUM_FLOAT) { wFloat(parsedFloatBits); return after; }
  if (parsedIntFits) { wInt(parsedInt); return after; }
  // An integer beyond 64 bits: Python keeps it exactly; JSON copies the digits. CBOR would
  // need a bignum tag, which this codec does not write.
  if (outIsCbor()) return ERR_NUMBER_RANGE;
  for (let i = 0; i < n; i++) jsonByte(load<u8>(p + <usize>i));
  return after;
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
