// CBOR to canonical JSON: the JSON text a device would have signed for the same value, i.e. Python's
// json.dumps(cbor2.loads(data), separators=(",", ":")).
//   cborToJson(src, len, out, cap): i32   exactly one CBOR item in src[0..len); JSON bytes written or:
//     ERR_CBOR_TRUNCATED, ERR_CBOR_SYNTAX (reserved additional info 28..30, break outside an
//     indefinite item, a chunk of another type, one-byte simple values below 32, trailing bytes),
//     ERR_CBOR_UNSUPPORTED (byte strings, tags, undefined, other simple values), ERR_CBOR_KEY
//     (map key not a text string), ERR_JSON_NOT_FINITE (NaN, ±Inf), ERR_JSON_UTF8,
//     ERR_JSON_DEPTH (over MAX_DEPTH), ERR_JSON_DUPLICATE_KEY, ERR_JSON_SPACE.
// Integers print in full (0..2^64-1 and -2^64..-1), floats of any width through formatFloat (an f16
// 684.0 prints "684.0", the integer 684 "684"); definite and indefinite lengths are accepted.
import { ERR_CBOR_KEY, ERR_CBOR_SYNTAX, ERR_CBOR_TRUNCATED, ERR_CBOR_UNSUPPORTED, ERR_JSON_DEPTH, ERR_JSON_DUPLICATE_KEY, ERR_JSON_NOT_FINITE, ERR_JSON_SPACE, ERR_JSON_UTF8 } from "../abi";
import { MAX_DEPTH } from "../json/limits";
import { lastCodePoint, utf8Sequence } from "../utf8";
import { FEW_KEYS, distinctStrings, keyBefore } from "../json/value";
import { OUT_JSON, jsonByte, jsonBytes, jsonCodePoint, jsonUint, outBase, outBegin, outGrows, outLength, outOverflow, wFloat } from "../json/out";

let S: usize = 0;
let N: i32 = 0;
let major: u32 = 0;
let arg: u64 = 0;
let indefinite: bool = false;
let info: u32 = 0;

// "truefalsenull" and the digits of 2^64
const WORDS: usize = memory.data<u8>([0x74, 0x72, 0x75, 0x65, 0x66, 0x61, 0x6c, 0x73, 0x65, 0x6e, 0x75, 0x6c, 0x6c]);
const TWO_POW_64: usize = memory.data<u8>([0x31, 0x38, 0x34, 0x34, 0x36, 0x37, 0x34, 0x34, 0x30, 0x37, 0x33, 0x37, 0x30, 0x39,
  0x35, 0x35, 0x31, 0x36, 0x31, 0x36]);

@inline function at(p: i32): u32 { return <u32>load<u8>(S + <usize>p); }

// Reads the head at p into major / arg / indefinite; returns the position after it.
function head(p: i32): i32 {
  if (p >= N) return ERR_CBOR_TRUNCATED;
  let ib = at(p++);
  major = ib >> 5;
  let ai = ib & 31;
  info = ai;
  indefinite = false;
  if (ai < 24) { arg = ai; return p; }
  if (ai == 31) {
    if (major < 2 || major == 6) return ERR_CBOR_SYNTAX;
    indefinite = true;
    arg = 0;
    return p;
  }
  if (ai > 27) return ERR_CBOR_SYNTAX;
  let bytes = 1 << (ai - 24);
  if (N - p < bytes) return ERR_CBOR_TRUNCATED;
  arg = 0;
  for (let i = 0; i < bytes; i++) arg = (arg << 8) | <u64>at(p + i);
  return p + bytes;
}

function text(p: i32, n: u64): i32 {
  if (n > <u64>(N - p)) return ERR_CBOR_TRUNCATED;
  let end = p + <i32>n;
  while (p < end) {
    let size = utf8Sequence(S + <usize>p, end - p);
    if (size == 0) return ERR_JSON_UTF8;
    jsonCodePoint(lastCodePoint);
    p += size;
  }
  return end;
}

function half(h: u32): f64 {
  let e = <i32>(h >> 10) & 31;
  let m = <f64>(h & 1023);
  let v = e == 0 ? m * 5.960464477539063e-8 : (m + 1024) * reinterpret<f64>(<u64>(e - 25 + 1023) << 52);
  return (h & 0x8000) != 0 ? -v : v;
}

function item(p: i32, depth: i32): i32 {
  p = head(p);
  if (p < 0) return p;
  if (major == 0 || major == 1) {
    if (major == 1 && arg == 0xffffffffffffffff) {
      jsonByte(0x2d);
      jsonBytes(TWO_POW_64, 20);
    } else jsonUint(major == 1 ? arg + 1 : arg, major == 1);
    return p;
  }
  if (major == 3) {
    jsonByte(0x22);
    if (!indefinite) p = text(p, arg);
    else {
      while (true) {
        if (p >= N) return ERR_CBOR_TRUNCATED;
        if (at(p) == 0xff) { p++; break; }
        p = head(p);
        if (p < 0) return p;
        if (major != 3 || indefinite) return ERR_CBOR_SYNTAX;
        p = text(p, arg);
        if (p < 0) return p;
      }
    }
    jsonByte(0x22);
    return p;
  }
  if (major == 4 || major == 5) {
    if (depth >= MAX_DEPTH) return ERR_JSON_DEPTH;
    let isMap = major == 5;
    let count = arg;
    let open = indefinite;
    let start = outLength();
    // a large map in the server's region: its keys are checked at its end, through a hash table
    let late = outGrows();
    jsonByte(isMap ? 0x7b : 0x5b);
    let i: u64 = 0;
    for (; open || i < count; i++) {
      if (p >= N) return ERR_CBOR_TRUNCATED;
      if (open && at(p) == 0xff) { p++; break; }
      if (i > 0) jsonByte(0x2c);
      if (isMap) {
        if (at(p) >> 5 != 3) return at(p) == 0xff ? ERR_CBOR_SYNTAX : ERR_CBOR_KEY;
        let key = outLength();
        p = item(p, depth + 1);
        if (p < 0) return p;
        if ((!late || i < <u64>FEW_KEYS) && duplicate(start, key)) return ERR_JSON_DUPLICATE_KEY;
        jsonByte(0x3a);
        if (p < N && at(p) == 0xff) return ERR_CBOR_SYNTAX;
      }
      p = item(p, depth + 1);
      if (p < 0) return p;
    }
    jsonByte(isMap ? 0x7d : 0x5d);
    if (isMap && late && i > <u64>FEW_KEYS && !outOverflow()) {
      let base = outBase();
      let end = base + <usize>outLength();
      let u = distinctStrings(base + <usize>start, end, <i32>i, (end + 3) & ~3);
      if (u <= 0) return u == 0 ? ERR_JSON_DUPLICATE_KEY : ERR_JSON_SPACE;
    }
    return p;
  }
  if (major == 7) {
    if (info == 20 || info == 21) { jsonBytes(WORDS + <usize>(info == 21 ? 0 : 4), info == 21 ? 4 : 5); return p; }
    if (info == 22) { jsonBytes(WORDS + 9, 4); return p; }
    let v: f64;
    if (info == 25) {
      if ((arg & 0x7c00) == 0x7c00) return ERR_JSON_NOT_FINITE;
      v = half(<u32>arg);
    }
    else if (info == 26) v = <f64>reinterpret<f32>(<u32>arg);
    else if (info == 27) v = reinterpret<f64>(arg);
    else return info == 31 || (info == 24 && arg < 32) ? ERR_CBOR_SYNTAX : ERR_CBOR_UNSUPPORTED;
    if (v - v != 0) return ERR_JSON_NOT_FINITE;
    wFloat(reinterpret<u64>(v));
    return p;
  }
  return ERR_CBOR_UNSUPPORTED;
}

// Whether the key just written at output offset key repeats one of the object opened at start
// (read back from the JSON written so far, while it is all there).
function duplicate(start: i32, key: i32): bool {
  if (outOverflow()) return false;
  let base = outBase();
  return keyBefore(base + <usize>start, base + <usize>key, base + <usize>outLength());
}

// cap: out's capacity, or OUT_GROWS (the server's region).
export function cborToJson(src: usize, len: i32, out: usize, cap: i32): i32 {
  S = src;
  N = len;
  outBegin(out, cap, OUT_JSON);
  let p = item(0, 0);
  if (p < 0) return p;
  if (p != len) return ERR_CBOR_SYNTAX;
  return outOverflow() ? ERR_JSON_SPACE : outLength();
}
