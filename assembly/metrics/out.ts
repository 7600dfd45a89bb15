// The payload writer. Every value goes out in two forms at once: canonical JSON (Python's
// json.dumps with separators (",", ":"), ensure_ascii) and CBOR (preferred serialization).
// The output buffer receives one of them; the streaming SipHash, when on, always receives the
// canonical JSON, so a CBOR payload is signed exactly like its JSON twin.
import { SipHasher, SIPHASHER_SIZE, sipFinish, sipReset, sipWriteByte } from "../siphash";
import { K0, K1 } from "../key";
import { NUM_TEXT, formatF64, formatI64 } from "./num";
import { ERR_METRICS_UTF8, ERR_METRICS_NOT_FINITE } from "../abi";

export const OUT_JSON: i32 = 0;
export const OUT_CBOR: i32 = 1;

let outPtr: usize = 0;
let outCap: i32 = 0;
let outLen: i32 = 0;
let overflow = false;
let outMode: i32 = OUT_JSON;
let hashing = false;
let error: i32 = 0;
const HASH = changetype<SipHasher>(memory.data(SIPHASHER_SIZE, 8));

export function outBegin(ptr: usize, cap: i32, mode: i32): void {
  outPtr = ptr;
  outCap = cap;
  outLen = 0;
  overflow = false;
  outMode = mode;
  hashing = false;
  error = 0;
}
export function outLength(): i32 { return outLen; }
export function outOverflow(): bool { return overflow; }
// First value error (bad UTF-8, NaN...) since outBegin, or 0.
export function outError(): i32 { return error; }
export function outIsCbor(): bool { return outMode == OUT_CBOR; }

function raw(b: u32): void {
  if (outLen < outCap) { store<u8>(outPtr + <usize>outLen, b); outLen++; }
  else overflow = true;
}

export function jsonByte(b: u32): void {
  if (outMode == OUT_JSON) raw(b);
  if (hashing) sipWriteByte(HASH, b);
}
export function cborByte(b: u32): void {
  if (outMode == OUT_CBOR) raw(b);
}
// Bytes that are signed but not sent (the hex of the previous hash in `ra`, str(ts) in `da`).
export function hashOnly(ptr: usize, len: i32): void {
  for (let i = 0; i < len; i++) sipWriteByte(HASH, load<u8>(ptr + <usize>i));
}

export function hashStart(): void { sipReset(HASH, K0, K1); hashing = true; }
export function hashPause(): void { hashing = false; }
export function hashResume(): void { hashing = true; }
export function hashEnd(): u64 { hashing = false; return sipFinish(HASH); }

// ---- CBOR heads ------------------------------------------------------------------------

export function cborHead(major: u32, v: u64): void {
  let m = major << 5;
  if (v < 24) cborByte(m | <u32>v);
  else if (v < 0x100) { cborByte(m | 24); cborByte(<u32>v); }
  else if (v < 0x10000) { cborByte(m | 25); cborByte(<u32>(v >> 8)); cborByte(<u32>v & 0xff); }
  else if (v < 0x100000000) { cborByte(m | 26); for (let s = 24; s >= 0; s -= 8) cborByte(<u32>(v >> s) & 0xff); }
  else { cborByte(m | 27); for (let s = 56; s >= 0; s -= 8) cborByte(<u32>(v >> s) & 0xff); }
}

// ---- values ----------------------------------------------------------------------------

function jsonText(len: i32): void {
  for (let i = 0; i < len; i++) jsonByte(load<u8>(NUM_TEXT + i));
}

export function wInt(v: i64): void {
  jsonText(formatI64(v));
  if (v >= 0) cborHead(0, <u64>v);
  else cborHead(1, <u64>(-(v + 1)));
}

// f16 bits of x when x is exactly a half-precision value, else -1
function toHalf(x: f64): i32 {
  let f = <f32>x;
  if (<f64>f != x) return -1;
  let bits = reinterpret<u32>(f);
  let sign = (bits >> 16) & 0x8000;
  let e = <i32>((bits >> 23) & 0xff) - 127;
  let m = bits & 0x7fffff;
  if ((bits & 0x7fffffff) == 0) return sign;
  if (e >= -14 && e <= 15) {
    if ((m & 0x1fff) != 0) return -1;
    return sign | ((e + 15) << 10) | (m >> 13);
  }
  if (e >= -24 && e < -14) {
    // subnormal half: value = m' * 2^-24
    let full = m | 0x800000;
    let shift = -e - 14 + 13;
    if ((full & ((1 << shift) - 1)) != 0) return -1;
    return sign | (full >> shift);
  }
  return -1;
}

export function wFloat(x: f64): void {
  let n = formatF64(x);
  if (n < 0) { if (error == 0) error = ERR_METRICS_NOT_FINITE; return; }
  jsonText(n);
  let h = toHalf(x);
  if (h >= 0) { cborByte(0xf9); cborByte(h >> 8); cborByte(h & 0xff); return; }
  let f = <f32>x;
  if (<f64>f == x) {
    let b = reinterpret<u32>(f);
    cborByte(0xfa);
    for (let s = 24; s >= 0; s -= 8) cborByte((b >> s) & 0xff);
    return;
  }
  let b = reinterpret<u64>(x);
  cborByte(0xfb);
  for (let s = 56; s >= 0; s -= 8) cborByte(<u32>(b >> s) & 0xff);
}

export function wBool(v: bool): void {
  if (v) { jsonByte(0x74); jsonByte(0x72); jsonByte(0x75); jsonByte(0x65); cborByte(0xf5); }
  else { jsonByte(0x66); jsonByte(0x61); jsonByte(0x6c); jsonByte(0x73); jsonByte(0x65); cborByte(0xf4); }
}

export function wNull(): void {
  jsonByte(0x6e); jsonByte(0x75); jsonByte(0x6c); jsonByte(0x6c);
  cborByte(0xf6);
}

function hexDigit(d: u32): u32 { return d < 10 ? 48 + d : 87 + d; }

function jsonU16Escape(u: u32): void {
  jsonByte(0x5c); jsonByte(0x75);
  jsonByte(hexDigit((u >> 12) & 15)); jsonByte(hexDigit((u >> 8) & 15));
  jsonByte(hexDigit((u >> 4) & 15)); jsonByte(hexDigit(u & 15));
}

// Length in bytes of the valid UTF-8 sequence at p (n bytes left), with its code point in
// lastCodePoint; 0 when invalid (overlong, surrogate, beyond U+10FFFF, truncated).
export let lastCodePoint: u32 = 0;
export function utf8Sequence(p: usize, n: i32): i32 {
  let b0 = <u32>load<u8>(p);
  if (b0 < 0x80) { lastCodePoint = b0; return 1; }
  let len = 0;
  let cp: u32 = 0;
  let min: u32 = 0;
  if ((b0 & 0xe0) == 0xc0) { len = 2; cp = b0 & 0x1f; min = 0x80; }
  else if ((b0 & 0xf0) == 0xe0) { len = 3; cp = b0 & 0x0f; min = 0x800; }
  else if ((b0 & 0xf8) == 0xf0) { len = 4; cp = b0 & 0x07; min = 0x10000; }
  else return 0;
  if (len > n) return 0;
  for (let i = 1; i < len; i++) {
    let b = <u32>load<u8>(p + <usize>i);
    if ((b & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3f);
  }
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  lastCodePoint = cp;
  return len;
}

// A string given as UTF-8 bytes.
export function wString(ptr: usize, len: i32): void {
  // Validate first so that nothing is written for a bad string.
  for (let i = 0; i < len;) {
    let n = utf8Sequence(ptr + <usize>i, len - i);
    if (n == 0) { if (error == 0) error = ERR_METRICS_UTF8; return; }
    i += n;
  }
  cborHead(3, <u64>len);
  for (let i = 0; i < len; i++) cborByte(load<u8>(ptr + <usize>i));
  jsonByte(0x22);
  for (let i = 0; i < len;) {
    i += utf8Sequence(ptr + <usize>i, len - i);
    jsonCodePoint(lastCodePoint);
  }
  jsonByte(0x22);
}

// One character inside a JSON string, escaped as Python's ensure_ascii does.
export function jsonCodePoint(c: u32): void {
  if (c == 0x22 || c == 0x5c) { jsonByte(0x5c); jsonByte(c); }
  else if (c >= 0x20 && c < 0x7f) jsonByte(c);
  else if (c == 0x0a) { jsonByte(0x5c); jsonByte(0x6e); }
  else if (c == 0x0d) { jsonByte(0x5c); jsonByte(0x72); }
  else if (c == 0x09) { jsonByte(0x5c); jsonByte(0x74); }
  else if (c == 0x08) { jsonByte(0x5c); jsonByte(0x62); }
  else if (c == 0x0c) { jsonByte(0x5c); jsonByte(0x66); }
  else if (c < 0x10000) jsonU16Escape(c);
  else {
    let v = c - 0x10000;
    jsonU16Escape(0xd800 | (v >> 10));
    jsonU16Escape(0xdc00 | (v & 0x3ff));
  }
}

// A constant ASCII key or string from a static literal (read from the data segment).
// A literal member name from a byte table: [length u8][ASCII bytes] at p.
export function wLiteralBytes(p: usize): void {
  let n = <i32>load<u8>(p);
  cborHead(3, <u64>n);
  jsonByte(0x22);
  for (let i = 1; i <= n; i++) { let c = <u32>load<u8>(p + <usize>i); jsonByte(c); cborByte(c); }
  jsonByte(0x22);
}

export function wLiteral(s: string): void {
  let p = changetype<usize>(s);
  let n = s.length;
  cborHead(3, <u64>n);
  jsonByte(0x22);
  for (let i = 0; i < n; i++) { let c = <u32>load<u16>(p + (<usize>i << 1)); jsonByte(c); cborByte(c); }
  jsonByte(0x22);
}

// Structure: JSON punctuation only (CBOR counts go in the heads).
export function wArrayOpen(count: i32): void { jsonByte(0x5b); cborHead(4, <u64>count); }
export function wArrayClose(): void { jsonByte(0x5d); }
export function wMapOpen(count: i32): void { jsonByte(0x7b); cborHead(5, <u64>count); }
export function wMapClose(): void { jsonByte(0x7d); }
export function wComma(): void { jsonByte(0x2c); }
export function wColon(): void { jsonByte(0x3a); }
