// The one output stream of every writer: the device's payloads and answers' checks, the JSON
// reader's canonical re-writing, the CBOR decoder's JSON, the server's expansions and answers.
// Every value goes out in two forms at once: canonical JSON (Python's json.dumps with separators
// (",", ":"), ensure_ascii) and CBOR (preferred serialization). The output buffer receives one of
// them; the streaming SipHash, when on, always receives the canonical JSON, so a CBOR payload is
// signed exactly like its JSON twin. Running out of room sets a flag (outOverflow) instead of
// failing at once, so that callers check once at the end. In the full build an output begun with
// capacity OUT_GROWS is the server's region, which takes memory as it needs (server/region.ts).
import { SipHasher, SIPHASHER_SIZE, sipFinish, sipReset, sipWrite, sipWriteByte } from "../siphash";
import { keyWord0, keyWord1 } from "../key";
import { CHAR_BYTES, NUM_TEXT, SIGN_HASH } from "../memory";
import { formatI64 } from "./number";
import { decimalBits, formatDecimal, formatF64, formatInteger } from "../decimal";
import { reach, roomFrom } from "../server/region";
import { ERR_METRICS_UTF8, ERR_METRICS_NOT_FINITE } from "../abi";
import { lastCodePoint, utf8Encode, utf8Sequence, utf8Valid } from "../utf8";
import { escapeCodePoint } from "./string";
import { CBOR_BUILT } from "../profile";
// request.ts reads UTF-8 through here.

export const OUT_JSON: i32 = 0;
export const OUT_CBOR: i32 = 1;
// outBegin's capacity for the server's region (full build): up to its limit, growing memory.
export const OUT_GROWS: i32 = -1;

let outPtr: usize = 0;
let outCap: i32 = 0;
let outLen: i32 = 0;
let overflow = false;
let outMode: i32 = OUT_JSON;
let hashing = false;
let error: i32 = 0;
let grows = false;
const HASH = changetype<SipHasher>(SIGN_HASH);

export function outBegin(ptr: usize, cap: i32, mode: i32): void {
  outPtr = ptr;
  outCap = cap;
  if (OPAYGO_FULL) {
    grows = cap == OUT_GROWS;
    if (grows) outCap = roomFrom(ptr);
  }
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
// (a profile without CBOR writes none: its CBOR code is left out)
export function outIsCbor(): bool { return CBOR_BUILT && outMode == OUT_CBOR; }
// Where the output starts (the CBOR decoder reads back the keys it wrote).
export function outBase(): usize { return outPtr; }
// Whether the output is the server's region (full build).
export function outGrows(): bool { return OPAYGO_FULL && grows; }

function raw(b: u32): void {
  if (outLen < outCap || (OPAYGO_FULL && grows && more())) { store<u8>(outPtr + <usize>outLen, b); outLen++; }
  else overflow = true;
}

// The server's region is full: grows memory for at least one more byte (full build).
function more(): bool {
  if (overflow || !reach(outPtr + <usize>outLen + 1)) return false;
  outCap = roomFrom(outPtr);
  return true;
}

export function jsonByte(b: u32): void {
  if (!outIsCbor()) raw(b);
  if (hashing) sipWriteByte(HASH, b);
}
export function cborByte(b: u32): void {
  if (outIsCbor()) raw(b);
}
// Bytes that are signed but not sent (the hex of the previous hash in `ra`, str(ts) in `da`).
export function hashOnly(ptr: usize, len: i32): void {
  if (OPAYGO_FULL) { sipWrite(HASH, ptr, len); return; } // (the device's texts are short)
  for (let i = 0; i < len; i++) sipWriteByte(HASH, load<u8>(ptr + <usize>i));
}

export function hashStart(): void { sipReset(HASH, keyWord0(), keyWord1()); hashing = true; }
export function hashPause(): void { hashing = false; }
export function hashResume(): void { hashing = true; }
export function hashEnd(): u64 { hashing = false; return sipFinish(HASH); }

// ---- CBOR heads ------------------------------------------------------------------------

export function cborHead(major: u32, v: u64): void {
  if (!CBOR_BUILT) return;
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

// JSON bytes as they are (a span of canonical JSON copied, a literal of the CBOR decoder): in one
// copy when they go to the output only (full build).
export function jsonBytes(p: usize, n: i32): void {
  if (OPAYGO_FULL && !hashing && outMode == OUT_JSON && room(n)) {
    let to = outPtr + <usize>outLen;
    if (n < 16) for (let i: usize = 0; i < <usize>n; i++) store<u8>(to + i, load<u8>(p + i));
    else memory.copy(to, p, <usize>n);
    outLen += n;
    return;
  }
  for (let i = 0; i < n; i++) jsonByte(load<u8>(p + <usize>i));
}

// Whether n more bytes fit, the server's region grown for them (full build).
function room(n: i32): bool {
  if (outLen + n <= outCap) return true;
  if (!grows || overflow || !reach(outPtr + <usize>outLen + <usize>n)) return false;
  outCap = roomFrom(outPtr);
  return true;
}

// The decimal digits of a magnitude up to 2^64 - 1, with a '-' in front when neg (JSON only).
export function jsonUint(v: u64, neg: bool): void {
  jsonText(formatInteger(v, neg));
}

export function cborInt(v: i64): void {
  if (v >= 0) cborHead(0, <u64>v);
  else cborHead(1, <u64>(-(v + 1)));
}

export function wInt(v: i64): void {
  jsonText(formatI64(v));
  cborInt(v);
}

// A double's bits narrowed to a CBOR float of `expBits` exponent and `fracBits` fraction bits
// (half 5 / 10, single 8 / 23) when that holds the value exactly, else -1. bits: finite.
function narrowExact(bits: u64, expBits: i32, fracBits: i32): i64 {
  let sign = <i64>(bits >> 63) << (expBits + fracBits);
  let be = <i32>((bits >> 52) & 0x7ff);
  let frac = bits & 0xfffffffffffff;
  if (be == 0 && frac == 0) return sign;
  if (be == 0) return -1; // a double subnormal is below every half / single value
  let e = be - 1023;
  let bias = (1 << (expBits - 1)) - 1;
  let m = frac | (<u64>1 << 52);
  let drop = 52 - fracBits; // fraction bits the narrow form lacks
  if (e < 1 - bias) drop += 1 - bias - e; // its subnormals: fewer still
  if (e > bias || drop > 52 + 1) return -1;
  if ((m & ((<u64>1 << drop) - 1)) != 0) return -1;
  if (e < 1 - bias) return sign | <i64>(m >> drop);
  return sign | (<i64>(e + bias) << fracBits) | <i64>(frac >> (52 - fracBits));
}

// CBOR's shortest exact form of a double (bits: finite): half, single or double precision.
export function cborFloat(bits: u64): void {
  let h = narrowExact(bits, 5, 10);
  if (h >= 0) { cborByte(0xf9); cborByte(<u32>(h >> 8)); cborByte(<u32>h & 0xff); return; }
  let f = narrowExact(bits, 8, 23);
  if (f >= 0) {
    cborByte(0xfa);
    for (let s = 24; s >= 0; s -= 8) cborByte(<u32>(f >> s) & 0xff);
    return;
  }
  cborByte(0xfb);
  for (let s = 56; s >= 0; s -= 8) cborByte(<u32>(bits >> s) & 0xff);
}

// A double given by its bits.
export function wFloat(bits: u64): void {
  let n = formatF64(bits);
  if (n < 0) { if (error == 0) error = ERR_METRICS_NOT_FINITE; return; }
  jsonText(n);
  if (outIsCbor()) cborFloat(bits);
}

// The double nearest to n * 10^-k, whose repr is those digits (a reading the ring keeps as a
// decimal: n < 2^53, k <= 19); neg: its sign.
export function wDecimal(n: u64, k: i32, neg: bool): void {
  jsonText(formatDecimal(n, k, neg));
  if (!outIsCbor()) return;
  let bits = decimalBits(n, k);
  cborFloat(neg ? bits | 0x8000000000000000 : bits);
}

export function wBool(v: bool): void {
  if (v) { jsonByte(0x74); jsonByte(0x72); jsonByte(0x75); jsonByte(0x65); cborByte(0xf5); }
  else { jsonByte(0x66); jsonByte(0x61); jsonByte(0x6c); jsonByte(0x73); jsonByte(0x65); cborByte(0xf4); }
}

export function wNull(): void {
  jsonByte(0x6e); jsonByte(0x75); jsonByte(0x6c); jsonByte(0x6c);
  cborByte(0xf6);
}

// A string given as UTF-8 bytes.
export function wString(ptr: usize, len: i32): void {
  // Validate first so that nothing is written for a bad string.
  if (!utf8Valid(ptr, len)) { if (error == 0) error = ERR_METRICS_UTF8; return; }
  cborHead(3, <u64>len);
  for (let i = 0; i < len; i++) cborByte(load<u8>(ptr + <usize>i));
  jsonByte(0x22);
  for (let i = 0; i < len;) {
    i += utf8Sequence(ptr + <usize>i, len - i);
    jsonCodePoint(lastCodePoint);
  }
  jsonByte(0x22);
}

// One character inside a JSON string, escaped as Python's ensure_ascii does (json/string.ts).
// (CHAR_BYTES, not NUM_TEXT: a string written may lie in NUM_TEXT.)
export function jsonCodePoint(c: u32): void {
  let n = escapeCodePoint(c, CHAR_BYTES);
  for (let i = 0; i < n; i++) jsonByte(load<u8>(CHAR_BYTES + <usize>i));
}

// One character of a CBOR text string, in UTF-8.
export function cborCodePoint(c: u32): void {
  let n = utf8Encode(c, CHAR_BYTES);
  for (let i = 0; i < n; i++) cborByte(load<u8>(CHAR_BYTES + <usize>i));
}

// A literal member name from a byte table: [length u8][ASCII bytes] at p.
export function wLiteralBytes(p: usize): void {
  let n = <i32>load<u8>(p);
  cborHead(3, <u64>n);
  jsonByte(0x22);
  for (let i = 1; i <= n; i++) { let c = <u32>load<u8>(p + <usize>i); jsonByte(c); cborByte(c); }
  jsonByte(0x22);
}

// A constant ASCII key or string from a static literal (read from the data segment).
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
